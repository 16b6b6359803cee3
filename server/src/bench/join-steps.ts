import { pct } from './results.ts';

/**
 * The step table of the first-frame and reconnect benchmarks: where the time between one moment
 * (a click on "Join session", the network coming back) and the first remote frame goes, read from
 * the User Timing marks a page left behind. The page's join flow changes while we measure it, so
 * nothing here knows the order of the steps or needs every step to exist: a step that did not
 * happen in a round is null, and the table is ordered by when steps happened, not by name.
 */

/** Each step's mark times in one page (ms on the page's clock); a step can be marked more than once. */
export type MarkTimes = Record<string, readonly number[]>;

/** The first of `times` at or after `from`, or null: a mark from an earlier join does not count. */
export function firstAtOrAfter(times: readonly number[] | undefined, from: number): number | null {
  let best: number | null = null;
  for (const t of times ?? []) if (t >= from && (best === null || t < best)) best = t;
  return best;
}

/** One round: each step's first time at or after `from`, as ms after `from` (null when not marked). */
export function stepsAfter(marks: MarkTimes, from: number, steps: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const step of steps) {
    const at = firstAtOrAfter(marks[step], from);
    out[step] = at === null ? null : at - from;
  }
  return out;
}

/**
 * One round's steps after `from`: the `known` ones (null when missing) and every other step the
 * page marked, except the `moments` measured from (a click, a page being ready), which are not steps.
 */
export function markedStepsAfter(marks: MarkTimes, from: number, known: readonly string[], moments: readonly string[]): Record<string, number | null> {
  const steps = new Set([...known, ...Object.keys(marks).filter((s) => !moments.includes(s))]);
  return stepsAfter(marks, from, [...steps]);
}

export interface StepRow {
  step: string;
  /** Rounds in which the step happened. */
  n: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

/**
 * p50 and p95 (nearest rank) of each step over the rounds where it happened, earliest p50 first;
 * steps that never happened come last, with null figures.
 */
export function stepTable(rounds: ReadonlyArray<Record<string, number | null>>, steps: readonly string[]): StepRow[] {
  const rows = steps.map((step): StepRow => {
    const xs = rounds.map((r) => r[step]).filter((x): x is number => typeof x === 'number');
    return { step, n: xs.length, p50_ms: xs.length ? pct(xs, 50) : null, p95_ms: xs.length ? pct(xs, 95) : null };
  });
  return rows.sort((a, b) => (a.p50_ms ?? Infinity) - (b.p50_ms ?? Infinity));
}

/** p50 / p95 / max of the rounds that have a value, with how many had one; null figures when none did. */
export function spreadOfPresent(xs: ReadonlyArray<number | null>): { n: number; p50: number | null; p95: number | null; max: number | null } {
  const present = xs.filter((x): x is number => typeof x === 'number');
  if (!present.length) return { n: 0, p50: null, p95: null, max: null };
  return { n: present.length, p50: pct(present, 50), p95: pct(present, 95), max: pct(present, 100) };
}

/** One measured join or reconnect: its marked steps and what the page saw of the media, ms after the moment. */
export interface FrameRound {
  steps: Record<string, number | null>;
  firstPacket: number | null;
  firstFrameReceived: number | null;
  firstFrame: number | null;
  allFrames: number | null;
}

/** The step table of frame rounds: every marked step of any round, then the packet and frame moments. */
export function frameStepTable(rounds: readonly FrameRound[]): StepRow[] {
  const marked = [...new Set(rounds.flatMap((r) => Object.keys(r.steps)))];
  const rows = rounds.map((r) => ({ ...r.steps, 'first-rtp-packet': r.firstPacket, 'first-frame-received': r.firstFrameReceived, 'first-frame': r.firstFrame, 'all-remote-frames': r.allFrames }));
  return stepTable(rows, [...marked, 'first-rtp-packet', 'first-frame-received', 'first-frame', 'all-remote-frames']);
}
