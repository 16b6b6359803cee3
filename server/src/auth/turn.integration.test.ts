import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, CaseDetail, IceConfigWire, RequestName, RequestPayload, RequestResults } from '@parley/shared';
import { api, connect, consent, createCase, must, recorder, request, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';

/**
 * TURN credentials over the real socket: only people let into the session get them (the mediator,
 * consented parties, consented assessors), with the transports they open; the secret never leaves.
 */
const SECRET = 'turn-shared-secret-for-this-test-0123456789abcdef';
const URLS = ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'];

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
const sockets: ClientSocket[] = [];
/** Everything any socket received: notifications and acks. */
const seen: unknown[] = [];

beforeAll(async () => {
  server = await startTestServer({ PARLEY_TURN_URLS: URLS.join(','), PARLEY_TURN_SECRET: SECRET, PARLEY_TURN_TTL_SECONDS: '900', PARLEY_ICE_TRANSPORT_POLICY: 'relay' });
  cookie = await signIn(server);
  detail = await createCase(server, cookie, [
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Ida Assessor', role: 'assessor' },
  ]);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

const token = (name: string) => tokenOf(detail.participants.find((p) => p.displayName === name)!.invitation!.url);

async function open(auth: Record<string, unknown>, headers: Record<string, string> = {}) {
  const s = await connect(server, auth, headers);
  sockets.push(s);
  const log = recorder(s);
  seen.push(log);
  return s;
}
async function ask<K extends RequestName>(s: ClientSocket, name: K, payload: RequestPayload<K>): Promise<Ack<RequestResults[K]>> {
  const r = await request(s, name, payload);
  seen.push(r);
  return r;
}

/** A credential coturn accepts: username "<expiry>:<id>" ~TTL ahead, HMAC-SHA1 of it under the secret. */
function expectValidTurn(ice: IceConfigWire, ttlSeconds: number) {
  expect(ice.iceTransportPolicy).toBe('relay');
  expect(ice.iceServers).toHaveLength(1);
  const [s] = ice.iceServers;
  expect(s!.urls).toEqual(URLS);
  const expiry = Number(s!.username.split(':')[0]);
  const now = Date.now() / 1000;
  expect(expiry).toBeGreaterThan(now + ttlSeconds - 60);
  expect(expiry).toBeLessThanOrEqual(now + ttlSeconds + 1);
  expect(ice.iceServersExpireAt).toBe(expiry * 1000);
  expect(s!.credential).toBe(crypto.createHmac('sha1', SECRET).update(s!.username).digest('base64'));
}

describe('TURN credentials over the socket', () => {
  it('are refused to a socket without credentials or with a wrong link: it never connects', async () => {
    await expect(open({})).rejects.toThrow();
    await expect(open({ token: 'x'.repeat(43) })).rejects.toThrow();
  });

  it('are not given to a party before consent: no join, no transport, nothing that carries them', async () => {
    const a = await open({ token: token('Ana Party') });
    expect(await ask(a, 'session:join', {})).toMatchObject({ ok: false, error: { code: 'consent_required' } });
    expect(await ask(a, 'transport:create', { direction: 'recv' } as const)).toMatchObject({ ok: false, error: { code: 'not_in_session' } });
    expect(JSON.stringify(seen)).not.toMatch(/"username"|"credential"|iceServers/);
    a.close();
  });

  it('come with each transport of the mediator, a consented party and a consented assessor, fresh on an ICE restart', async () => {
    await consent(server, token('Ana Party'), detail);
    await consent(server, token('Ida Assessor'), detail);
    const m = await open({ caseId: detail.id }, { cookie });
    const a = await open({ token: token('Ana Party') });
    const i = await open({ token: token('Ida Assessor') });
    const recvOf = new Map<ClientSocket, string>();
    for (const s of [m, a, i]) {
      const joined = await ask(s, 'session:join', {});
      expect(joined.ok).toBe(true);
      // The join reply itself carries none: credentials travel only with transports.
      expect(JSON.stringify(joined)).not.toContain('credential');
      const recv = await must(s, 'transport:create', { direction: 'recv' });
      seen.push(recv);
      recvOf.set(s, recv.id);
      expectValidTurn(recv, 900);
      // coturn logs the username: it names the participant id, never the person's name.
      if (joined.ok) expect(recv.iceServers[0]!.username).toMatch(new RegExp(`^\\d+:${joined.data.self.id}$`));
      // Observers cannot send; everyone else gets a send transport with its own credentials.
      if (s !== i) expectValidTurn(await must(s, 'transport:create', { direction: 'send' }), 900);
      const restarted = await must(s, 'transport:restart-ice', { transportId: recv.id, renewal: true });
      seen.push(restarted);
      expect(restarted.iceParameters).toBeDefined();
      expectValidTurn(restarted, 900);
    }
    // Renewing credentials is routine: only an ICE restart for a broken path goes on the record.
    const iceRestarts = async () => (await api<{ entries: Array<{ type: string }> }>(server, 'GET', `/api/cases/${detail.id}/record`, { cookie })).body.entries.filter((e) => e.type === 'breakdown.ice-restarted').length;
    expect(await iceRestarts()).toBe(0);
    await must(a, 'transport:restart-ice', { transportId: recvOf.get(a)! });
    await expect.poll(iceRestarts).toBe(1);
  });

  it('never send the shared secret in any message or ack', () => {
    expect(seen.length).toBeGreaterThan(5);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
  });
});
