// `npm test` (via scripts/run.sh, which has already set up Node 24, packages and the worker):
// type check → unit + integration (vitest, real mediasoup worker) → the server's tests again on
// Postgres → client build → e2e (Playwright, Debian Chromium). Prints one closing line "tests: N passed, N failed" and writes timings.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { countVitest } from './lib/vitest-count.mjs';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, '.cache', 'test-results');
fs.mkdirSync(out, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2); // e.g. `npm test -- unit` or `npm test -- e2e`
const wants = (step) => only.length === 0 || only.includes(step);

const timings = {};
let passed = 0;
let failed = 0;
let exitCode = 0;

function step(name, cmd, args, env = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  timings[name] = Math.round((Date.now() - t0) / 100) / 10;
  if (r.status !== 0) exitCode = 1;
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

if (wants('typecheck')) {
  if (step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])) passed++;
  else failed++;
}

if (wants('unit')) {
  const file = path.join(out, 'vitest.json');
  fs.rmSync(file, { force: true });
  step('unit + integration (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  const counted = countVitest(readJson(file));
  passed += counted.passed;
  failed += counted.failed;
  for (const name of counted.brokenFiles) process.stdout.write(`test file did not run: ${path.relative(root, name)}\n`);
}

if (wants('postgres')) {
  // The server's tests once more, on a real Postgres (issue 14: one store, two engines): the
  // global setup starts one cluster, and every test platform gets a database of its own.
  const file = path.join(out, 'vitest-postgres.json');
  fs.rmSync(file, { force: true });
  step('server tests on Postgres (vitest)', bin('vitest'), ['run', 'server/src', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], { PARLEY_TEST_ENGINE: 'postgres' });
  const counted = countVitest(readJson(file));
  passed += counted.passed;
  failed += counted.failed;
  for (const name of counted.brokenFiles) process.stdout.write(`test file did not run on Postgres: ${path.relative(root, name)}\n`);
}

if (wants('e2e')) {
  // A test build: it carries window.__parleyDebug, which the e2e specs read (never in production).
  if (!step('client build', process.execPath, [bin('vite'), 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], { FORCE_COLOR: '0', PARLEY_TEST_HOOKS: '1' }) ) failed++;
  const file = path.join(root, '.cache', 'e2e', 'results.json');
  fs.rmSync(file, { force: true });
  step('e2e (Playwright, Chromium)', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts']);
  const r = readJson(file);
  if (r?.stats) {
    passed += r.stats.expected;
    failed += r.stats.unexpected + r.stats.flaky;
    if (r.stats.expected + r.stats.unexpected === 0) failed++;
  } else failed++;
}

fs.writeFileSync(path.join(out, 'timings.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, seconds: timings }, null, 2));
process.stdout.write(`\nstep seconds: ${JSON.stringify(timings)}\n`);
if (failed > 0) exitCode = 1;
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(exitCode);
