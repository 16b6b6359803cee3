/** Writes bench/results/summary.json and the table in bench/README.md from the result files (run last by `npm run bench`). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { run } from './results.ts';
import { writeSummary } from './summary.ts';

run(async () => {
  const root = path.resolve(import.meta.dirname, '..', '..', '..');
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the summary says so.
  }
  console.log(JSON.stringify(writeSummary(root, commit), null, 2));
});
