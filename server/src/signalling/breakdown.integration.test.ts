import { describe, expect, it } from 'vitest';
import { liveTestServer } from '../test/live-server.ts';
import { PAUSE_HOLDER, type CaseDetail, type Presence, type RecordExport } from '@parley/shared';
import { api, consent, createCase, must, nextEvent, opusParameters, recorder, request, tokenOf, vp8Parameters } from '../test/harness.ts';

/**
 * The technology-breakdown ladder against the real server and worker [3.6.13, 3.7.17; threats #12]:
 * a dropped person is held "reconnecting", comes back into the same room with the same holds and
 * control; past the grace period the joint session pauses until they return; each step is recorded.
 */
const live = liveTestServer();

const open = (auth: Record<string, unknown>, headers: Record<string, string> = {}) => live.open(auth, headers);

/** Everyone in the joint room; optionally with the case's grace period set first. */
function threePeople(graceSeconds?: number) {
  return live.threeInSession(async (detail) => {
    if (graceSeconds === undefined) return detail;
    const r = await api<CaseDetail>(live.server, 'PUT', `/api/cases/${detail.id}/breakdown`, { cookie: live.cookie, body: { ...detail.breakdown, graceSeconds } });
    expect(r.status).toBe(200);
    return r.body;
  });
}

const lastPresence = (log: ReturnType<typeof recorder>, id: string) =>
  log.filter((e) => (e.event === 'participant:updated' || e.event === 'participant:joined') && e.payload.id === id).at(-1)?.payload as Presence | undefined;

async function recordTypes(caseId: string): Promise<string[]> {
  const r = await api<RecordExport>(live.server, 'GET', `/api/cases/${caseId}/record`, { cookie: live.cookie });
  return r.body.entries.map((e) => e.type);
}

describe('breakdown ladder', () => {
  it('a party whose connection drops is shown reconnecting, then returns to the same caucus with the mute hold and control they had', async () => {
    const { detail, tA, m, a, b, ids, media } = await threePeople();
    const { room } = await must(m, 'room:create', { name: 'Caucus with Ana' });
    await must(m, 'room:move', { participantIds: [ids.a, ids.m], roomId: room.id });
    await must(m, 'moderation:mute', { participantIds: [ids.a] });
    await must(m, 'control:give', { roomId: room.id, participantId: ids.a });
    const mLog = recorder(m);
    const bLog = recorder(b);

    a.io.engine.close(); // the network goes, no goodbye
    await expect.poll(() => lastPresence(mLog, ids.a)?.connection).toBe('reconnecting');
    expect(lastPresence(mLog, ids.a)!.awaySince).not.toBeNull();
    // The other party, in another room, learns that Ana is reconnecting but nothing of the caucus.
    await expect.poll(() => lastPresence(bLog, ids.a)?.connection).toBe('reconnecting');
    expect(lastPresence(bLog, ids.a)!.roomId).toBeNull();
    expect(media.consumedProducerIds(ids.m)).toEqual([]);
    expect(mLog.some((e) => e.event === 'participant:left')).toBe(false);

    const a2 = await open({ token: tA });
    const back = await must(a2, 'session:join', {});
    expect(back.self).toMatchObject({ roomId: room.id, connection: 'connected', micHeldBy: { id: ids.m } });
    expect(back.rooms.find((r) => r.id === room.id)?.controllerId).toBe(ids.a);
    await expect.poll(() => lastPresence(mLog, ids.a)?.connection).toBe('connected');
    // The hold is enforced again on the new media: resuming the microphone is refused.
    const send = await must(a2, 'transport:create', { direction: 'send' });
    const mic = await must(a2, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: opusParameters(5000), source: 'mic' });
    expect(await request(a2, 'producer:set-paused', { producerId: mic.producerId, paused: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const types = await recordTypes(detail.id);
    expect(types).toContain('breakdown.started');
    expect(types).toContain('breakdown.recovered');
    expect(types).not.toContain('breakdown.grace-expired');
  });

  it('past the grace period the joint session pauses (parties held, the mediator not) and resumes when the party is back', async () => {
    const { detail, tA, m, a, b, ids, B } = await threePeople(10);
    const mLog = recorder(m);
    const paused = nextEvent(b, 'session:paused', 20_000);
    a.io.engine.close();
    const p = await paused;
    expect(p.missing).toEqual([{ id: ids.a, displayName: 'Ana Party' }]);
    expect(p.by).toBeNull();
    expect(mLog.find((e) => e.event === 'participant:left')?.payload).toEqual({ participantId: ids.a, reason: 'disconnected' });

    // Nobody negotiates while one side is absent: Ben's microphone is held by the pause.
    const bLog = recorder(b);
    await expect.poll(() => lastPresence(mLog, ids.b)?.micHeldBy?.id).toBe(PAUSE_HOLDER.id);
    expect(await request(b, 'producer:set-paused', { producerId: B.mic, paused: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(m, 'moderation:ask-unmute', { participantId: ids.b })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // A late joiner is told the session is paused.
    const a2 = await open({ token: tA });
    const resumed = nextEvent(b, 'session:resumed', 10_000);
    const back = await must(a2, 'session:join', {});
    expect(back.pause).toBeNull();
    expect((await resumed).by).toBeNull();
    await expect.poll(() => lastPresence(bLog, ids.b)?.micHeldBy ?? lastPresence(mLog, ids.b)?.micHeldBy).toBeNull();
    expect((await request(b, 'producer:set-paused', { producerId: B.mic, paused: false })).ok).toBe(true);

    const types = await recordTypes(detail.id);
    for (const t of ['breakdown.started', 'breakdown.grace-expired', 'session.paused', 'session.resumed']) expect(types).toContain(t);
  }, 30_000);

  it('the mediator pauses and resumes by hand; a party cannot', async () => {
    const { m, b, ids } = await threePeople();
    expect(await request(b, 'session:pause', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const told = nextEvent(b, 'session:paused');
    const { pause } = await must(m, 'session:pause', {});
    expect(pause.by).toMatchObject({ id: ids.m });
    expect((await told).missing).toEqual([]);
    expect(await request(b, 'session:resume', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const resumed = nextEvent(b, 'session:resumed');
    expect(await must(m, 'session:resume', {})).toEqual({ resumed: true });
    expect((await resumed).by).toMatchObject({ id: ids.m });
    expect(await must(m, 'session:resume', {})).toEqual({ resumed: false });
  });

  it('ICE restart gives new credentials for the caller’s own transport only', async () => {
    const { a, b, A } = await threePeople();
    const r = await must(a, 'transport:restart-ice', { transportId: A.send.id });
    expect(r.iceParameters).toMatchObject({ usernameFragment: expect.any(String), password: expect.any(String) });
    expect(await request(b, 'transport:restart-ice', { transportId: A.send.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('audio only: the server stops sending video to that person, keeps it stopped whatever their client asks, and others are told why their video is off', async () => {
    const { detail, m, a, b, ids, A, B, media } = await threePeople();
    const mLog = recorder(m);
    const videoOf = (pid: string) => media.consumerStates(pid).filter((c) => c.kind === 'video');
    // Ana receives both cameras and the server has resumed them (her acks were processed): an
    // empty list or still-paused consumers would make the checks below true for nothing.
    await expect.poll(() => videoOf(ids.a).filter((c) => !c.paused).length).toBe(2);

    expect(await must(a, 'media:audio-only', { on: true, reason: 'Your connection is weak (120 kbit/s available).' })).toEqual({ audioOnly: true });
    expect(videoOf(ids.a).map((c) => c.paused)).toEqual([true, true]);
    await expect.poll(() => lastPresence(mLog, ids.a)?.audioOnly).toBe(true);

    // What a client does to get video: announce it is ready again, and take a new camera it is
    // offered (Ben adds a second one; Ana's client acks the offer with ok, which would resume it).
    const offered = new Promise<string>((resolve) => {
      a.on('consumer:receive', (offer) => {
        // Listeners run in order: the harness's acceptConsumers has already acked with ok.
        if (offer.participantId === ids.b && offer.label === 'Side camera') resolve(offer.consumerId);
      });
    });
    expect(await must(a, 'media:ready', { rtpCapabilities: A.joined.routerRtpCapabilities as never })).toEqual({ consumers: 0 });
    await must(b, 'producer:create', { transportId: B.send.id, kind: 'video', rtpParameters: vp8Parameters(3002), source: 'camera', label: 'Side camera' });
    const sideCamera = await offered;
    // Positive signal that the ack was processed: a later request on Ana's socket that itself goes
    // to the same worker. The server handles her packets in order, and the ack's handling reaches
    // the worker (a resume) before this request does, so by its answer a resume would be done.
    await must(a, 'transport:restart-ice', { transportId: A.recv.id, renewal: true });
    const after = videoOf(ids.a);
    expect(after.map((c) => c.consumerId)).toContain(sideCamera);
    expect(after).toHaveLength(3);
    expect(after.filter((c) => !c.paused)).toEqual([]);
    // The mediator took the same new camera and does receive it: the offer path works, only Ana's
    // video is held.
    await expect.poll(() => videoOf(ids.m).filter((c) => !c.paused).length).toBe(3);

    expect(await must(a, 'media:audio-only', { on: false, reason: 'Your connection is good.' })).toEqual({ audioOnly: false });
    expect(videoOf(ids.a).filter((c) => c.paused)).toEqual([]);
    const types = await recordTypes(detail.id);
    expect(types.filter((t) => t === 'breakdown.audio-only')).toHaveLength(2);
  });
});

describe('breakdown settings', () => {
  it('the mediator sets the procedure; the agreement clause states it and earlier consent must be given again', async () => {
    const detail = await createCase(live.server, live.cookie);
    const tA = tokenOf(detail.participants[1]!.invitation!.url);
    await consent(live.server, tA, detail);
    const bad = await api<{ error: { code: string } }>(live.server, 'PUT', `/api/cases/${detail.id}/breakdown`, { cookie: live.cookie, body: { ...detail.breakdown, graceSeconds: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    const notMediator = await api(live.server, 'PUT', `/api/cases/${detail.id}/breakdown`, { bearer: tA, body: detail.breakdown });
    expect(notMediator.status).toBe(401);

    const r = await api<CaseDetail>(live.server, 'PUT', `/api/cases/${detail.id}/breakdown`, {
      cookie: live.cookie,
      body: { graceSeconds: 120, pauseJointSession: true, audioOnlyFallback: false, textFallback: true, reschedulingContact: 'mediator@example.org' },
    });
    expect(r.status).toBe(200);
    const clause = r.body.agreement.clauses.find((c) => c.id === 'breakdown')!;
    expect(clause.body).toContain('2 minutes');
    expect(clause.body).toContain('mediator@example.org');
    expect(clause.body).toContain('you decide');
    expect(r.body.clauseSetHash).not.toBe(detail.clauseSetHash);
    expect(r.body.participants.find((p) => p.id === detail.participants[1]!.id)!.consent!.current).toBe(false);
    expect(await recordTypes(detail.id)).toContain('breakdown.settings-changed');
  });
});
