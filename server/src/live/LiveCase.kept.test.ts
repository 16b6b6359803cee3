import { afterEach, describe, expect, it, vi } from 'vitest';
import { JOINT_ROOM, type LiveSnapshot } from '@parley/shared';
import { liveCase, MEDIATOR, person } from './live.fakes.ts';
import type { LiveStateStorage } from './LiveStateKeeper.ts';

/** A live case keeping its state (issue 14, step 3), on a store in memory that counts its writes. */
function memory() {
  const saved: LiveSnapshot[] = [];
  const storage: LiveStateStorage & { cleared: number } = {
    cleared: 0,
    save: async (_caseId, s) => void saved.push(structuredClone(s)),
    clear: async () => void storage.cleared++,
    touch: async () => undefined,
  };
  return { saved, storage, last: () => saved.at(-1)! };
}

const ref = { id: MEDIATOR, displayName: `Name of ${MEDIATOR}` };

/** The mediator and Ana live, Ana moved into a caucus "With A". */
async function anaInCaucus(storage: LiveStateStorage) {
  const live = liveCase({ kept: { storage, restored: null } });
  await live.join(person('m', 'mediator'));
  await live.join(person('a', 'party'));
  const caucus = live.lc.rooms.create('With A');
  await live.lc.rooms.move(['a'], caucus.id, ref);
  return { ...live, caucus };
}
afterEach(() => void vi.useRealTimers());

describe('a live case keeping its state', () => {
  it('writes the state when something changed, and only then', async () => {
    const { saved, storage, last } = memory();
    const { lc, join } = liveCase({ kept: { storage, restored: null } });
    await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    await lc.settle();
    const first = saved.length;
    const caucus = lc.rooms.create('With A');
    await lc.rooms.move(['a'], caucus.id, ref);
    await lc.moderation.mute(['a'], ref);
    await lc.settle();
    expect(saved.length).toBe(first + 1);
    expect(last().placements).toEqual([['a', caucus.id]]);
    expect(last().holds).toEqual([['a', ref]]);
    await lc.settle();
    expect(saved.length).toBe(first + 1);
  });

  it('rebuilt from it, a returning party lands in their caucus, still held, and the mediator finds the caucus', async () => {
    const { storage, last } = memory();
    const before = await anaInCaucus(storage);
    const caucus = before.caucus;
    await before.lc.moderation.mute(['a'], ref);
    before.lc.close(); // the node stops
    await before.lc.idle;

    const after = liveCase({ kept: { storage, restored: last() } });
    const { member } = await after.join(person('a', 'party'));
    expect(member.roomId).toBe(caucus.id);
    expect(after.lc.presenceOf(member).micHeldBy).toEqual(ref);
    expect(after.media.isHeld('a', 'mic')).toBe(true);
    expect(after.lc.rooms.get(caucus.id)?.name).toBe('With A');
  });

  it('a caucus timer that ran out while the service was down sends its people back to the joint room', async () => {
    vi.useFakeTimers();
    const { storage, last } = memory();
    const before = await anaInCaucus(storage);
    const caucus = before.caucus;
    before.lc.rooms.setTimer(caucus.id, 1, 30, ref);
    before.lc.close();
    await before.lc.idle;
    vi.advanceTimersByTime(2 * 60_000);

    const after = liveCase({ kept: { storage, restored: last() } });
    await vi.advanceTimersByTimeAsync(0);
    const { member } = await after.join(person('a', 'party'));
    expect(member.roomId).toBe(JOINT_ROOM);
  });

  it('stays when the node stops, and goes when the session ends for everyone', async () => {
    const { storage } = memory();
    const stopped = liveCase({ kept: { storage, restored: null } });
    await stopped.join(person('m', 'mediator'));
    stopped.lc.close();
    await stopped.lc.idle;
    expect(storage.cleared).toBe(0);

    const ended = liveCase({ kept: { storage, restored: null } });
    const { member } = await ended.join(person('m', 'mediator'));
    await ended.join(person('a', 'party'));
    await ended.lc.end(member, 'out', 'We are done for today.');
    await ended.lc.idle;
    expect(storage.cleared).toBe(1);
  });
});
