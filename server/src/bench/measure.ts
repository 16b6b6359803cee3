import { pct } from './results.ts';

/** Pure arithmetic of the multi-process benchmarks (tested in measure.test.ts). */

/** n, p50, p95, p99 and max of a series in milliseconds, two decimals (the times are small). */
export function series(xs: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  if (xs.length === 0) throw new Error('no samples');
  return { n: xs.length, p50: pct(xs, 50, 2), p95: pct(xs, 95, 2), p99: pct(xs, 99, 2), max: pct(xs, 100, 2) };
}

/** One edit made by Yjs client `client`: its clock after the edit (exclusive end) and when it was made. */
export interface SentEdit {
  client: number;
  clock: number;
  at: number;
}

/**
 * What one editor saw: each remote update it applied, as the (exclusive) clock it brought `client`
 * to and when it was applied. `self` is the editor's own Yjs client id (it receives none of its own).
 */
export interface EditorReceipts {
  self: number;
  receipts: Array<{ client: number; clock: number; at: number }>;
}

export interface Propagation {
  /** Edit made → seen by one other editor, for every (edit, other editor) pair. */
  perReceiver: number[];
  /** Edit made → seen by the first other editor (the path without the fan-out). */
  firstReceived: number[];
  /** Edit made → seen by every other editor (the last of them). */
  allReceived: number[];
  /** (edit, editor) pairs never seen: non-zero means the documents diverged or the run was cut short. */
  missing: number;
}

/**
 * Pairs every sent edit with the first update each other editor applied that covers it. One
 * client's updates reach an editor in order (one server relays them over one socket), so the
 * receipts of a client are sorted by clock and a binary search finds the first one at or past
 * the edit's clock; an update carrying several edits covers all of them at once.
 */
export function propagation(sent: SentEdit[], editors: EditorReceipts[]): Propagation {
  const byEditor = editors.map((e) => {
    const perClient = new Map<number, Array<{ clock: number; at: number }>>();
    for (const r of e.receipts) {
      let list = perClient.get(r.client);
      if (!list) perClient.set(r.client, (list = []));
      list.push({ clock: r.clock, at: r.at });
    }
    for (const list of perClient.values()) list.sort((a, b) => a.clock - b.clock || a.at - b.at);
    return { self: e.self, perClient };
  });
  const perReceiver: number[] = [];
  const allReceived: number[] = [];
  const firstReceived: number[] = [];
  let missing = 0;
  for (const edit of sent) {
    let last = -Infinity;
    let first = Infinity;
    let complete = true;
    for (const editor of byEditor) {
      if (editor.self === edit.client) continue;
      const list = editor.perClient.get(edit.client) ?? [];
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]!.clock >= edit.clock) hi = mid;
        else lo = mid + 1;
      }
      const seen = list[lo];
      if (!seen) {
        missing++;
        complete = false;
        continue;
      }
      const ms = seen.at - edit.at;
      perReceiver.push(ms);
      last = Math.max(last, ms);
      first = Math.min(first, ms);
    }
    if (complete && last > -Infinity) {
      allReceived.push(last);
      firstReceived.push(first);
    }
  }
  return { perReceiver, firstReceived, allReceived, missing };
}

/**
 * The value of one sample in Prometheus text exposition format: `name` alone or with exactly the
 * `labels` given (e.g. `{kind="signalling"}`); undefined when the server does not expose it.
 */
export function promValue(text: string, name: string, labels = ''): number | undefined {
  const prefix = `${name}${labels} `;
  for (const line of text.split('\n')) {
    if (line.startsWith(prefix)) {
      const v = Number(line.slice(prefix.length).trim().split(' ')[0]);
      return Number.isNaN(v) ? undefined : v;
    }
  }
  return undefined;
}

/** prom-client's sampling interval for the event-loop delay (its default eventLoopMonitoringPrecision). */
export const LOOP_SAMPLE_MS = 10;

/**
 * The server's event-loop delay since its previous scrape, in ms: prom-client's default metrics
 * read perf_hooks.monitorEventLoopDelay and reset it on every scrape. Node records the time between
 * two ticks of its 10 ms sampling timer, so an idle loop reads ~10 ms: the interval is taken off
 * here (never below 0), leaving the delay itself.
 */
export function loopDelayMs(text: string): { p50: number; p90: number; p99: number; max: number; mean: number } {
  const get = (stat: string) => {
    const v = promValue(text, `nodejs_eventloop_lag_${stat}_seconds`);
    if (v === undefined) throw new Error(`the server exposes no nodejs_eventloop_lag_${stat}_seconds`);
    return Math.max(0, Math.round(v * 1e5 - LOOP_SAMPLE_MS * 100) / 100);
  };
  return { p50: get('p50'), p90: get('p90'), p99: get('p99'), max: get('max'), mean: get('mean') };
}

/** Cumulative bucket counts of one Prometheus histogram series: [upper bound, count ≤ it], ascending, +Inf last. */
export type Buckets = Array<[number, number]>;

/**
 * The buckets of histogram `name` with the extra `labels` (e.g. `message="update"`, without
 * braces) in exposition text. Empty when the server exposes none.
 */
export function promBuckets(text: string, name: string, labels = ''): Buckets {
  const out: Buckets = [];
  const re = new RegExp(`^${name}_bucket\\{(.*)\\} (\\S+)`);
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const parts = m[1]!.split(',');
    const le = parts.find((p) => p.startsWith('le='));
    const rest = parts.filter((p) => !p.startsWith('le=')).join(',');
    if (!le || rest !== labels) continue;
    const bound = le.slice(4, -1);
    out.push([bound === '+Inf' ? Infinity : Number(bound), Number(m[2])]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * What a histogram counted between two scrapes: its quantiles, in the unit of its bounds, by
 * linear interpolation inside the bucket that holds each (as Prometheus' histogram_quantile
 * does), so they are only as fine as the buckets. A quantile in the +Inf bucket reads as the
 * highest finite bound ("at least").
 */
export function bucketQuantiles(before: Buckets, after: Buckets, qs: number[]): { n: number; quantiles: number[] } {
  const prior = new Map(before);
  const delta = after.map(([le, c]) => [le, c - (prior.get(le) ?? 0)] as [number, number]);
  const n = delta.at(-1)?.[1] ?? 0;
  const quantiles = qs.map((q) => {
    if (n === 0) return NaN;
    const rank = q * n;
    let lower = 0;
    let below = 0;
    for (const [le, c] of delta) {
      if (c >= rank) {
        if (le === Infinity) return lower;
        return lower + ((le - lower) * (rank - below)) / Math.max(1, c - below);
      }
      [lower, below] = [le, c];
    }
    return lower;
  });
  return { n, quantiles };
}
