import { describe, expect, it } from 'vitest';
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
