import { describe, expect, it } from 'vitest';
import { bucketQuantiles, loopDelayMs, promBuckets, promValue, propagation } from './measure.ts';

describe('propagation', () => {
  it('times each edit to each other editor, and to the last of them', () => {
    const sent = [
      { client: 1, clock: 1, at: 100 },
      { client: 1, clock: 2, at: 110 },
      { client: 2, clock: 1, at: 120 },
    ];
    const editors = [
      { self: 1, receipts: [{ client: 2, clock: 1, at: 121 }] },
      // One update covered both of client 1's edits (clock 0 → 2).
      { self: 2, receipts: [{ client: 1, clock: 2, at: 112 }] },
      {
        self: 3,
        receipts: [
          { client: 1, clock: 1, at: 103 },
          { client: 2, clock: 1, at: 125 },
          { client: 1, clock: 2, at: 111 },
        ],
      },
    ];
    const r = propagation(sent, editors);
    expect(r.missing).toBe(0);
    // Edit 1@1: 12 (editor 2), 3 (editor 3); 1@2: 2, 1; 2@1: 1 (editor 1), 5 (editor 3).
    expect(r.perReceiver).toEqual([12, 3, 2, 1, 1, 5]);
    expect(r.allReceived).toEqual([12, 2, 5]);
    expect(r.firstReceived).toEqual([3, 1, 1]);
  });

  it('counts an edit an editor never saw, and leaves it out of the all-received figure', () => {
    const r = propagation([{ client: 1, clock: 3, at: 0 }], [
      { self: 1, receipts: [] },
      { self: 2, receipts: [{ client: 1, clock: 2, at: 5 }] },
      { self: 3, receipts: [{ client: 1, clock: 3, at: 7 }] },
    ]);
    expect(r.missing).toBe(1);
    expect(r.perReceiver).toEqual([7]);
    expect(r.allReceived).toEqual([]);
  });
});

describe('promValue and loopDelayMs', () => {
  const text = [
    '# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.',
    '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
    'nodejs_eventloop_lag_p99_seconds 0.01234',
    'nodejs_eventloop_lag_p50_seconds 0.0101',
    'nodejs_eventloop_lag_p90_seconds 0.011',
    'nodejs_eventloop_lag_max_seconds 0.05',
    'nodejs_eventloop_lag_mean_seconds 0.0102',
    'nodejs_eventloop_lag_seconds 0.0003',
    'parley_connections{kind="signalling"} 1000',
    'parley_connections{kind="draft"} 3',
  ].join('\n');

  it('reads a sample by name and labels, not a longer name that starts the same', () => {
    expect(promValue(text, 'nodejs_eventloop_lag_seconds')).toBe(0.0003);
    expect(promValue(text, 'parley_connections', '{kind="draft"}')).toBe(3);
    expect(promValue(text, 'parley_connections', '{kind="signalling"}')).toBe(1000);
    expect(promValue(text, 'parley_connections')).toBeUndefined();
    expect(promValue(text, 'nodejs_eventloop_lag')).toBeUndefined();
  });

  it('turns the event-loop delay into milliseconds, without the 10 ms sampling interval', () => {
    expect(loopDelayMs(text)).toEqual({ p50: 0.1, p90: 1, p99: 2.34, max: 40, mean: 0.2 });
    expect(loopDelayMs(text.replace('lag_p50_seconds 0.0101', 'lag_p50_seconds 0.0093')).p50).toBe(0);
  });
});

describe('histogram between two scrapes', () => {
  const scrape = (counts: number[], other = 7) =>
    [
      '# TYPE parley_draft_relay_seconds histogram',
      ...[0.001, 0.002, 0.004].map((le, i) => `parley_draft_relay_seconds_bucket{le="${le}",message="update"} ${counts[i]}`),
      `parley_draft_relay_seconds_bucket{le="+Inf",message="update"} ${counts[3]}`,
      `parley_draft_relay_seconds_bucket{le="0.001",message="presence"} ${other}`,
      `parley_draft_relay_seconds_count{message="update"} ${counts[3]}`,
    ].join('\n');

  it('reads one series of buckets, ascending, +Inf last', () => {
    expect(promBuckets(scrape([1, 2, 3, 4]), 'parley_draft_relay_seconds', 'message="update"')).toEqual([
      [0.001, 1],
      [0.002, 2],
      [0.004, 3],
      [Infinity, 4],
    ]);
    expect(promBuckets(scrape([1, 2, 3, 4]), 'parley_draft_relay_seconds', 'message="presence"')).toEqual([[0.001, 7]]);
  });

  it('counts only what arrived in between, and interpolates inside the bucket holding each quantile', () => {
    const name = 'parley_draft_relay_seconds';
    const before = promBuckets(scrape([10, 10, 10, 10]), name, 'message="update"');
    // 100 new: 50 ≤ 1 ms, 40 in (1, 2], 10 in (2, 4].
    const after = promBuckets(scrape([60, 100, 110, 110]), name, 'message="update"');
    const { n, quantiles } = bucketQuantiles(before, after, [0.5, 0.7, 0.95]);
    expect(n).toBe(100);
    expect(quantiles[0]).toBeCloseTo(0.001, 9); // rank 50: the top of the first bucket
    expect(quantiles[1]).toBeCloseTo(0.0015, 9); // rank 70: halfway through (1, 2]
    expect(quantiles[2]).toBeCloseTo(0.003, 9); // rank 95: halfway through (2, 4]
  });

  it('reads a quantile beyond the last finite bound as that bound, and none without samples', () => {
    const b = (c: number) => [[0.001, 0], [Infinity, c]] as Array<[number, number]>;
    expect(bucketQuantiles(b(0), b(5), [0.99]).quantiles[0]).toBe(0.001);
    expect(bucketQuantiles(b(5), b(5), [0.5]).quantiles[0]).toBeNaN();
  });
});
