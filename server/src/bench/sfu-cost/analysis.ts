/**
 * What the SFU cost benchmark (sfu-cost.bench.ts) makes of its runs: which are usable, the ratio of
 * B's worker CPU per packet over A's, the best egress, the first limit each side met. Pure, so the
 * rules are unit-tested (analysis.test.ts).
 */

/** A run at or above this loss is not usable. */
export const LOSS_LIMIT = 0.005;

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

export interface RunResult {
  side: 'A' | 'B';
  viewers: number;
  consumers: number;
  target_egress_pps: number;
  egress_pps: number;
  delivered_pps: number;
  loss_pct: number;
  /** Datagrams the kernel dropped at a full receive buffer (sinks or the worker's ingress; machine-wide). */
  udp_rcvbuf_drops: number;
  worker_cpu_cores: number;
  worker_us_per_packet: number;
  egress_pps_per_worker_core: number;
  worker_rss_mb: number;
  node_main_cpu_cores: number;
  node_main_rss_mb: number;
  loadgen_cpu_cores: number;
  loadgen_lag_ms: number;
  saturated: 'worker' | 'load generator' | null;
}

export interface Unmeasured {
  side: 'A' | 'B';
  viewers: number;
  reason: string;
}

export const usable = (r: RunResult) => r.loss_pct < LOSS_LIMIT * 100 && r.saturated === null;

/**
 * µs per packet of B over A, over the steps where neither side lost packets nor saturated; a step
 * with a run that could not be measured is left out (its other side alone would bias the ratio).
 */
export function ratio(runs: RunResult[], unmeasured: Unmeasured[] = []): number | null {
  const per = (side: 'A' | 'B', steps: Set<number>) => {
    const rs = runs.filter((r) => r.side === side && steps.has(r.viewers));
    return rs.reduce((s, r) => s + r.worker_us_per_packet * r.egress_pps, 0) / rs.reduce((s, r) => s + r.egress_pps, 0);
  };
  const measured = (v: number) => runs.some((r) => r.viewers === v && r.side === 'A') && runs.some((r) => r.viewers === v && r.side === 'B') && !unmeasured.some((u) => u.viewers === v);
  const steps = new Set([...new Set(runs.map((r) => r.viewers))].filter((v) => measured(v) && runs.filter((r) => r.viewers === v).every(usable)));
  return steps.size === 0 ? null : round3(per('B', steps) / per('A', steps));
}

/**
 * The slope of worker CPU against egress over a side's usable runs (least squares), in µs per
 * packet: the per-packet cost without the worker's fixed costs (timers, RTCP), which weigh on the
 * plain µs per packet at light load. Null with fewer than two load levels.
 */
export function marginalUsPerPacket(runs: RunResult[], side: 'A' | 'B'): number | null {
  const pts = runs.filter((r) => r.side === side && usable(r)).map((r) => [r.egress_pps, r.worker_cpu_cores * 1e6] as const);
  if (new Set(pts.map(([x]) => x)).size < 2) return null;
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  const sxy = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return round3(sxy / sxx);
}

/** The highest egress a side sustained with < 0.5 % loss, per core of worker CPU it took. */
export function bestEgress(runs: RunResult[], side: 'A' | 'B') {
  const ok = runs.filter((r) => r.side === side && r.loss_pct < LOSS_LIMIT * 100 && r.saturated !== 'load generator');
  const best = ok.sort((a, b) => b.egress_pps - a.egress_pps)[0];
  if (!best) return null;
  const { viewers, egress_pps, loss_pct, worker_cpu_cores, worker_us_per_packet, egress_pps_per_worker_core, worker_rss_mb, node_main_cpu_cores, node_main_rss_mb, loadgen_cpu_cores, saturated } = best;
  return { viewers, egress_pps, loss_pct, worker_cpu_cores, worker_us_per_packet, egress_pps_per_worker_core, worker_rss_mb, node_main_cpu_cores, node_main_rss_mb, loadgen_cpu_cores, saturated };
}

/** Which limit each side met first as the load rose: its worker, the load generator, or loss without either. */
export function firstLimit(runs: RunResult[], unmeasured: Unmeasured[], side: 'A' | 'B'): string {
  const hit = runs.find((r) => r.side === side && !usable(r));
  const lost = unmeasured.find((u) => u.side === side);
  if (lost && (!hit || lost.viewers < hit.viewers)) return `not measurable at ${lost.viewers} viewers (see unmeasured)`;
  if (!hit) return 'none within the steps run';
  return `${hit.saturated ?? `loss ${hit.loss_pct} % without saturation`} at ${hit.viewers} viewers (${hit.target_egress_pps} pps offered)`;
}
