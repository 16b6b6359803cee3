import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, JOINT_ROOM, MAX_CAUCUSES } from '@parley/shared';
import { liveCase, person } from './live.fakes.ts';

afterEach(() => void vi.useRealTimers());

describe('Rooms', () => {
  it('an assessor cannot be moved: they follow the mediator by themselves', async () => {
    const { lc, join } = liveCase({ mayObserveCaucus: () => true });
    await join(person('m', 'mediator'));
    await join(person('o', 'assessor'));
    const caucus = lc.rooms.create('Caucus');
    await expect(lc.rooms.move(['o'], caucus.id, null)).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    expect(lc.member('o')?.roomId).toBe(JOINT_ROOM);
  });

  it(`at most ${MAX_CAUCUSES} caucuses are open at once`, async () => {
    const { lc, join } = liveCase();
    await join(person('m', 'mediator'));
    for (let i = 0; i < MAX_CAUCUSES; i++) lc.rooms.create(`Caucus ${i}`);
    expect(() => lc.rooms.create('One too many')).toThrow(expect.objectContaining({ code: ErrorCode.Conflict }));
    expect(lc.rooms.all()).toHaveLength(MAX_CAUCUSES + 1);
  });

  it('closing a caucus returns its occupants to the joint room, media included', async () => {
    const { lc, join, media } = liveCase();
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['a'], caucus.id, null);
    await lc.rooms.close(caucus.id, null);
    expect(a.member.roomId).toBe(JOINT_ROOM);
    expect(media.peers.get('a')).toBe(JOINT_ROOM);
    expect(lc.room(caucus.id)).toBeUndefined();
    expect(a.socket.heard('room:closed')).toEqual([{ roomId: caucus.id }]);
  });

  it('closing a caucus the assessor followed the mediator into returns everyone, the assessor with the mediator', async () => {
    const { lc, join } = liveCase({ mayObserveCaucus: () => true });
    const m = await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const o = await join(person('o', 'assessor'));
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['m', 'a'], caucus.id, null);
    expect(o.member.roomId).toBe(caucus.id);
    await lc.rooms.close(caucus.id, null);
    expect(lc.room(caucus.id)).toBeUndefined();
    expect([m.member.roomId, a.member.roomId, o.member.roomId]).toEqual([JOINT_ROOM, JOINT_ROOM, JOINT_ROOM]);
  });

  it('when a caucus timer ends with the assessor inside, everyone returns and the assessor follows the mediator', async () => {
    vi.useFakeTimers();
    const { lc, join } = liveCase({ mayObserveCaucus: () => true });
    const m = await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    const o = await join(person('o', 'assessor'));
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['m', 'a'], caucus.id, null);
    lc.rooms.setTimer(caucus.id, 1, 30);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(m.member.roomId).toBe(JOINT_ROOM);
    expect(o.member.roomId).toBe(JOINT_ROOM);
  });

  it('when a caucus timer ends, whoever is in the room then returns to the joint room', async () => {
    vi.useFakeTimers();
    const { lc, join } = liveCase();
    await join(person('m', 'mediator'));
    const a = await join(person('a', 'party'));
    const b = await join(person('b', 'party'));
    const caucus = lc.rooms.create('Caucus');
    await lc.rooms.move(['a'], caucus.id, null);
    lc.rooms.setTimer(caucus.id, 1, 30);
    await vi.advanceTimersByTimeAsync(45_000);
    // B arrives after the warning, A has left for the joint room by then: B is the one sent back.
    await lc.rooms.move(['b'], caucus.id, null);
    await lc.rooms.move(['a'], JOINT_ROOM, null);
    const c = lc.rooms.create('Another');
    await lc.rooms.move(['a'], c.id, null);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(b.member.roomId).toBe(JOINT_ROOM);
    expect(a.member.roomId).toBe(c.id);
    expect(b.socket.heard('room:timer-expired')).toEqual([{ roomId: caucus.id }]);
  });
});
