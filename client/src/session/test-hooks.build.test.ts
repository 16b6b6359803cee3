import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * window.__parleyDebug can send any request as the person and read their media statistics: only
 * test builds may carry it (issue 9). Builds the real client both ways into temporary folders.
 */
const configFile = path.resolve(import.meta.dirname, '..', '..', 'vite.config.ts');
const dirs: string[] = [];

async function bundleText(testHooks: boolean): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-client-build-'));
  dirs.push(outDir);
  // Built as `vite build` builds it: vitest sets NODE_ENV=test, which would select React's dev JSX.
  const before = { hooks: process.env.PARLEY_TEST_HOOKS, env: process.env.NODE_ENV };
  if (testHooks) process.env.PARLEY_TEST_HOOKS = '1';
  else delete process.env.PARLEY_TEST_HOOKS;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile, mode: 'production', logLevel: 'silent', build: { outDir, emptyOutDir: true, sourcemap: false } });
  } finally {
    if (before.hooks === undefined) delete process.env.PARLEY_TEST_HOOKS;
    else process.env.PARLEY_TEST_HOOKS = before.hooks;
    process.env.NODE_ENV = before.env;
  }
  const files = fs.readdirSync(outDir, { recursive: true, encoding: 'utf8' });
  return files
    .filter((f) => f.endsWith('.js') || f.endsWith('.json'))
    .map((f) => `/* ${f} */\n${fs.readFileSync(path.join(outDir, f), 'utf8')}`)
    .join('\n');
}

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the client bundle', () => {
  // Two full builds of the client: slow on a loaded machine, and not a timing assertion.
  it('a production build has no test hook; a test build has it and its marker', { timeout: 600_000 }, async () => {
    // Booleans, not the text: a failure would otherwise print the whole bundle.
    const production = await bundleText(false);
    expect(production.includes('jsxDEV'), 'built like production').toBe(false);
    expect(production.includes('__parleyDebug'), 'production: window.__parleyDebug').toBe(false);
    expect(production.includes('simulateNetwork'), 'production: the debug API').toBe(false);
    expect(production.includes('parley-test-build'), 'production: the test-build marker').toBe(false);
    // The same check finds the hook when it is there, so the absence above means something.
    const test = await bundleText(true);
    expect(test.includes('__parleyDebug'), 'test build: window.__parleyDebug').toBe(true);
    expect(test.includes('simulateNetwork'), 'test build: the debug API').toBe(true);
    expect(test.includes('parley-test-build.json'), 'test build: the marker').toBe(true);
  });
});
