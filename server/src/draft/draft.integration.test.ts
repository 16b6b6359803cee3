import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, DRAFT_LIMITS, draftDocName, type CaseDetail } from '@parley/shared';
import { api, consent, createCase, signIn, startTestServer, tokenOf } from '../test/harness.ts';
import { appendParagraph, docOfSyncStep2, emptySyncStep1Message, paragraphUpdate, provider, rawClient, synced, syncUpdateMessage, until } from '../test/yjs.ts';
import type { WebsocketProvider } from 'y-websocket';

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let other: CaseDetail;
const tokens: Record<string, string> = {};
const providers: WebsocketProvider[] = [];
const open = (p: WebsocketProvider) => (providers.push(p), p);

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie, [
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Cleo Observer', role: 'assessor' },
    { displayName: 'Dan Advisor', role: 'advisor', side: 'B' },
  ], 'Fence repair');
  for (const p of detail.participants) if (p.invitation) tokens[p.displayName] = tokenOf(p.invitation.url);
  for (const name of ['Ana Party', 'Cleo Observer', 'Dan Advisor']) await consent(server, tokens[name]!, detail);
  other = await createCase(server, cookie);
});
afterAll(async () => {
  for (const p of providers) p.destroy();
  await server?.close();
});

const agreement = () => draftDocName(detail.id, 'agreement');

describe('agreement draft over y-websocket', () => {
  it('two people edit concurrently and converge; the server keeps the same text and reports the change', async () => {
    const changes: string[] = [];
    const off = server.bus.on('draft.edited', ({ caseId }) => changes.push(caseId));
    const ana = open(provider(server, agreement(), { token: tokens['Ana Party'] }));
    const med = open(provider(server, agreement(), { cookie }));
    await Promise.all([synced(ana), synced(med)]);
    // Typed at the same moment, before either has seen the other's change.
    for (let i = 0; i < 5; i++) {
      appendParagraph(ana.doc, `Ana clause ${i}`);
      appendParagraph(med.doc, `Mediator clause ${i}`);
    }
    const text = (d: Y.Doc) => d.getXmlFragment('default').toString();
    await until(() => text(ana.doc) === text(med.doc) && ana.doc.getXmlFragment('default').length === 10, 5000, 'convergence');
    const snap = await server.drafts.snapshotText(detail.id);
    for (let i = 0; i < 5; i++) expect(snap.text).toContain(`Ana clause ${i}`);
    expect(snap.text.split('\n')).toHaveLength(10);
    expect(snap.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(changes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(changes)).toEqual(new Set([detail.id]));
    off();
  });

  it('shows each person under their own name and colour, whatever the client claims', async () => {
    const ana = open(provider(server, agreement(), { token: tokens['Ana Party'] }));
    const dan = open(provider(server, agreement(), { token: tokens['Dan Advisor'] }));
    await Promise.all([synced(ana), synced(dan)]);
    ana.awareness.setLocalStateField('user', { name: 'The Mediator', color: '#000000' });
    await until(() => [...dan.awareness.getStates().values()].some((s) => s.user?.name === 'Ana Party'), 5000, 'presence');
    const seen = [...dan.awareness.getStates().values()].map((s) => s.user?.name);
    expect(seen).not.toContain('The Mediator');
  });

  it('an assessor reads the draft live but cannot change it (threats #3)', async () => {
    const before = await server.drafts.snapshotText(detail.id);
    const cleo = rawClient(server, agreement(), { token: tokens['Cleo Observer'] });
    await cleo.opened;
    await until(() => cleo.messages.length > 0, 3000, 'initial sync');
    cleo.send(syncUpdateMessage(paragraphUpdate('Assessor rewrites the agreement')));
    // Then she asks for the whole document: its answer comes after her update was handled.
    const asked = cleo.messages.length;
    cleo.send(emptySyncStep1Message());
    await until(() => cleo.messages.slice(asked).some((m) => docOfSyncStep2(m) !== null), 5000, 'the document sent back to the assessor');
    const sentBack = docOfSyncStep2(cleo.messages.slice(asked).find((m) => docOfSyncStep2(m) !== null)!)!;
    expect(sentBack.getXmlFragment('default').toString()).not.toContain('Assessor rewrites');
    expect((await server.drafts.snapshotText(detail.id)).hash).toBe(before.hash);
    // …but still receives everyone else's changes.
    const seenBefore = cleo.messages.length;
    const ana = open(provider(server, agreement(), { token: tokens['Ana Party'] }));
    await synced(ana);
    appendParagraph(ana.doc, 'Ana adds a clause the assessor sees');
    await until(() => cleo.messages.length > seenBefore, 3000, 'update to the assessor');
    expect(cleo.ws.readyState).toBe(cleo.ws.OPEN);
    cleo.ws.close();
  });

  it('refuses unknown people, other cases, the notes to a party, malformed names and foreign origins with named codes', async () => {
    const tampered = tokens['Ana Party']!.slice(0, 12) + (tokens['Ana Party']![12] === 'a' ? 'b' : 'a') + tokens['Ana Party']!.slice(13);
    const cases: Array<[string, { token?: string; headers?: Record<string, string> }, number]> = [
      [agreement(), {}, CloseCode.Unauthorised],
      [agreement(), { token: tampered }, CloseCode.Unauthorised],
      [agreement(), { token: tokens['Ben Party'] }, CloseCode.ConsentChanged], // no consent yet
      [draftDocName(detail.id, 'notes'), { token: tokens['Ana Party'] }, CloseCode.Forbidden],
      [draftDocName(detail.id, 'notes'), { token: tokens['Cleo Observer'] }, CloseCode.Forbidden],
      [draftDocName(other.id, 'agreement'), { token: tokens['Ana Party'] }, CloseCode.Forbidden],
      [`case.${detail.id}.minutes`, { token: tokens['Ana Party'] }, CloseCode.Forbidden],
      ['case.x.agreement', { headers: { cookie } }, CloseCode.Forbidden],
      [`..%2f${agreement()}`, { headers: { cookie } }, CloseCode.Forbidden],
      [draftDocName('nosuchcase0000000000', 'agreement'), { headers: { cookie } }, CloseCode.Forbidden],
      [agreement(), { headers: { cookie, origin: 'https://evil.example' } }, CloseCode.Forbidden],
      [agreement(), { headers: { cookie: 'parley_session=forged' } }, CloseCode.SignedOut], // the mediator is told to sign in again
    ];
    for (const [name, opts, code] of cases) {
      const c = rawClient(server, name, opts);
      const closed = await c.closed;
      // Refused in HTTP, before the upgrade: no WebSocket was ever opened (closed.httpStatus is set).
      expect({ name, code: closed.code, got: c.messages.length, beforeUpgrade: closed.httpStatus !== undefined }).toEqual({ name, code, got: 0, beforeUpgrade: true });
    }
    // The mediator's own notes open; the allowed origin is fine.
    const notes = rawClient(server, draftDocName(detail.id, 'notes'), { headers: { cookie, origin: new URL(server.url).origin } });
    await notes.opened;
    await until(() => notes.messages.length > 0, 3000, 'notes sync');
    notes.ws.close();
  });

  it('a revoked link is closed at once, also on an open draft socket', async () => {
    const dan = rawClient(server, agreement(), { token: tokens['Dan Advisor'] });
    await dan.opened;
    const danId = detail.participants.find((p) => p.displayName === 'Dan Advisor')!.id;
    await api(server, 'POST', `/api/cases/${detail.id}/participants/${danId}/revoke`, { cookie });
    expect((await dan.closed).code).toBe(CloseCode.Revoked);
    expect((await rawClient(server, agreement(), { token: tokens['Dan Advisor'] }).closed).code).toBe(CloseCode.Revoked);
  });

  it('closes only the socket that sends an oversized message or grows the document past its limit (threats #7)', async () => {
    const med = open(provider(server, agreement(), { cookie }));
    await synced(med);
    const before = await server.drafts.snapshotText(detail.id);
    const heapBefore = process.memoryUsage().heapUsed;

    // A 600 KiB frame: refused by ws before it is buffered.
    const big = rawClient(server, agreement(), { token: tokens['Ana Party'] });
    await big.opened;
    big.send(syncUpdateMessage(paragraphUpdate('x'.repeat(600 * 1024))));
    expect((await big.closed).code).toBe(1009);

    // Frames under the limit that together pass the document limit: the one that would pass it is refused.
    const grow = rawClient(server, agreement(), { token: tokens['Ana Party'] });
    await grow.opened;
    const chunk = () => randomBytes(300 * 1024).toString('base64').slice(0, 400 * 1024);
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const u = paragraphUpdate(`chunk ${i} ${chunk()}`);
      sizes.push(u.length);
      grow.send(syncUpdateMessage(u));
    }
    expect((await grow.closed).code).toBe(CloseCode.TooLarge);
    const after = await server.drafts.snapshotText(detail.id);
    expect(after.text.length).toBeLessThan(before.text.length + 2 * 400 * 1024 + 100);
    expect(after.text).toContain('chunk 1');
    expect(after.text).not.toContain('chunk 2');
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(DRAFT_LIMITS.maxDocumentBytes);

    // Everyone else carries on.
    appendParagraph(med.doc, 'Still editing after the refusals');
    await until(async () => (await server.drafts.snapshotText(detail.id)).text.includes('Still editing after the refusals'), 3000, 'edit after refusal');
    expect(med.wsconnected).toBe(true);
    // Memory: the refused 600 KiB frame and the refused update are not retained.
    global.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('closes a flooding socket (not the others) and loses nothing: the edits it could not send arrive on resync (threats #8)', async () => {
    // The mediator's notes: a document of its own, so the earlier size tests do not count against it.
    const notes = draftDocName(detail.id, 'notes');
    const med = open(provider(server, notes, { cookie }));
    await synced(med);
    // One person's document with 5,000 paragraphs, each sent as its own update, as fast as possible.
    const mine = new Y.Doc();
    const updates: Uint8Array[] = [];
    mine.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 5000; i++) appendParagraph(mine, `flood paragraph ${i}`);
    const flood = rawClient(server, notes, { headers: { cookie } });
    await flood.opened;
    for (const u of updates) flood.send(syncUpdateMessage(u));
    expect((await flood.closed).code).toBe(1013);
    // What the server accepted reaches the mediator's open copy; the rest did not get in.
    const notesText = () => med.doc.getXmlFragment('default').toString();
    await until(() => notesText().includes('flood paragraph 0'), 5000, 'accepted part relayed');
    expect(notesText()).not.toContain('flood paragraph 4999');
    expect(med.wsconnected).toBe(true);

    // Reconnecting, y-websocket's sync handshake sends whatever the server does not have yet.
    const again = open(provider(server, notes, { cookie, doc: mine }));
    await synced(again);
    await until(() => notesText().includes('flood paragraph 4999'), 15000, 'resync, relayed to the mediator');
    expect(new Set(notesText().match(/flood paragraph \d+/g)).size).toBe(5000);
  });
});
