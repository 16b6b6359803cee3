// `npm run bench`: runs every *.bench.ts under server/src/bench and e2e/bench in turn;
// each writes bench/results/<name>.json (numbers from one run on this machine). Then the summary
// (bench/results/summary.json and the table in bench/README.md). `npm run bench -- first-frame
// sfu-cost` runs only those; `npm run bench -- summary` only rewrites the summary.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
let failed = 0;
for (const dir of ['server/src/bench', 'e2e/bench']) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) continue;
  const wanted = (f) => only.length === 0 || only.includes(f.replace(/\.bench\.ts$/, ''));
  for (const f of fs.readdirSync(abs).filter((f) => f.endsWith('.bench.ts') && wanted(f)).sort()) {
    console.log(`\n=== bench ${dir}/${f}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(abs, f)], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) failed++;
  }
}
console.log('\n=== summary');
const summary = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'server/src/bench/write-summary.ts')], { cwd: root, stdio: 'inherit' });
if (summary.status !== 0) failed++;
process.exit(failed ? 1 : 0);
