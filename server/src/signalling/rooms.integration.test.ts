import { describe, expect, it } from 'vitest';
import { liveTestServer } from '../test/live-server.ts';
import type { Presence, RoomInfo } from '@parley/shared';
import { must, nextEvent, opusParameters, recorder, request, vp8Parameters } from '../test/harness.ts';

/**
 * Caucus isolation and live controls against the real server and worker: the server alone decides
 * who receives what (issue 3; IMI 2.10, 2.11 ii–vi; docs/threats.md #1, #2).
 */
const live = liveTestServer();

const threePeople = () => live.threeInSession();

describe('caucus rooms', () => {
  it('moving a party and the mediator into a caucus cuts the other party off from both, and moving back restores it', async () => {
    const { m, a, b, M, A, B, ids, receives } = await threePeople();
    expect(receives(ids.b)).toEqual([M.mic, M.cam, A.mic, A.cam].sort());
    const bLog = recorder(b);

    const { room } = await must(m, 'room:create', { name: 'Caucus with Ana' });
    expect(room.kind).toBe('caucus');
    expect(await must(m, 'room:move', { participantIds: [ids.a, ids.m], roomId: room.id })).toEqual({ moved: 2 });

    // B receives nothing from A or the mediator any more; A receives only the mediator.
    expect(receives(ids.b)).toEqual([]);
    expect(receives(ids.a)).toEqual([M.mic, M.cam].sort());
    expect(receives(ids.m)).toEqual([A.mic, A.cam].sort());
    await expect.poll(() => bLog.filter((e) => e.event === 'consumer:closed').length).toBe(4);

    // B learns that A and the mediator are elsewhere, but nothing about the caucus.
    const lastSeen = (id: string) => bLog.filter((e) => e.event === 'participant:updated' && e.payload.id === id).at(-1)?.payload as Presence | undefined;
    await expect.poll(() => lastSeen(ids.a)?.roomId).toBeNull();
    await expect.poll(() => lastSeen(ids.m)?.roomId).toBeNull();
    const aSeenByB = bLog.filter((e) => e.event === 'participant:updated' && e.payload.id === ids.a).at(-1)!.payload as Presence;
    expect(aSeenByB).toMatchObject({ roomId: null, mic: 'none', camera: 'none', cameras: [], sharing: false });
    expect(JSON.stringify(bLog)).not.toContain('Caucus with Ana');
    expect(bLog.some((e) => e.event === 'room:updated' && e.payload.id === room.id)).toBe(false);

    // A raw client with B's credentials cannot get in: no moves, no rooms, no one else's consumer.
    expect(await request(b, 'room:move', { participantIds: [ids.b], roomId: room.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(b, 'room:create', { name: 'Mine' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(b, 'control:give', { roomId: room.id, participantId: ids.b })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // B re-declaring readiness creates nothing new.
    expect((await must(b, 'media:ready', { rtpCapabilities: B.joined.routerRtpCapabilities as never })).consumers).toBe(0);
    expect(receives(ids.b)).toEqual([]);

    // Back to the joint room: everything flows again.
    await must(m, 'room:move', { participantIds: [ids.a, ids.m], roomId: 'joint' });
    expect(receives(ids.b)).toEqual([M.mic, M.cam, A.mic, A.cam].sort());
    expect(receives(ids.a)).toEqual([M.mic, M.cam, B.mic, B.cam].sort());
  });

  it('closing a caucus returns its occupants to the joint room; the timer does the same, after a warning', async () => {
    const { m, a, b, ids, receives, B } = await threePeople();
    const { room } = await must(m, 'room:create', { name: 'Side A' });
    await must(m, 'room:move', { participantIds: [ids.a], roomId: room.id });
    const warned = nextEvent(a, 'room:timer-warning', 5000);
    const expired = nextEvent(a, 'room:timer-expired', 10_000);
    const set = await must(m, 'room:set-timer', { roomId: room.id, minutes: 0.1, warnSeconds: 5 });
    expect(set.room.timer).not.toBeNull();
    expect((await warned).secondsLeft).toBe(5);
    await expired;
    await expect.poll(() => receives(ids.a).includes(B.mic)).toBe(true);

    await must(m, 'room:move', { participantIds: [ids.b], roomId: room.id });
    const closed = nextEvent(b, 'room:closed');
    await must(m, 'room:close', { roomId: room.id });
    expect((await closed).roomId).toBe(room.id);
    expect(receives(ids.b).length).toBe(4);
    expect(await request(m, 'room:close', { roomId: 'joint' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('an announcement reaches every room; asking for the mediator reaches only the mediator and is answered by a visit', async () => {
    const { m, a, b, ids } = await threePeople();
    const { room } = await must(m, 'room:create', { name: 'Private' });
    await must(m, 'room:move', { participantIds: [ids.a, ids.m], roomId: room.id });
    const toA = nextEvent(a, 'announcement:made');
    const toB = nextEvent(b, 'announcement:made');
    await must(m, 'announcement:send', { text: 'Back in the joint room in 2 minutes' });
    expect((await toA).text).toBe('Back in the joint room in 2 minutes');
    expect((await toB).from.id).toBe(ids.m);
    expect(await request(b, 'announcement:send', { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const aLog = recorder(a);
    const asked = nextEvent(m, 'assistance:requested');
    const { requestId } = await must(b, 'assistance:request', {});
    expect(await asked).toMatchObject({ requestId, from: { id: ids.b }, roomName: 'Joint room' });
    expect(await request(a, 'assistance:request', {})).toMatchObject({ ok: false, error: { code: 'conflict' } }); // the mediator is with A
    const resolved = nextEvent(b, 'assistance:resolved');
    await must(m, 'room:move', { participantIds: [ids.m], roomId: 'joint' });
    expect((await resolved).requestId).toBe(requestId);
    expect(aLog.some((e) => e.event === 'assistance:requested')).toBe(false);
  });
});

describe('server-side mute', () => {
  it('holds a party muted against their own resume, and asking to unmute does not unmute', async () => {
    const { m, a, b, B, ids, media } = await threePeople();
    const paused = nextEvent(a, 'consumer:paused');
    const bSelf = nextEvent(b, 'participant:updated');
    expect(await must(m, 'moderation:mute', { participantIds: [ids.b] })).toEqual({ muted: 1 });
    await paused;
    expect((await bSelf).micHeldBy).toMatchObject({ id: ids.m });

    // A modified client resuming itself is refused, and the producer stays paused.
    expect(await request(b, 'producer:set-paused', { producerId: B.mic, paused: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(media.producersOf(ids.b).find((p) => p.source === 'mic')!.paused).toBe(true);
    // Nor does closing and recreating the microphone escape the hold.
    await must(b, 'producer:close', { producerId: B.mic });
    const again = await must(b, 'producer:create', { transportId: B.send.id, kind: 'audio', rtpParameters: opusParameters(3100), source: 'mic' });
    expect(media.producersOf(ids.b).find((p) => p.producerId === again.producerId)!.paused).toBe(true);

    const prompt = nextEvent(b, 'moderation:unmute-requested');
    await must(m, 'moderation:ask-unmute', { participantId: ids.b });
    expect((await prompt).by.id).toBe(ids.m);
    expect(media.producersOf(ids.b).find((p) => p.source === 'mic')!.paused).toBe(true);
    await must(b, 'producer:set-paused', { producerId: again.producerId, paused: false });
    expect(media.producersOf(ids.b).find((p) => p.source === 'mic')!.paused).toBe(false);

    expect(await request(a, 'moderation:mute', { participantIds: [ids.b] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await must(m, 'moderation:mute', { participantIds: 'all' })).toEqual({ muted: 2 });
  });
});

describe('screens, cameras and control of the stage', () => {
  it('allows one share per room unless the mediator allows more, and the mediator can stop a share', async () => {
    const { m, a, b, A, B, ids, media } = await threePeople();
    const share = await must(a, 'producer:create', { transportId: A.send.id, kind: 'video', rtpParameters: vp8Parameters(2100), source: 'screen' });
    expect(await request(b, 'producer:create', { transportId: B.send.id, kind: 'video', rtpParameters: vp8Parameters(3200), source: 'screen' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    await must(m, 'room:set-share-policy', { roomId: 'joint', allowMultipleShares: true });
    await must(b, 'producer:create', { transportId: B.send.id, kind: 'video', rtpParameters: vp8Parameters(3200), source: 'screen' });
    const stopped = nextEvent(a, 'moderation:share-stopped');
    expect(await must(m, 'moderation:stop-share', { participantId: ids.a })).toEqual({ stopped: 1 });
    expect((await stopped).by.id).toBe(ids.m);
    expect(media.ownerOf(share.producerId)).toBeUndefined();
  });

  it('delivers several labelled cameras from one person as separate tracks', async () => {
    const { a, b, A } = await threePeople();
    const added: Array<{ source: string; label: string | null; participantId: string }> = [];
    b.on('consumer:receive', (c) => added.push(c));
    await must(a, 'producer:create', { transportId: A.send.id, kind: 'video', rtpParameters: vp8Parameters(2200), source: 'camera', label: 'Document camera' });
    await expect.poll(() => added.length).toBe(1);
    expect(added[0]).toMatchObject({ source: 'camera', label: 'Document camera' });
  });

  it('stage commands come only from the controller; control is given, requested and taken back', async () => {
    const { m, a, b, A, ids } = await threePeople();
    expect(await request(a, 'stage:set', { producerId: A.cam })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(a, 'stage:pointer', { x: 0.5, y: 0.5 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const requested = nextEvent(m, 'control:requested');
    await must(a, 'control:request', {});
    expect((await requested).from.id).toBe(ids.a);
    const given: RoomInfo = (await must(m, 'control:give', { roomId: 'joint', participantId: ids.a })).room;
    expect(given.controllerId).toBe(ids.a);

    const bLog = recorder(b);
    await must(a, 'stage:set', { producerId: A.cam });
    await expect.poll(() => bLog.some((e) => e.event === 'room:updated' && e.payload.stageProducerId === A.cam)).toBe(true);
    const pointer = nextEvent(b, 'stage:pointer-moved');
    await must(a, 'stage:pointer', { x: 0.25, y: 0.75 });
    expect(await pointer).toEqual({ participantId: ids.a, x: 0.25, y: 0.75 });
    expect(await request(b, 'stage:set', { producerId: null })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await must(m, 'control:take', { roomId: 'joint' });
    expect(await request(a, 'stage:set', { producerId: null })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
