import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * bench/results/summary.json and the table in bench/README.md: the headline figure of each result
 * file, next to its target, with the commit and time each was measured at (files from different
 * runs can sit side by side; the table says which is which).
 */

export interface Target {
  /** The summary key (issue 12's names). */
  key: string;
  /** The result file (bench/results/<file>.json) and the key inside it. */
  file: string;
  what: string;
  unit: string;
  /** `below`: strictly under; `max`: at most; `min`: at least; `belowKey`: under another key of the same file. */
  goal: { max: number } | { below: number } | { min: number } | { belowKey: string } | null;
  goalText: string;
}

export const TARGETS: Target[] = [
  { key: 'sfu_cpu_ratio_ours_vs_bare', file: 'sfu-cost', what: "Worker CPU per forwarded packet, Parley's media layer ÷ bare mediasoup", unit: '×', goal: { max: 1.05 }, goalText: '≤ 1.05' },
  { key: 'egress_pps_per_worker_core', file: 'sfu-cost', what: 'Egress packets/s per worker core at < 0.5 % loss', unit: 'pps', goal: { min: 75_000 }, goalText: '≥ 75,000' },
  { key: 'ttff_click_p50_ms', file: 'first-frame', what: 'Join click, after 1 s on the pre-join screen → first remote frame, p50', unit: 'ms', goal: { belowKey: 'ttff_bare_page_p50_ms' }, goalText: "below the minimal page's" },
  { key: 'ttff_click_p95_ms', file: 'first-frame', what: 'Join click, after 1 s on the pre-join screen → first remote frame, p95', unit: 'ms', goal: null, goalText: '—' },
  { key: 'ttff_bare_page_p50_ms', file: 'first-frame', what: 'Minimal mediasoup page, same pause: click → first frame, p50 (baseline, same run)', unit: 'ms', goal: null, goalText: 'baseline' },
  { key: 'prejoin_ready_p50_ms', file: 'first-frame', what: 'Navigation → Join button usable, p50', unit: 'ms', goal: null, goalText: '—' },
  { key: 'caucus_move_p50_ms', file: 'caucus-move', what: 'Caucus move → the new room\'s sound reaches the moved party\'s track, p50', unit: 'ms', goal: { below: 100 }, goalText: '< 100' },
  { key: 'reconnect_p50_ms', file: 'reconnect', what: 'Network back → first new remote frame, p50', unit: 'ms', goal: null, goalText: '—' },
  { key: 'yjs_p99_ms_25_editors', file: 'yjs-editors', what: 'Draft edit → seen by all 25 editors, p99', unit: 'ms', goal: { below: 3 }, goalText: '< 3' },
  { key: 'socketio_ack_p99_ms_1000', file: 'socketio-ack', what: 'socket.io ack round trip with 1,000 sockets, p99', unit: 'ms', goal: { below: 20 }, goalText: '< 20' },
  { key: 'socketio_ack_p99_ms_1000_postgres', file: 'socketio-ack', what: 'The same on Postgres (same run, loopback), p99', unit: 'ms', goal: { below: 20 }, goalText: '< 20' },
  { key: 'socketio_ack_p99_ms_1000_two_nodes', file: 'socketio-ack', what: 'The same on two nodes with Redis and Postgres (same run, one machine), p99', unit: 'ms', goal: { below: 20 }, goalText: '< 20' },
  { key: 'takeover_ms_p50_killed_default_lease', file: 'takeover', what: 'A node killed → its case running again on another node (three people back), default lease, p50', unit: 'ms', goal: { below: 17_000 }, goalText: '< the lease (15 s) + 2 s' },
];

type Json = Record<string, unknown>;

/** A figure is in its file under the summary key itself. */
function figure(file: Json | undefined, key: string): number | null {
  const v = file?.[key];
  return typeof v === 'number' ? v : null;
}

export type Verdict = 'met' | 'missed' | 'not measured' | 'no target';

export function verdict(t: Target, value: number | null, file: Json | undefined): Verdict {
  if (!t.goal) return value === null ? 'not measured' : 'no target';
  if (value === null) return 'not measured';
  if ('max' in t.goal) return value <= t.goal.max ? 'met' : 'missed';
  if ('below' in t.goal) return value < t.goal.below ? 'met' : 'missed';
  if ('min' in t.goal) return value >= t.goal.min ? 'met' : 'missed';
  const other = figure(file, t.goal.belowKey);
  if (other === null) return 'not measured';
  return value < other ? 'met' : 'missed';
}

export interface Summary {
  [key: string]: unknown;
  machine: { cores: number; cpu: string };
  commit: string;
  measured_at: string;
  sources: Record<string, { commit: string | null; at: string | null }>;
}

export function summarise(results: Record<string, Json | undefined>, machine: Summary['machine'], commit: string, now: string): Summary {
  const summary: Summary = { machine, commit, measured_at: now, sources: {} };
  for (const t of TARGETS) {
    summary[t.key] = figure(results[t.file], t.key);
    const f = results[t.file];
    summary.sources[t.file] = { commit: typeof f?.commit === 'string' ? f.commit : null, at: typeof f?.at === 'string' ? f.at : typeof f?.measured_at === 'string' ? f.measured_at : null };
  }
  return summary;
}

const fmt = (v: number | null, unit: string) => (v === null ? 'not measured' : `${unit === 'pps' ? Math.round(v).toLocaleString('en') : v} ${unit}`.trim());

/** The markdown table of bench/README.md (between its markers). */
export function table(summary: Summary, results: Record<string, Json | undefined>): string {
  const rows = TARGETS.map((t) => {
    const v = summary[t.key] as number | null;
    const src = summary.sources[t.file];
    return `| \`${t.key}\` | ${t.what} | ${fmt(v, t.unit)} | ${t.goalText} | ${verdict(t, v, results[t.file])} | ${t.file}.json @ ${src?.commit ?? '—'} |`;
  });
  return [
    `Machine: ${summary.machine.cores} cores, ${summary.machine.cpu}. Summary written at ${summary.measured_at} from commit ${summary.commit}.`,
    '',
    '| Key | What | Measured | Target | | From |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export const BEGIN = '<!-- summary:begin (written by `npm run bench`) -->';
export const END = '<!-- summary:end -->';

/** Reads every result file, writes summary.json and the README table. */
export function writeSummary(root: string, commit: string): Summary {
  const dir = path.join(root, 'bench', 'results');
  const results: Record<string, Json | undefined> = {};
  for (const t of TARGETS) {
    try {
      results[t.file] = JSON.parse(fs.readFileSync(path.join(dir, `${t.file}.json`), 'utf8')) as Json;
    } catch {
      results[t.file] = undefined;
    }
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const summary = summarise(results, { cores: os.cpus().length, cpu }, commit, new Date().toISOString());
  fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  const readmePath = path.join(root, 'bench', 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const i = readme.indexOf(BEGIN);
  const j = readme.indexOf(END);
  if (i >= 0 && j > i) fs.writeFileSync(readmePath, readme.slice(0, i + BEGIN.length) + '\n' + table(summary, results) + '\n' + readme.slice(j));
  return summary;
}
