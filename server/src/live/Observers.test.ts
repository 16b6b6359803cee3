import { describe, expect, it, vi } from 'vitest';
import { OBSERVER_WAITING_ROOM } from '@parley/shared';
import { liveCase, person } from './live.fakes.ts';

/** Only A agreed to the assessor following into a caucus. */
const agreed = new Set(['m', 'a']);
const setup = async () => {
  const t = liveCase({ mayObserveCaucus: (ids) => ids.every((id) => agreed.has(id)) });
  await t.join(person('m', 'mediator'));
  await t.join(person('a', 'party'));
  await t.join(person('b', 'party'));
  const o = await t.join(person('o', 'assessor'));
  return { ...t, o };
};

describe('Observers', () => {
  it('the assessor follows the mediator into a caucus where every occupant agreed', async () => {
    const { lc, o, media } = await setup();
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['m', 'a'], caucus.id, null);
    expect(o.member.roomId).toBe(caucus.id);
    expect(media.peers.get('o')).toBe(caucus.id);
  });

  it('the assessor waits outside a caucus where someone did not agree, receiving nothing of it', async () => {
    const { lc, o, media } = await setup();
    const caucus = lc.rooms.create('With B');
    await lc.rooms.move(['m', 'b'], caucus.id, null);
    expect(o.member.roomId).toBe(OBSERVER_WAITING_ROOM);
    expect(media.peers.get('o')).toBe(OBSERVER_WAITING_ROOM);
  });
});

/** The store's answer to "did they all agree?", held back until released (while `hold` is on). */
function heldCheck() {
  const asked: string[][] = [];
  let gate: Promise<void> = Promise.resolve();
  let release = () => undefined as void;
  return {
    asked,
    check: async (ids: string[]) => {
      asked.push(ids);
      await gate;
      return ids.every((id) => agreed.has(id));
    },
    hold: () => void (gate = new Promise<void>((r) => (release = r))),
    release: () => release(),
  };
}

describe('Observers, while the store answers', () => {
  it('an assessor in a caucus steps out before someone who did not agree comes in, and stays out', async () => {
    const s = heldCheck();
    const { lc, join, media } = liveCase({ mayObserveCaucus: s.check });
    await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    await join(person('b', 'party'));
    const o = await join(person('o', 'assessor'));
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['m', 'a'], caucus.id, null);
    expect(media.peers.get('o')).toBe(caucus.id);
    s.hold();
    const asked = s.asked.length;
    const moving = lc.rooms.move(['b'], caucus.id, null);
    await vi.waitFor(() => expect(s.asked.length).toBe(asked + 1));
    // B is in; the check has not answered: the assessor is outside, receiving nothing of the caucus.
    expect(media.peers.get('b')).toBe(caucus.id);
    expect(media.peers.get('o')).toBe(OBSERVER_WAITING_ROOM);
    s.release();
    await moving;
    expect(o.member.roomId).toBe(OBSERVER_WAITING_ROOM);
    expect(media.peers.get('o')).toBe(OBSERVER_WAITING_ROOM);
  });

  it('asks again when the people in the caucus changed while the store answered', async () => {
    const s = heldCheck();
    const { lc, join, media } = liveCase({ mayObserveCaucus: s.check });
    await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    const b = await join(person('b', 'party'));
    await join(person('o', 'assessor'));
    const caucus = lc.rooms.create('With B, then A');
    await lc.rooms.move(['m', 'b'], caucus.id, null);
    expect(media.peers.get('o')).toBe(OBSERVER_WAITING_ROOM);
    s.hold();
    const moving = lc.rooms.move(['a'], caucus.id, null);
    await vi.waitFor(() => expect(s.asked.at(-1)).toEqual(['m', 'a', 'b']));
    // B leaves while the store answers for M, A and B: the answer is for a room that is no more.
    lc.leave(b.member);
    s.release();
    await moving;
    expect(s.asked.at(-1)).toEqual(['m', 'a']);
    expect(media.peers.get('o')).toBe(caucus.id);
  });

  it('an assessor joining during a move is placed once the move is done, as the room then stands', async () => {
    const { lc, join, media } = liveCase({ mayObserveCaucus: (ids) => ids.every((id) => agreed.has(id)) });
    await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    await join(person('b', 'party'));
    const caucus = lc.rooms.create('With B');
    // The mediator's re-wiring takes a while: the mediator is in the caucus, B not yet.
    let letGo = () => undefined as void;
    const held = new Promise<void>((r) => (letGo = r));
    const movePeer = media.movePeer.bind(media);
    vi.spyOn(media, 'movePeer').mockImplementation(async (id, room) => {
      if (id === 'm') await held;
      return movePeer(id, room);
    });
    const added = vi.spyOn(media, 'addPeer');
    const moving = lc.rooms.move(['m', 'b'], caucus.id, null);
    const joining = join(person('o', 'assessor'));
    await new Promise((r) => setTimeout(r, 20));
    expect(lc.member('o')).toBeUndefined();
    letGo();
    await moving;
    const o = await joining;
    // Never in the caucus B did not agree to, not even for a moment.
    expect(o.member.roomId).toBe(OBSERVER_WAITING_ROOM);
    expect(added.mock.calls.filter(([id]) => id === 'o')).toEqual([['o', OBSERVER_WAITING_ROOM]]);
  });
});
