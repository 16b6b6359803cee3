import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementVersionView, CaseDetail, Notifications } from '@parley/shared';
import { api, connect, consent, consentedCase, createCase, must, nextEvent, recorder, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { appendParagraph, provider, synced, until } from '../test/yjs.ts';

/**
 * The live session hears about the agreement as it happens: a version frozen, a signature, a
 * version withdrawn by an edit. Raw clients: who is told what, and only within the case.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let other: CaseDetail;
let tA: string;
let tB: string;
let tOther: string;
const sockets: ClientSocket[] = [];
type Current = { current: AgreementVersionView | null };
type Update = Notifications['agreement:updated'];

beforeAll(async () => {
  server = await startTestServer();
  ({ cookie, detail, tA, tB } = await consentedCase(server));
  other = await createCase(server, cookie, [{ displayName: 'Olga Other', role: 'party', side: 'A' }], 'Another case');
  tOther = tokenOf(other.participants.find((p) => p.displayName === 'Olga Other')!.invitation!.url);
  await consent(server, tOther, other);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

async function open(auth: Record<string, unknown>, headers: Record<string, string> = {}) {
  const s = await connect(server, auth, headers);
  sockets.push(s);
  return s;
}

/** Writes a paragraph into a case's agreement draft and waits until the server holds it. */
async function write(caseId: string, text: string) {
  const p = provider(server, `case.${caseId}.agreement`, { cookie });
  await synced(p);
  appendParagraph(p.doc, text);
  return p;
}

async function freeze(caseId: string, mustContain: string): Promise<AgreementVersionView> {
  let frozen: AgreementVersionView | null = null;
  await until(async () => {
    const r = await api<Current>(server, 'POST', `/api/cases/${caseId}/agreement/freeze`, { cookie });
    frozen = r.body.current;
    return r.status === 200 && !!frozen && frozen.text.includes(mustContain);
  });
  return frozen!;
}

describe('the agreement in the live session', () => {
  it('tells everyone in the case’s live session when a version is frozen, signed and withdrawn; nobody else; never the text', async () => {
    const mediator = await open({ caseId: detail.id }, { cookie });
    const a = await open({ token: tA });
    const b = await open({ token: tB });
    const olga = await open({ token: tOther });
    // Connected but not in the live session: e.g. the messages page.
    const aOutside = await open({ token: tA });
    const joined = await Promise.all([mediator, a, b, olga].map((s) => must(s, 'session:join', {})));
    expect(joined.map((j) => j.agreement)).toEqual([null, null, null, null]);
    const heardByOlga = recorder(olga);
    const heardOutside = recorder(aOutside);
    const logs = new Map([mediator, a, b].map((s) => [s, updates(s)]));
    const lastUpdate = (s: ClientSocket) => logs.get(s)!.at(-1);

    const p = await write(detail.id, 'Ana keeps the boat.');
    const frozenHeard = [mediator, a, b].map((s) => nextEvent(s, 'agreement:updated'));
    // An empty draft is refused (no event): the first freeze that succeeds holds the paragraph.
    const v = await freeze(detail.id, 'boat');
    for (const e of (await Promise.all(frozenHeard)) as Update[]) {
      expect(e.current).toMatchObject({ id: v.id, version: v.version, status: 'awaiting-signatures', textHash: v.textHash });
      expect(e.current).not.toHaveProperty('text');
    }

    // A signature: everyone hears who signed, with the time.
    const signedHeard = [mediator, a, b].map((s) => until(async () => lastUpdate(s)?.current?.signers.some((x) => x.signedAt) ?? false));
    const sign = await api<Current>(server, 'POST', '/api/invitation/agreement/sign', { bearer: tA, body: { versionId: v.id, textHash: v.textHash, confirm: true } });
    expect(sign.status).toBe(200);
    await Promise.all(signedHeard);
    const afterSign = lastUpdate(b)!.current!;
    expect(afterSign).toMatchObject({ id: v.id, status: 'awaiting-signatures' });
    expect(afterSign.signers.find((x) => x.displayName === 'Ana Party')!.signedAt).toBe(sign.body.current!.signers.find((x) => x.displayName === 'Ana Party')!.signedAt);
    expect(afterSign.signers.find((x) => x.displayName === 'Ben Party')!.signedAt).toBeNull();

    // An edit of the draft withdraws the version: everyone hears it, with the reason.
    appendParagraph(p.doc, 'Ben keeps the mooring.');
    await Promise.all([mediator, a, b].map((s) => until(async () => lastUpdate(s)?.current?.status === 'voided')));
    expect(lastUpdate(a)!.current).toMatchObject({ id: v.id, version: v.version, voidReason: 'The draft was edited after it was frozen.' });
    p.destroy();

    // Someone who joins now is told the current state with the join result.
    await must(a, 'session:leave', {});
    const again = await must(a, 'session:join', {});
    expect(again.agreement).toMatchObject({ id: v.id, status: 'voided' });
    expect(again.agreement).not.toHaveProperty('text');

    // The other case's live session heard only its own freeze (same socket, so in order).
    const q = await write(other.id, 'Olga keeps the shed.');
    const ov = await freeze(other.id, 'shed');
    await until(async () => heardByOlga.some((e) => e.event === 'agreement:updated' && e.payload.current?.id === ov.id));
    q.destroy();
    expect(heardByOlga.filter((e) => e.event === 'agreement:updated').every((e) => e.payload.current.id !== v.id)).toBe(true);
    // A connection outside the live session is not a live member: it is told nothing (a round
    // trip on that socket comes after anything sent to it before).
    await must(aOutside, 'thread:list', {});
    expect(heardOutside.filter((e) => e.event === 'agreement:updated')).toEqual([]);
  });
});

/** Every agreement:updated a socket receives from now on. */
function updates(s: ClientSocket): Update[] {
  const list: Update[] = [];
  s.on('agreement:updated', (e) => list.push(e));
  return list;
}
