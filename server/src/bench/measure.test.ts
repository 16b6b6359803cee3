import { describe, expect, it } from 'vitest';
import { loopDelayMs, promValue, propagation } from './measure.ts';

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
