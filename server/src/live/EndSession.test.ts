import { describe, expect, it, vi } from 'vitest';
import { CloseCode, JOINT_ROOM, receivesMediaFrom, waitingRoomOf } from '@parley/shared';
import { liveCase, person } from './live.fakes.ts';

/** "End the session for everyone" (LiveCase.end): back to the waiting room, or out. */
describe('ending the session for everyone', () => {
  it('back to the waiting room: every party and advisor waits alone again, the mediator and the assessor stay', async () => {
    const { lc, join, media } = liveCase({ mayObserveCaucus: () => true });
    const m = await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const b = await join(person('b', 'party'));
    const adv = await join(person('v', 'advisor'));
    const o = await join(person('o', 'assessor'));
    expect(a.member.roomId).toBe(JOINT_ROOM);
    expect(await lc.end(m.member, 'waiting-room', 'we continue one by one')).toBe(3);
    for (const x of [a, b, adv]) {
      expect(x.member.roomId).toBe(waitingRoomOf(x.member.id));
      expect(media.peers.get(x.member.id)).toBe(waitingRoomOf(x.member.id));
    }
    expect(receivesMediaFrom(a.member, b.member)).toBe(false);
    expect(receivesMediaFrom(m.member, a.member)).toBe(false);
    expect(m.member.roomId).toBe(JOINT_ROOM);
    expect(o.member.roomId).toBe(JOINT_ROOM);
  });

  it('back to the waiting room: everyone is told why, and the record names who went back', async () => {
    const { lc, join, records } = liveCase();
    const m = await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    await lc.end(m.member, 'waiting-room', 'a short break');
    expect(a.socket.heard('session:ended')).toEqual([{ to: 'waiting-room', reason: 'a short break', by: m.member.ref }]);
    expect(m.socket.heard('session:ended')).toHaveLength(1);
    expect(records('session.ended').map((e) => e.data)).toEqual([{ outcome: 'back-to-waiting-room', participants: ['Name of a'], reason: 'a short break' }]);
  });

  it('after being sent back, newcomers and people coming back wait too, even with the case’s waiting room off, until let in', async () => {
    const { lc, join } = liveCase();
    const m = await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    await lc.end(m.member, 'waiting-room', 'break');
    lc.leave(a.member);
    expect((await join(person('a', 'party'))).member.roomId).toBe(waitingRoomOf('a'));
    expect((await join(person('b', 'party'))).member.roomId).toBe(waitingRoomOf('b'));
    await lc.rooms.openJoint(m.member.ref);
    expect(lc.member('a')!.roomId).toBe(JOINT_ROOM);
    expect((await join(person('c', 'party'))).member.roomId).toBe(JOINT_ROOM);
  });

  it('out: every connection, the mediator’s too, is closed with the reason, and the live case ends', async () => {
    vi.useFakeTimers();
    try {
      const { lc, join, records, media } = liveCase();
      const m = await join(person('m', 'mediator'));
      const a = await join(person('a', 'party'));
      expect(await lc.end(m.member, 'out', 'time is up')).toBe(1);
      vi.runAllTimers();
      expect(a.socket.heard('session:closed')).toEqual([{ code: CloseCode.SessionEnded, message: 'Name of m ended the session: “time is up”' }]);
      expect(m.socket.heard('session:closed')).toEqual([{ code: CloseCode.SessionEnded, message: 'You ended the session for everyone: “time is up”' }]);
      expect(a.socket.disconnected && m.socket.disconnected).toBe(true);
      expect(lc.closed).toBe(true);
      expect(media.closed).toBe(true);
      expect(records('session.ended').map((e) => e.data)).toEqual([{ outcome: 'disconnected', participants: ['Name of a'], reason: 'time is up' }]);
    } finally {
      vi.useRealTimers();
    }
  });
});
