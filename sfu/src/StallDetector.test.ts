import { describe, expect, it } from 'vitest';
import { newPathReadingCounts, StallDetector } from './StallDetector.ts';

/** Feeds one transport's readings [at ms, bytes] and returns what each one reported. */
function feed(d: StallDetector, readings: Array<[number, number]>): Array<'lost' | 'ok' | null> {
  return readings.map(([at, bytes]) => d.sample('t', bytes, at, true));
}

describe('StallDetector', () => {
  it('on schedule, reports a transport lost at the first reading silentMs after its last byte, once, and ok when bytes flow again', () => {
    const d = new StallDetector(8_000, 2_000);
    expect(
      feed(d, [
        [0, 100],
        [2_000, 200], // the last byte came by here
        [4_000, 200],
        [6_000, 200],
        [8_000, 200], // 6 s quiet: still fine
        [10_000, 200], // 8 s quiet
        [12_000, 200], // told once
        [14_000, 260],
        [16_000, 300],
      ]),
    ).toEqual([null, null, null, null, null, 'lost', null, 'ok', null]);
  });

  it('does not take one late reading (a starved server) as evidence for the whole gap, and still finds a real stall once readings come on time', () => {
    const d = new StallDetector(8_000, 2_000);
    expect(
      feed(d, [
        [0, 100],
        [2_000, 200],
        // The event loop was starved for 9 s: the counter was read, or its reply handled, late.
        [11_000, 200],
        // Back on schedule, the bytes that were waiting show up: the path was fine all along.
        [13_000, 900],
      ]),
    ).toEqual([null, null, null, null]);
    // A path that really went silent through a starved stretch: counted from the readings on time.
    expect(
      feed(d, [
        [24_000, 900], // late again: counts 3 s
        [26_000, 900],
        [28_000, 900],
        [30_000, 900],
      ]),
    ).toEqual([null, null, null, 'lost']);
  });

  it('counts a clock stepped back as no time', () => {
    const d = new StallDetector(8_000, 2_000);
    expect(feed(d, [[10_000, 1], [2_000, 1], [4_000, 1], [6_000, 1], [8_000, 1], [10_000, 1]])).toEqual([null, null, null, null, null, 'lost']);
  });

  it('counts no silence while nothing is expected on the path (a receive transport with nothing flowing to it), and counts from when something is', () => {
    const counts = newPathReadingCounts();
    const d = new StallDetector(8_000, 2_000, counts);
    const readings: Array<[number, number, boolean]> = [
      [0, 100, false],
      [2_000, 100, false],
      [10_000, 100, false],
      [30_000, 100, false], // 30 s without a byte, and nothing to send: fine
      [32_000, 100, true], // a consumer began to flow here
      [34_000, 100, true],
      [36_000, 100, true],
      [38_000, 100, true],
      [40_000, 100, true], // 8 s of expected silence
    ];
    expect(readings.map(([at, bytes, expecting]) => d.sample('t', bytes, at, expecting))).toEqual([null, null, null, null, null, null, null, null, 'lost']);
    // Every reading after the first is tallied by what it saw (the operator's metric).
    expect(counts).toEqual({ carrying: 0, idle: 3, silent: 5 });
  });

  it('keeps transports apart and forgets closed ones', () => {
    const d = new StallDetector(1_000);
    d.sample('a', 1, 0, true);
    d.sample('b', 1, 0, true);
    expect(d.sample('a', 2, 1_500, true)).toBeNull();
    expect(d.sample('b', 1, 1_500, true)).toBe('lost');
    d.retain(new Set(['a']));
    expect(d.sample('b', 1, 3_000, true)).toBeNull(); // starts afresh
  });
});
