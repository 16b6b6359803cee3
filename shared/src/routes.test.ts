import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audienceLabel, httpRoutes, pathOf } from './routes.ts';

/** The rows of the table in docs/protocol.md's "HTTP API" section (not the socket sections). */
function documentedRoutes(): string[] {
  const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'protocol.md'), 'utf8');
  const start = doc.indexOf('\n## HTTP API');
  expect(start, 'docs/protocol.md has an "## HTTP API" section').toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end === -1 ? undefined : end);
  return section
    .split('\n')
    .filter((l) => /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|/.test(l))
    .map((l) => {
      const [method, p, who] = l.split(/(?<!\\)\|/).slice(1, 4).map((c) => c.trim());
      return `${method} ${p} ${who}`;
    });
}

describe('the HTTP route table', () => {
  it('is what docs/protocol.md lists in its HTTP table: every route once, with its method, path and who may call it', () => {
    const table = Object.values(httpRoutes).map((r) => `${r.method} ${r.path} ${audienceLabel[r.who]}`);
    const documented = documentedRoutes();
    expect(new Set(documented).size, 'no route is listed twice').toBe(documented.length);
    expect([...documented].sort()).toEqual([...table].sort());
  });

  it('has each method and path once', () => {
    const keys = Object.values(httpRoutes).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('builds paths with each parameter encoded, so an id cannot reach another route', () => {
    expect(pathOf(httpRoutes.revokeLink, { caseId: 'c1', pid: 'p/../x' })).toBe('/api/cases/c1/participants/p%2F..%2Fx/revoke');
    expect(pathOf(httpRoutes.me, {})).toBe('/api/me');
  });
});
