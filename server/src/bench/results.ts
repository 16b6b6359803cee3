import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Shared by every benchmark (server/src/bench and e2e/bench): percentiles and the results file. */

/** The p-th percentile of the samples (nearest rank), rounded to `decimals`. */
export function pct(xs: number[], p: number, decimals = 0): number {
  const s = [...xs].sort((a, b) => a - b);
  const f = 10 ** decimals;
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * f) / f;
}

/** p50 / p95 / max of a series, the shape every result file uses. */
export function spread(xs: number[], decimals = 0): { p50: number; p95: number; max: number } {
  return { p50: pct(xs, 50, decimals), p95: pct(xs, 95, decimals), max: pct(xs, 100, decimals) };
}

const resultsDir = path.resolve(import.meta.dirname, '..', '..', '..', 'bench', 'results');

/** The commit the numbers belong to (with "+dirty" when the work tree had changes outside bench/results). */
function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    // Result files written by this very run (and earlier ones) are not changes to what is measured.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

/** Writes bench/results/<name>.json and prints it: numbers from one run on this machine, stamped with the commit. */
export function writeResult(name: string, result: object): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  const text = JSON.stringify({ commit: commit(), ...result }, null, 2) + '\n';
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), text);
  console.log(text);
}

/** How a benchmark script ends: exit code 0 or the error. */
export function run(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
