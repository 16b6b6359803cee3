import { describe, expect, it } from 'vitest';
import { firstLimit, ratio, type RunResult, type Unmeasured } from './analysis.ts';

/** A run with what the rules read; the rest is filler. */
function run(side: 'A' | 'B', viewers: number, usPerPacket: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    side, viewers, consumers: viewers * 20, target_egress_pps: viewers * 1520, egress_pps: viewers * 1520, delivered_pps: viewers * 1520, loss_pct: 0,
    udp_rcvbuf_drops: 0, worker_cpu_cores: 0.5, worker_us_per_packet: usPerPacket, egress_pps_per_worker_core: 100_000, worker_rss_mb: 30,
    node_main_cpu_cores: 0, node_main_rss_mb: 100, loadgen_cpu_cores: 0.5, loadgen_lag_ms: 5, saturated: null, ...extra,
  };
}

const notStarted = (side: 'A' | 'B', viewers: number): Unmeasured => ({ side, viewers, reason: '128 of 1280 consumers sent nothing within 30 s' });

describe('sfu-cost analysis', () => {
  it('takes the ratio over the steps where both sides were measured and usable', () => {
    const runs = [run('A', 4, 10), run('B', 4, 11), run('A', 8, 10), run('B', 8, 11), run('A', 16, 10, { loss_pct: 3 }), run('B', 16, 30)];
    expect(ratio(runs)).toBe(1.1);
  });

  it('leaves out a step where a run could not be measured, and still gives the ratio of the others', () => {
    // At 64 viewers A could not be measured; B alone (and a second pair that was) must not count.
    const runs = [run('A', 56, 10), run('B', 56, 11), run('B', 64, 40), run('A', 64, 10), run('B', 64, 40)];
    expect(ratio(runs, [notStarted('A', 64)])).toBe(1.1);
    // Only the side that was measured at a step: not a pair, left out.
    expect(ratio([run('A', 56, 10), run('B', 56, 11), run('B', 64, 40)], [notStarted('A', 64)])).toBe(1.1);
    expect(ratio([run('B', 64, 40)], [notStarted('A', 64)])).toBeNull();
  });

  it('names a step that could not be measured as the first limit when it came before any unusable run', () => {
    const runs = [run('A', 56, 10), run('B', 56, 11, { saturated: 'worker' })];
    const lost = [notStarted('A', 64)];
    expect(firstLimit(runs, lost, 'A')).toBe('not measurable at 64 viewers (see unmeasured)');
    expect(firstLimit(runs, lost, 'B')).toBe('worker at 56 viewers (85120 pps offered)');
  });
});
