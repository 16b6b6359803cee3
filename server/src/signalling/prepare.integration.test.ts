import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, ConsumerOffer, ConsumerOfferAck } from '@parley/shared';
import { api, consentedCase, createCase, fakeDtls, joinWithMedia, must, openedSockets, request, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { until } from '../test/yjs.ts';

/**
 * The receive transport opened on the pre-join screen (`session:prepare` with `receive`): the
 * browser connects it while the person checks their camera, and the join adopts it. Raw clients:
 * the server alone decides who may hold, connect and adopt one.
 */

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
const { open, closeAll } = openedSockets(() => server);

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  closeAll();
  await server?.close();
});

/** The ids of the transports on the case's router right now (prepared ones included). */
async function transportsOf(caseId: string): Promise<string[]> {
  const media = server.sfu.getCase(caseId);
  return media && !media.closed ? (await media.router.dump()).transportIds : [];
}

/** Every consumer offered to `s`, accepted as the browser client does. */
function offersTo(s: ClientSocket): ConsumerOffer[] {
  const offers: ConsumerOffer[] = [];
  s.off('consumer:receive');
  s.on('consumer:receive', (offer: ConsumerOffer, ack: (a: ConsumerOfferAck) => void) => {
    offers.push(offer);
    ack({ ok: true });
  });
  return offers;
}

describe('a receive transport prepared before the join', () => {
  it('is opened with a data channel for a consented person, connects before the join, and the join receives on it', async () => {
    const { detail, tA } = await consentedCase(server, cookie);
    const mediator = await open({ caseId: detail.id }, { cookie });
    const m = await joinWithMedia(mediator, 2000);
    const a = await open({ token: tA });
    const offers = offersTo(a);

    const prepared = await must(a, 'session:prepare', { receive: true });
    const transport = prepared.receive!.transport;
    expect(transport.sctpParameters).toBeDefined();
    expect(prepared.receive!.probe.dataProducerId).toEqual(expect.any(String));
    expect(await transportsOf(detail.id)).toContain(transport.id);
    // Before the join, the holder finishes its DTLS handshake (the browser's `connect`).
    expect(await must(a, 'transport:connect', { transportId: transport.id, dtlsParameters: fakeDtls })).toEqual({ connected: true });

    const joined = await must(a, 'session:join', { receive: { rtpCapabilities: m.joined.routerRtpCapabilities as never, transportId: transport.id } });
    // Adopted: no new transport, and the mediator's sound and picture are offered on the prepared one.
    expect(joined.receive).toMatchObject({ transport: null, offers: 2 });
    await until(() => offers.length === 2, 5000, 'two offers');
    expect(offers.map((o) => o.transportId)).toEqual([transport.id, transport.id]);
    expect(await transportsOf(detail.id)).toContain(transport.id);
    // Now it is the member's: a second receive transport is refused as for anyone who has one.
    expect(await request(a, 'transport:create', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('is refused without consent, and creates no router then', async () => {
    const detail = await createCase(server, cookie);
    const a = await open({ token: tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url) });
    expect(await request(a, 'session:prepare', { receive: true })).toMatchObject({ ok: false, error: { code: 'consent_required' } });
    expect(server.sfu.getCase(detail.id)).toBeUndefined();
  });

  it('cannot be connected once the agreement changed after it was prepared (consent is stale)', async () => {
    const { detail, tA } = await consentedCase(server, cookie);
    const a = await open({ token: tA });
    const prepared = await must(a, 'session:prepare', { receive: true });
    const r = await api<CaseDetail>(server, 'PUT', `/api/cases/${detail.id}/breakdown`, { cookie, body: { ...detail.breakdown, graceSeconds: detail.breakdown.graceSeconds + 30 } });
    expect(r.status).toBe(200);
    expect(await request(a, 'transport:connect', { transportId: prepared.receive!.transport.id, dtlsParameters: fakeDtls })).toMatchObject({ ok: false, error: { code: 'consent_required' } });
  });

  it("is its holder's alone: nobody else connects or adopts it", async () => {
    const { detail, tA, tB } = await consentedCase(server, cookie);
    const a = await open({ token: tA });
    const b = await open({ token: tB });
    const ofA = (await must(a, 'session:prepare', { receive: true })).receive!.transport;
    const ofB = (await must(b, 'session:prepare', { receive: true })).receive!.transport;

    // B names A's transport: unknown to B, whether connecting or joining with it.
    expect(await request(b, 'transport:connect', { transportId: ofA.id, dtlsParameters: fakeDtls })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A connection that prepared nothing is simply not in the session.
    const c = await open({ token: tA });
    expect(await request(c, 'transport:connect', { transportId: ofA.id, dtlsParameters: fakeDtls })).toMatchObject({ ok: false, error: { code: 'not_in_session' } });
    const bJoined = await must(b, 'session:join', { receive: { rtpCapabilities: server.sfu.rtpCapabilities as never, transportId: ofA.id } });
    expect(bJoined.receive!.transport).not.toBeNull();
    expect(bJoined.receive!.transport!.id).not.toBe(ofA.id);
    // B's own prepared transport, not adopted, is closed; A's is still there and still A's.
    await until(async () => !(await transportsOf(detail.id)).includes(ofB.id), 5000, "B's prepared transport closed");
    const aJoined = await must(a, 'session:join', { receive: { rtpCapabilities: server.sfu.rtpCapabilities as never, transportId: ofA.id } });
    expect(aJoined.receive!.transport).toBeNull();
  });

  it('goes with the connection that asked for it, and the router made for it goes with the last one', async () => {
    const { detail, tA, tB } = await consentedCase(server, cookie);
    const a = await open({ token: tA });
    const b = await open({ token: tB });
    const first = (await must(a, 'session:prepare', { receive: true })).receive!.transport;
    // Asking again replaces it.
    const second = (await must(a, 'session:prepare', { receive: true })).receive!.transport;
    const ofB = (await must(b, 'session:prepare', { receive: true })).receive!.transport;
    expect(await transportsOf(detail.id)).toEqual(expect.arrayContaining([second.id, ofB.id]));
    expect(await transportsOf(detail.id)).not.toContain(first.id);

    a.close();
    await until(async () => !(await transportsOf(detail.id)).includes(second.id), 5000, "A's prepared transport closed");
    // B is still preparing: the router stays.
    expect(server.sfu.getCase(detail.id)?.closed).toBe(false);
    b.close();
    await until(() => server.sfu.getCase(detail.id) === undefined, 5000, 'the router closed');
  });

  it('stays while a live case goes on around it: a person on the pre-join screen of a running session', async () => {
    const { detail, tA } = await consentedCase(server, cookie);
    const mediator = await open({ caseId: detail.id }, { cookie });
    const m = await joinWithMedia(mediator, 3000);
    const a = await open({ token: tA });
    const prepared = (await must(a, 'session:prepare', { receive: true })).receive!.transport;
    a.close();
    await until(async () => !(await transportsOf(detail.id)).includes(prepared.id), 5000, 'the prepared transport closed');
    // The mediator's session is untouched: the router and their transports stay.
    expect(server.sfu.getCase(detail.id)?.closed).toBe(false);
    expect(await transportsOf(detail.id)).toEqual(expect.arrayContaining([m.send.id, m.recv.id]));
  });
});
