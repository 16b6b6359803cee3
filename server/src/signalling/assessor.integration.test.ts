import { describe, expect, it } from 'vitest';
import { liveTestServer } from '../test/live-server.ts';
import { ASSESSOR_CAUCUS_CLAUSE_ID, OBSERVER_WAITING_ROOM, type CaseDetail, type Presence, type RecordExport } from '@parley/shared';
import { api, createCase, joinWithMedia, must, opusParameters, recorder, request, tokenOf } from '../test/harness.ts';

/**
 * The assessor in a live session (ODR-QAP): observes the room the mediator is in, follows into a
 * caucus only where everyone there agreed, never publishes, is always visible to the parties.
 */
const live = liveTestServer();

const open = (auth: Record<string, unknown>, headers: Record<string, string> = {}) => live.open(auth, headers);

async function consentTo(token: string, detail: CaseDetail, caucusesToo: boolean) {
  const ids = detail.agreement.clauses.filter((c) => caucusesToo || c.id !== ASSESSOR_CAUCUS_CLAUSE_ID).map((c) => c.id);
  const r = await api(live.server, 'POST', '/api/invitation/consent', { bearer: token, body: { acceptedClauseIds: ids, clauseSetHash: detail.clauseSetHash } });
  expect(r.status).toBe(200);
}

async function caseWithAssessor() {
  const detail = await createCase(live.server, live.cookie, [
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Ida Assessor', role: 'assessor' },
  ], 'Observed mediation');
  const token = (name: string) => tokenOf(detail.participants.find((p) => p.displayName === name)!.invitation!.url);
  const tA = token('Ana Party');
  const tB = token('Ben Party');
  const tI = token('Ida Assessor');
  await consentTo(tA, detail, true); // Ana agrees to be observed in caucus too
  await consentTo(tB, detail, false); // Ben agrees to the assessor's presence, not in his caucus
  await consentTo(tI, detail, true);
  const m = await open({ caseId: detail.id }, { cookie: live.cookie });
  const a = await open({ token: tA });
  const b = await open({ token: tB });
  const i = await open({ token: tI });
  const M = await joinWithMedia(m, 1000);
  const A = await joinWithMedia(a, 2000);
  const B = await joinWithMedia(b, 3000);
  for (const [s, j] of [[m, M], [a, A], [b, B]] as const) await must(s, 'media:ready', { rtpCapabilities: j.joined.routerRtpCapabilities as never });
  const logs = { m: recorder(m), a: recorder(a), b: recorder(b) };
  const I = await must(i, 'session:join', {});
  const recv = await must(i, 'transport:create', { direction: 'recv' });
  await must(i, 'media:ready', { rtpCapabilities: I.routerRtpCapabilities as never });
  const ids = { m: M.joined.self.id, a: A.joined.self.id, b: B.joined.self.id, i: I.self.id };
  const media = live.server.sfu.getCase(detail.id)!;
  return { detail, m, a, b, i, M, A, B, I, recvTransportId: recv.id, ids, logs, receives: (pid: string) => media.consumedProducerIds(pid).sort() };
}

const seen = (log: ReturnType<typeof recorder>, id: string) =>
  log.filter((e) => (e.event === 'participant:updated' || e.event === 'participant:joined') && e.payload.id === id).at(-1)?.payload as Presence | undefined;

describe('assessor observation', () => {
  it('observes the joint room, is listed to the parties, and cannot publish or run the session', async () => {
    const { i, M, A, B, I, recvTransportId, ids, logs, receives } = await caseWithAssessor();
    expect(I.self).toMatchObject({ role: 'assessor', roomId: 'joint', side: null });
    expect(receives(ids.i)).toEqual([M.mic, M.cam, A.mic, A.cam, B.mic, B.cam].sort());

    // Raw socket with the assessor's credentials: no transport to send on, nothing is published.
    expect(await request(i, 'transport:create', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(i, 'producer:create', { transportId: recvTransportId, kind: 'audio', rtpParameters: opusParameters(9000), source: 'mic' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(receives(ids.a)).toEqual([M.mic, M.cam, B.mic, B.cam].sort()); // nothing of the assessor
    for (const [name, payload] of [
      ['room:create', { name: 'Mine' }],
      ['moderation:mute', { participantIds: 'all' }],
      ['session:pause', {}],
      ['announcement:send', { text: 'hello' }],
      ['control:request', {}],
    ] as const) {
      expect(await request(i, name, payload), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // Both parties are told the assessor is there, with their role.
    for (const log of [logs.a, logs.b]) expect(seen(log, ids.i)).toMatchObject({ role: 'assessor', displayName: 'Ida Assessor', roomId: 'joint' });
  });

  it('follows the mediator into a caucus where everyone agreed, and waits outside one where someone did not', async () => {
    const { detail, m, i, M, A, B, ids, logs, receives } = await caseWithAssessor();
    const { a: aLog, b: bLog, m: mLog } = logs;
    const { room: withAna } = await must(m, 'room:create', { name: 'Caucus with Ana' });
    await must(m, 'room:move', { participantIds: [ids.m, ids.a], roomId: withAna.id });
    expect(receives(ids.i)).toEqual([M.mic, M.cam, A.mic, A.cam].sort());
    await expect.poll(() => seen(aLog, ids.i)?.roomId).toBe(withAna.id); // Ana sees the assessor in her caucus
    expect(seen(bLog, ids.i)?.roomId).toBeNull();

    // The mediator cannot place the assessor by hand.
    expect(await request(m, 'room:move', { participantIds: [ids.i], roomId: 'joint' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // Ben did not agree: the assessor waits outside, receiving nothing, while the mediator is with him.
    const { room: withBen } = await must(m, 'room:create', { name: 'Caucus with Ben' });
    await must(m, 'room:move', { participantIds: [ids.a], roomId: 'joint' });
    await must(m, 'room:move', { participantIds: [ids.m, ids.b], roomId: withBen.id });
    expect(receives(ids.i)).toEqual([]);
    expect(receives(ids.b)).toEqual([M.mic, M.cam].sort());
    await expect.poll(() => seen(bLog, ids.i)?.roomId).toBeNull();
    expect(seen(mLog, ids.i)?.roomId).toBe(OBSERVER_WAITING_ROOM);
    // Waiting outside, the assessor is in no room: requests about "this room" are refused, not a crash.
    for (const [name, payload] of [['stage:set', { producerId: null }], ['stage:pointer', { x: 0.5, y: 0.5 }], ['control:request', {}]] as const) {
      expect(await request(i, name, payload), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }

    // Back to the joint room: the assessor follows.
    await must(m, 'room:move', { participantIds: [ids.b], roomId: 'joint' });
    await must(m, 'room:move', { participantIds: [ids.m], roomId: 'joint' });
    expect(receives(ids.i)).toEqual([M.mic, M.cam, A.mic, A.cam, B.mic, B.cam].sort());

    const record = (await api<RecordExport>(live.server, 'GET', `/api/cases/${detail.id}/record`, { cookie: live.cookie })).body;
    const consentOf = (name: string) => record.entries.find((e) => e.type === 'consent.recorded' && e.actor?.displayName === name)!.data;
    expect(consentOf('Ben Party').optionalDeclined).toEqual([ASSESSOR_CAUCUS_CLAUSE_ID]);
    expect(consentOf('Ana Party').optionalAccepted).toEqual([ASSESSOR_CAUCUS_CLAUSE_ID]);
    const actions = record.entries.filter((e) => e.type === 'assessor.present').map((e) => e.data.action);
    // joined, into Ana's caucus, held back from Ben's, into Ben's caucus once only the mediator is left there, joint.
    expect(actions).toEqual(['joined', 'followed', 'held-back', 'followed', 'followed']);
  });

  it('steps out before someone who did not agree is brought into the caucus, so not one stream of theirs reaches the assessor', async () => {
    const { m, i, B, ids, receives } = await caseWithAssessor();
    const { room } = await must(m, 'room:create', { name: 'Caucus' });
    await must(m, 'room:move', { participantIds: [ids.m, ids.a], roomId: room.id });
    expect(receives(ids.i)).toHaveLength(4);
    const iLog = recorder(i);
    await must(m, 'room:move', { participantIds: [ids.b], roomId: room.id });
    expect(receives(ids.i)).toEqual([]);
    const added = iLog.filter((e) => e.event === 'consumer:receive').map((e) => e.payload.producerId);
    expect(added).not.toContain(B.mic);
    expect(added).not.toContain(B.cam);
  });
});
