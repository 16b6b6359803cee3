// `npm run bench`: runs every *.bench.ts under server/src/bench and e2e/bench in turn;
// each writes bench/results/<name>.json (numbers from one run on this machine).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let failed = 0;
for (const dir of ['server/src/bench', 'e2e/bench']) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) continue;
  for (const f of fs.readdirSync(abs).filter((f) => f.endsWith('.bench.ts')).sort()) {
    console.log(`\n=== bench ${dir}/${f}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(abs, f)], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) failed++;
  }
}
process.exit(failed ? 1 : 0);
