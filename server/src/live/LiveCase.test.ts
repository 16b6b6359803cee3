import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloseCode, JOINT_ROOM } from '@parley/shared';
import { BREAKDOWN, liveCase, person } from './live.fakes.ts';

afterEach(() => void vi.useRealTimers());

describe('LiveCase membership', () => {
  it('a person joining for the first time is placed in the joint room, media included', async () => {
    const { join, media } = liveCase();
    await join(person('m', 'mediator'));
    const { member } = await join(person('a', 'party'));
    expect(member.roomId).toBe(JOINT_ROOM);
    expect(media.peers.get('a')).toBe(JOINT_ROOM);
  });

  it('a person joining again is placed in the room they were last placed in', async () => {
    const { lc, join } = liveCase();
    await join(person('m', 'mediator'));
    const { member } = await join(person('a', 'party'));
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['a'], caucus.id, null);
    lc.leave(member);
    const { member: again } = await join(person('a', 'party'));
    expect(again.roomId).toBe(caucus.id);
  });

  it('a second connection from the same browser closes the first with 4409, and nobody is warned', async () => {
    vi.useFakeTimers();
    const { join, socketOf } = liveCase();
    const mediator = await join(person('m', 'mediator'));
    const first = await join(person('a', 'party'), 'browser-1');
    await join(person('a', 'party'), 'browser-1');
    expect(first.socket.heard('session:closed')).toEqual([expect.objectContaining({ code: CloseCode.Replaced })]);
    vi.advanceTimersByTime(50);
    expect(first.socket.disconnected).toBe(true);
    expect(socketOf('a').disconnected).toBe(false);
    expect(mediator.socket.heard('participant:link-reused')).toEqual([]);
  });

  it('a link opened in another browser closes the first connection with 4408 and tells the mediator', async () => {
    const { join, records } = liveCase();
    const mediator = await join(person('m', 'mediator'));
    const first = await join(person('a', 'party'), 'browser-1');
    await join(person('a', 'party'), 'browser-2');
    expect(first.socket.heard('session:closed')).toEqual([expect.objectContaining({ code: CloseCode.ReplacedElsewhere })]);
    expect(mediator.socket.heard('participant:link-reused')).toEqual([expect.objectContaining({ participant: { id: 'a', displayName: 'Name of a' } })]);
    expect(records('participant.link-reused')).toHaveLength(1);
  });

  it('leaving removes the person at once, and the others are told', async () => {
    const { lc, join } = liveCase();
    const mediator = await join(person('m', 'mediator'));
    const { member } = await join(person('a', 'party'));
    lc.leave(member);
    expect(lc.member('a')).toBeUndefined();
    expect(mediator.socket.heard('participant:left')).toEqual([{ participantId: 'a', reason: 'left' }]);
  });

  it('a dropped connection keeps the person present, reconnecting, until the grace period ends', async () => {
    vi.useFakeTimers();
    const { lc, join } = liveCase();
    await join(person('m', 'mediator'));
    const { member } = await join(person('a', 'party'));
    lc.dropped(member, 'connection lost');
    await vi.advanceTimersByTimeAsync(BREAKDOWN.graceSeconds * 1000 - 1);
    expect(lc.member('a')?.connection).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(lc.member('a')).toBeUndefined();
  });

  it('the last person leaving closes the live case and its media', async () => {
    const { lc, join, media } = liveCase();
    const onEmpty = vi.fn();
    lc.onEmpty = onEmpty;
    const { member } = await join(person('m', 'mediator'));
    lc.leave(member);
    expect(lc.closed).toBe(true);
    expect(media.closed).toBe(true);
    expect(onEmpty).toHaveBeenCalledOnce();
  });

  it('a dead media worker drops everyone into the grace period with 4503; the case, its caucus and the holds stay, and a rejoin lands where it was', async () => {
    vi.useFakeTimers();
    const { lc, join, media } = liveCase();
    const m = await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['a'], caucus.id, null);
    await lc.moderation.mute(['a'], m.member.ref);
    media.fire('worker-lost');
    for (const s of [m.socket, a.socket]) expect(s.heard('session:closed')).toEqual([expect.objectContaining({ code: CloseCode.ServerRestart })]);
    vi.advanceTimersByTime(50);
    expect(a.socket.disconnected).toBe(true);
    expect(lc.closed).toBe(false);
    expect(lc.member('a')?.connection).toBe('reconnecting');
    expect(media.peers.has('a')).toBe(false);
    const back = await join(person('a', 'party'));
    expect(back.member.roomId).toBe(caucus.id);
    expect(media.peers.get('a')).toBe(caucus.id);
    expect(media.isHeld('a', 'mic')).toBe(true);
    expect(lc.member('a')?.connection).toBe('connected');
  });
});
