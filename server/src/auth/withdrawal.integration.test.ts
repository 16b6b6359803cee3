import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, draftDocName, DEFAULT_BREAKDOWN, type CaseDetail, type ThreadSummary } from '@parley/shared';
import { api, connect, consent, createCase, must, nextEvent, recorder, request, signIn, startTestServer, tokenOf, ended, type ClientSocket } from '../test/harness.ts';
import { rawClient, until } from '../test/yjs.ts';

/**
 * Raw clients against the real server: once a link is withdrawn or expires, once a mediator signs
 * out, once consent is missing or stale, nothing more reaches that person, on any connection.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
const sockets: ClientSocket[] = [];
const open = async (auth: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const s = await connect(server, auth, headers);
  sockets.push(s);
  return s;
};
const tokenFor = (detail: CaseDetail, name: string) => tokenOf(detail.participants.find((p) => p.displayName === name)!.invitation!.url);
const idOf = (detail: CaseDetail, name: string) => detail.participants.find((p) => p.displayName === name)!.id;
const jointOf = (threads: ThreadSummary[]) => threads.find((t) => t.kind === 'joint')!.id;
const posted = (log: ReturnType<typeof recorder>, body: string) => log.some((e) => e.event === 'message:posted' && e.payload.body === body);

/** A new case; `consenting` agree to its agreement; the mediator's socket and the joint thread. */
async function caseWithMediator(consenting: Array<'Ana Party' | 'Ben Party'>) {
  const detail = await createCase(server, cookie);
  const [tA, tB] = [tokenFor(detail, 'Ana Party'), tokenFor(detail, 'Ben Party')];
  for (const name of consenting) await consent(server, name === 'Ana Party' ? tA : tB, detail);
  const m = await open({ caseId: detail.id }, { cookie });
  const joint = jointOf((await must(m, 'thread:list', {})).threads);
  return { detail, tA, tB, m, joint };
}

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

describe('withdrawn and expired links', () => {
  it('a withdrawn link ends every connection of that person, not only the one in the live session', async () => {
    const detail = await createCase(server, cookie);
    const tA = tokenFor(detail, 'Ana Party');
    await consent(server, tA, detail);
    const live = await open({ token: tA });
    await must(live, 'session:join', {});
    const messagesTab = await open({ token: tA }); // a second tab on the messages, never joined
    await must(messagesTab, 'thread:list', {});
    const draft = rawClient(server, draftDocName(detail.id, 'agreement'), { token: tA });
    await draft.opened;
    const endings = [ended(live), ended(messagesTab)];

    await api(server, 'POST', `/api/cases/${detail.id}/participants/${idOf(detail, 'Ana Party')}/revoke`, { cookie });

    expect(await Promise.all(endings)).toEqual([
      { code: CloseCode.Revoked, disconnected: true },
      { code: CloseCode.Revoked, disconnected: true },
    ]);
    expect((await draft.closed).code).toBe(CloseCode.Revoked);
  });

  it('delivery re-checks the link: a withdrawal the connections were not told of still stops every message', async () => {
    const { detail, tA, tB, m, joint } = await caseWithMediator(['Ana Party', 'Ben Party']);
    const a = await open({ token: tA });
    const b = await open({ token: tB });
    const aLog = recorder(a);
    await must(a, 'thread:list', {});
    await must(b, 'thread:list', {});
    const aEnded = ended(a);
    // Withdrawn in the store only, as another node or a missed event would leave it.
    await server.store.revokeInvitations(idOf(detail, 'Ana Party'));

    const toBen = nextEvent(b, 'message:posted');
    await must(m, 'message:send', { threadId: joint, body: 'Our proposal for the fence', clientId: crypto.randomUUID() });
    expect((await toBen).body).toBe('Our proposal for the fence'); // delivered to those still entitled…
    expect(await aEnded).toEqual({ code: CloseCode.Revoked, disconnected: true }); // …and Ana's socket ended instead
    expect(posted(aLog, 'Our proposal for the fence')).toBe(false);
  });
});

describe('consent before contact', () => {
  it('a party who never consented receives nothing of the joint thread on an open socket', async () => {
    const { tA, tB, m, joint } = await caseWithMediator(['Ana Party']); // Ben never consents
    const a = await open({ token: tA });
    const b = await open({ token: tB });
    const bLog = recorder(b);
    expect(await request(b, 'thread:list', {})).toMatchObject({ ok: false, error: { code: 'consent_required' } });

    const toAna = nextEvent(a, 'message:posted');
    await must(m, 'message:send', { threadId: joint, body: 'Welcome to the joint thread', clientId: crypto.randomUUID() });
    await toAna; // the positive signal: a consented party got it
    await must(b, 'thread:list', {}).catch(() => undefined); // one more round trip on Ben's socket, after the delivery
    expect(bLog.filter((e) => e.event.startsWith('message:') || e.event === 'thread:added')).toEqual([]);
    expect(b.connected).toBe(true); // not thrown out: he can still read the agreement and consent
  });

  it('a changed agreement makes consent stale: deliveries stop and the writable draft closes until they agree again', async () => {
    const { detail, tA, tB, m, joint } = await caseWithMediator(['Ana Party', 'Ben Party']);
    const a = await open({ token: tA });
    const aLog = recorder(a);
    const draft = rawClient(server, draftDocName(detail.id, 'agreement'), { token: tA });
    await draft.opened;

    const r = await api<CaseDetail>(server, 'PUT', `/api/cases/${detail.id}/breakdown`, { cookie, body: { ...DEFAULT_BREAKDOWN, graceSeconds: DEFAULT_BREAKDOWN.graceSeconds + 30 } });
    expect(r.status).toBe(200);
    expect((await draft.closed).code).toBe(CloseCode.ConsentChanged);
    // Reopening is refused too, before the upgrade.
    expect(await rawClient(server, draftDocName(detail.id, 'agreement'), { token: tA }).closed).toMatchObject({ code: CloseCode.ConsentChanged, httpStatus: 403 });

    const b = await open({ token: tB });
    await consent(server, tB, r.body); // Ben agrees again; Ana has not yet
    await must(b, 'thread:list', {});
    const toBen = nextEvent(b, 'message:posted');
    await must(m, 'message:send', { threadId: joint, body: 'The procedure changed', clientId: crypto.randomUUID() });
    await toBen;
    await request(a, 'thread:list', {}); // a round trip on Ana's socket after the delivery
    expect(posted(aLog, 'The procedure changed')).toBe(false);
  });
});

describe('sign-out', () => {
  it('ends every connection of that session: the mediator socket loses its powers and the notes close', async () => {
    const local = await startTestServer();
    try {
      const c = await signIn(local);
      const detail = await createCase(local, c);
      const m = await connect(local, { caseId: detail.id }, { cookie: c });
      sockets.push(m);
      await must(m, 'session:join', {});
      const notes = rawClient(local, draftDocName(detail.id, 'notes'), { headers: { cookie: c } });
      await notes.opened;
      const mEnded = ended(m);

      expect((await api(local, 'POST', '/api/auth/signout', { cookie: c })).status).toBe(204);

      expect(await mEnded).toEqual({ code: CloseCode.SignedOut, disconnected: true });
      expect((await notes.closed).code).toBe(CloseCode.SignedOut);
      await until(() => local.drafts.stats.connections === 0, 5000, 'notes released');
      // The cookie is dead for new connections too.
      await expect(connect(local, { caseId: detail.id }, { cookie: c })).rejects.toMatchObject({ data: { code: 'unauthorised' } });
    } finally {
      await local.close();
    }
  });
});

describe('expiry', () => {
  it('a link that expires while its socket is open ends that socket with the expiry reason', async () => {
    // Links that live about six seconds: long enough to consent and connect on a loaded machine.
    const local = await startTestServer({ PARLEY_INVITE_TTL_HOURS: String(6 / 3600) });
    try {
      const c = await signIn(local);
      const detail = await createCase(local, c);
      const tA = tokenFor(detail, 'Ana Party');
      await consent(local, tA, detail);
      const a = await connect(local, { token: tA });
      sockets.push(a);
      await must(a, 'thread:list', {});
      expect(await ended(a)).toEqual({ code: CloseCode.Expired, disconnected: true });
    } finally {
      await local.close();
    }
  });
});
