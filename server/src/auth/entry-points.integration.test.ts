import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, DEFAULT_BREAKDOWN, draftDocName, type CaseDetail } from '@parley/shared';
import { api, connect, consent, createCase, must, request, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { appendParagraph, provider, rawClient, synced, until } from '../test/yjs.ts';

/**
 * Every entry point asks the one AccessGate, so a withdrawn link and a stale consent are refused
 * the same way everywhere: HTTP routes, the socket handshake, every socket request, the draft
 * WebSocket upgrade and its HTTP access check. Raw clients (fetch, socket.io-client, ws).
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
const sockets: ClientSocket[] = [];
const open = async (auth: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const s = await connect(server, auth, headers);
  sockets.push(s);
  return s;
};
const tokenFor = (d: CaseDetail, name: string) => tokenOf(d.participants.find((p) => p.displayName === name)!.invitation!.url);
const idOf = (d: CaseDetail, name: string) => d.participants.find((p) => p.displayName === name)!.id;
type Refusal = { error: { code: string } };

/** The error code each entry point answers a person with, or 'ok' where it lets them through. */
async function codes(token: string, detail: CaseDetail, socket: ClientSocket | null) {
  const http = async (path: string) => {
    const r = await api<Refusal>(server, 'GET', path, { bearer: token });
    return r.status === 200 ? 'ok' : `${r.status} ${r.body.error.code}`;
  };
  const handshake = await connect(server, { token }).then(
    (s) => {
      sockets.push(s);
      return 'ok';
    },
    (err: { data?: { code: string } }) => err.data?.code ?? 'no code',
  );
  const onSocket = async (name: 'thread:list' | 'session:join') => {
    if (!socket) return 'no socket';
    const r = await request(socket, name, {});
    return r.ok ? 'ok' : r.error.code;
  };
  const docName = draftDocName(detail.id, 'agreement');
  const upgrade = await rawClient(server, docName, { token }).closed;
  const access = await api<Refusal & { closeCode: number }>(server, 'GET', `/api/drafts/${docName}/access`, { bearer: token });
  return {
    invitation: await http('/api/invitation'),
    agreement: await http('/api/invitation/agreement'),
    agreementExport: await http('/api/invitation/agreement/export'),
    assessment: await http('/api/invitation/assessment'),
    handshake,
    threadList: await onSocket('thread:list'),
    join: await onSocket('session:join'),
    draftUpgrade: `${upgrade.httpStatus} ${upgrade.reason} ${upgrade.code}`,
    draftAccess: `${access.status} ${access.body.error?.code} ${access.body.closeCode}`,
  };
}

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

describe('a withdrawn link', () => {
  it('is refused with link_revoked at every entry point, on a socket opened before the withdrawal too', async () => {
    const detail = await createCase(server, cookie);
    const tA = tokenFor(detail, 'Ana Party');
    await consent(server, tA, detail);
    const before = await open({ token: tA });
    await must(before, 'thread:list', {});
    // Withdrawn in the store only, as another node or a missed event would leave it: the open
    // socket is not told, so only the per-request check can stop it.
    await server.store.revokeInvitations(idOf(detail, 'Ana Party'));

    expect(await codes(tA, detail, before)).toEqual({
      invitation: '401 link_revoked',
      agreement: '401 link_revoked',
      agreementExport: '401 link_revoked',
      assessment: '401 link_revoked',
      handshake: 'link_revoked',
      threadList: 'link_revoked',
      join: 'link_revoked',
      draftUpgrade: `410 link_revoked ${CloseCode.Revoked}`,
      draftAccess: `410 link_revoked ${CloseCode.Revoked}`,
    });
  });
});

describe('a stale consent', () => {
  it('is refused with consent_required wherever case content is, and lets the person reach the invitation to agree again', async () => {
    const detail = await createCase(server, cookie);
    const tA = tokenFor(detail, 'Ana Party');
    await consent(server, tA, detail);
    // A frozen agreement, so that its view and export have something to give.
    const p = provider(server, `case.${detail.id}.agreement`, { cookie });
    await synced(p, 20_000);
    appendParagraph(p.doc, 'Ana keeps the orchard.');
    await until(async () => (await api(server, 'POST', `/api/cases/${detail.id}/agreement/freeze`, { cookie })).status === 200, 20_000, 'a frozen version');
    p.destroy();
    const s = await open({ token: tA });
    await must(s, 'thread:list', {});
    expect((await api(server, 'GET', '/api/invitation/agreement', { bearer: tA })).status).toBe(200);

    // The mediator changes the breakdown procedure: the agreement changes, Ana's consent is stale.
    expect((await api(server, 'PUT', `/api/cases/${detail.id}/breakdown`, { cookie, body: { ...DEFAULT_BREAKDOWN, graceSeconds: 150 } })).status).toBe(200);

    expect(await codes(tA, detail, s)).toEqual({
      invitation: 'ok',
      agreement: '403 consent_required',
      agreementExport: '403 consent_required',
      // The assessor's scorecard is refused for a party by its role, not by consent.
      assessment: '403 forbidden',
      handshake: 'ok',
      threadList: 'consent_required',
      join: 'consent_required',
      draftUpgrade: `403 consent_required ${CloseCode.ConsentChanged}`,
      draftAccess: `403 consent_required ${CloseCode.ConsentChanged}`,
    });
  });
});
