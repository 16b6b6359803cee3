import { describe, expect, it } from 'vitest';
import { ErrorCode, JOINT_ROOM, receivesMediaFrom, waitingRoomOf } from '@parley/shared';
import { liveCase, person } from './live.fakes.ts';

/** The waiting room (Rooms.placementOf, admit, openJoint) on the live model, with fake media and sockets. */
describe('waiting room', () => {
  it('a party who joins waits alone: not in the joint room, and not with another party who waits', async () => {
    const { lc, join, media } = liveCase({ waitingRoom: true });
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const b = await join(person('b', 'party'));
    expect(a.member.roomId).toBe(waitingRoomOf('a'));
    expect(b.member.roomId).toBe(waitingRoomOf('b'));
    expect(media.peers.get('a')).toBe(waitingRoomOf('a'));
    // Nobody's media reaches a person waiting, and theirs reaches nobody.
    for (const [x, y] of [[a, b], [b, a]] as const) expect(receivesMediaFrom(x.member, y.member)).toBe(false);
    expect(receivesMediaFrom(a.member, lc.member('m')!)).toBe(false);
    expect(lc.rooms.waitingMembers().map((m) => m.id).sort()).toEqual(['a', 'b']);
  });

  it('the mediator and the assessor never wait; without a waiting room nobody does', async () => {
    const on = liveCase({ waitingRoom: true, mayObserveCaucus: () => true });
    expect((await on.join(person('m', 'mediator'))).member.roomId).toBe(JOINT_ROOM);
    expect((await on.join(person('o', 'assessor'))).member.roomId).toBe(JOINT_ROOM);
    const off = liveCase();
    await off.join(person('m', 'mediator'));
    expect((await off.join(person('a', 'party'))).member.roomId).toBe(JOINT_ROOM);
  });

  it('admitting one lets only that person in, with media, and the record says so', async () => {
    const { lc, join, media, records } = liveCase({ waitingRoom: true });
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const b = await join(person('b', 'party'));
    expect(await lc.rooms.admit(['a'], lc.member('m')!.ref)).toBe(1);
    expect(a.member.roomId).toBe(JOINT_ROOM);
    expect(media.peers.get('a')).toBe(JOINT_ROOM);
    expect(b.member.roomId).toBe(waitingRoomOf('b'));
    expect(records('participant.moved').map((e) => (e as { data: unknown }).data)).toEqual([{ room: 'Joint room', participants: ['Name of a'], reason: 'let in from the waiting room' }]);
  });

  it('someone who is not waiting cannot be admitted, and nothing changes', async () => {
    const { lc, join } = liveCase({ waitingRoom: true });
    await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    await lc.rooms.admit(['a'], null);
    await expect(lc.rooms.admit(['a'], null)).rejects.toMatchObject({ code: ErrorCode.Conflict });
    await expect(lc.rooms.admit(['nobody'], null)).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('an admitted person who leaves and comes back returns to the joint room, not to the waiting room', async () => {
    const { lc, join } = liveCase({ waitingRoom: true });
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    await lc.rooms.admit(['a'], null);
    lc.leave(a.member);
    expect((await join(person('a', 'party'))).member.roomId).toBe(JOINT_ROOM);
  });

  it('opening the joint room lets everyone waiting in, and later arrivals go straight in', async () => {
    const { lc, join } = liveCase({ waitingRoom: true });
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    expect(await lc.rooms.openJoint(null)).toBe(1);
    expect(a.member.roomId).toBe(JOINT_ROOM);
    expect((await join(person('b', 'party'))).member.roomId).toBe(JOINT_ROOM);
  });

  it('a person waiting can be taken straight into a caucus (a first private meeting)', async () => {
    const { lc, join } = liveCase({ waitingRoom: true });
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['m', 'a'], caucus.id, null);
    expect(a.member.roomId).toBe(caucus.id);
  });

  it('a person waiting may ask for the mediator; letting them in answers it', async () => {
    const { lc, join } = liveCase({ waitingRoom: true });
    const m = await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const req = lc.assistance.request(a.member);
    expect(m.socket.heard('assistance:requested')).toEqual([expect.objectContaining({ requestId: req.id, roomId: waitingRoomOf('a'), roomName: 'the waiting room' })]);
    await lc.rooms.admit(['a'], m.member.ref);
    expect(m.socket.heard('assistance:resolved')).toEqual([{ requestId: req.id }]);
    expect(a.socket.heard('assistance:resolved')).toEqual([{ requestId: req.id }]);
  });

  it('room actions from the waiting room are refused with a typed error', async () => {
    const { lc, join } = liveCase({ waitingRoom: true });
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    expect(() => lc.rooms.current(a.member)).toThrow(expect.objectContaining({ code: ErrorCode.Forbidden }));
  });
});
