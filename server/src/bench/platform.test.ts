import { describe, expect, it } from 'vitest';
import { serverNodeArgs } from './platform.ts';

describe('the platform the benchmarks start', () => {
  it('runs server/src/main.ts with the Node options of `npm start`', () => {
    expect(serverNodeArgs()).toEqual(['--max-semi-space-size=4', '--import', 'tsx']);
    const runSh = (line: string) => `case "$cmd" in\n  start)\n    ensure_deps\n    ${line} ;;\n  env)\n    echo ;;\nesac\n`;
    expect(serverNodeArgs(runSh('cd "$ROOT" && exec node --import tsx server/src/main.ts "$@"'))).toEqual(['--import', 'tsx']);
    expect(() => serverNodeArgs(runSh('cd "$ROOT" && exec node other.ts "$@"'))).toThrow(/no `exec node/);
  });
});
