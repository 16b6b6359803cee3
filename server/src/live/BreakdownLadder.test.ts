import { afterEach, describe, expect, it, vi } from 'vitest';
import { BREAKDOWN, liveCase, person } from './live.fakes.ts';

afterEach(() => void vi.useRealTimers());

describe('BreakdownLadder', () => {
  it('when the grace period runs out the person is removed and the record says so', async () => {
    vi.useFakeTimers();
    const { lc, join, records, socketOf } = liveCase();
    await join(person('m', 'mediator'));
    const { member } = await join(person('a', 'party'));
    lc.dropped(member, 'connection lost');
    await vi.advanceTimersByTimeAsync(BREAKDOWN.graceSeconds * 1000);
    expect(lc.member('a')).toBeUndefined();
    expect(socketOf('m').heard('participant:left')).toEqual([{ participantId: 'a', reason: 'disconnected' }]);
    expect(records('breakdown.grace-expired')).toEqual([expect.objectContaining({ data: { participant: 'Name of a', graceSeconds: BREAKDOWN.graceSeconds } })]);
  });

  it('the pause holds the microphones of parties in the joint room, not the mediator’s nor a caucus’s', async () => {
    const { lc, join, media } = liveCase();
    const m = await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    await join(person('b', 'party'));
    const caucus = lc.rooms.create('With B');
    await lc.rooms.move(['b'], caucus.id, null);
    await lc.ladder.pause(m.member.ref);
    expect(media.isHeld('a', 'mic')).toBe(true);
    expect(media.isHeld('m', 'mic')).toBe(false);
    expect(media.isHeld('b', 'mic')).toBe(false);
  });

  it('resuming releases the pause’s holds but keeps the mediator’s own', async () => {
    const { lc, join, media } = liveCase();
    const m = await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    await join(person('b', 'party'));
    await lc.moderation.mute(['b'], m.member.ref);
    await lc.ladder.pause(m.member.ref);
    await lc.ladder.resume(m.member.ref);
    expect(media.isHeld('a', 'mic')).toBe(false);
    expect(media.isHeld('b', 'mic')).toBe(true);
  });
});

describe('BreakdownLadder media rungs', () => {
  it('a lost media path is recorded with the detector that saw it, and its return with how long it took', async () => {
    const { join, media, records, socketOf } = liveCase();
    await join(person('m', 'mediator'));
    await join(person('a', 'party'));
    media.fire('transport:state', 'a', 'send', 'lost', 'no-packets');
    // The other direction breaking too is the same incident: one entry, the first detector's.
    media.fire('transport:state', 'a', 'recv', 'lost', 'ice');
    expect(records('breakdown.media-lost')).toEqual([expect.objectContaining({ data: { participant: 'Name of a', cause: 'no-packets', direction: 'send' } })]);
    expect(socketOf('m').heard('participant:updated').at(-1)).toMatchObject({ id: 'a', connection: 'media-lost' });
    media.fire('transport:state', 'a', 'send', 'ok', 'no-packets');
    expect(records('breakdown.media-restored')).toEqual([]);
    media.fire('transport:state', 'a', 'recv', 'ok', 'ice');
    expect(records('breakdown.media-restored')).toEqual([expect.objectContaining({ data: expect.objectContaining({ participant: 'Name of a' }) })]);
  });
});
