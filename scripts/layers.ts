import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The import graph of the source files (shared, sfu, server, client), and the rules it must keep:
 * who may depend on whom, and no cycles. Read from the text of the files, type-only imports
 * included, since a cycle of types still ties the files together for every reader and refactoring.
 */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SIDES = ['shared', 'sfu', 'server', 'client'] as const;
export type Side = (typeof SIDES)[number];

/** The workspace packages, by the name other sides import them as. */
const PACKAGES: Record<string, string> = {
  '@parley/shared': 'shared/src/index.ts',
  '@parley/shared/zod-config': 'shared/src/zod-config.ts',
  '@parley/sfu': 'sfu/src/index.ts',
  '@parley/server': 'server/src/index.ts',
};

/** What each side must not import: shared is the bottom, the client never sees server internals. */
const FORBIDDEN: Record<Side, Side[]> = {
  shared: ['sfu', 'server', 'client'],
  sfu: ['server', 'client'],
  server: ['client'],
  client: ['server', 'sfu'],
};

export interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Comments removed, so that an example in a comment is not taken for an import. Strings are kept. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Every module specifier a file names: static imports and re-exports (type-only too), side-effect and dynamic imports. */
export function specifiers(text: string): string[] {
  const code = withoutComments(text);
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?)\s+from\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]!);
  return found;
}

function resolve(from: string, spec: string): string | undefined {
  const pkg = PACKAGES[spec];
  if (pkg) return path.join(repoRoot, pkg);
  if (!spec.startsWith('.')) return undefined; // a library
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined; // a stylesheet, an asset, or a file that is not there (the type checker reports that)
}

/** The import edges between source files, as paths relative to the repository. */
export function importGraph(): Edge[] {
  const edges: Edge[] = [];
  for (const side of SIDES) {
    for (const file of sourceFiles(path.join(repoRoot, side, 'src'))) {
      for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
        const target = resolve(file, spec);
        if (target && /\.tsx?$/.test(target)) edges.push({ from: path.relative(repoRoot, file), to: path.relative(repoRoot, target) });
      }
    }
  }
  return edges;
}

const sideOf = (file: string): Side | undefined => SIDES.find((s) => file.startsWith(`${s}/`));
const inScreens = (file: string) => file.startsWith('client/src/screens/');
/** The app's root routes to the screens; every other file outside screens/ is a feature or a part of one. */
const APP_ROOT = 'client/src/App.tsx';

/** Each import that breaks a layering rule, in words. */
export function layerViolations(edges: Edge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = sideOf(from);
    const b = sideOf(to);
    if (a && b && FORBIDDEN[a].includes(b)) out.push(`${from} imports ${to}: ${a} must not depend on ${b}`);
    if (from.startsWith('client/src/') && from !== APP_ROOT && !inScreens(from) && inScreens(to)) {
      out.push(`${from} imports ${to}: only screens may import screens (move what is shared to client/src/components/)`);
    }
  }
  return out;
}

/** The import cycles: each strongly connected group of more than one file (or a file importing itself). */
export function importCycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const targets = next.get(top.node) ?? [];
      if (top.i < targets.length) {
        const t = targets[top.i++]!;
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          work.push({ node: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== top.node);
        if (group.length > 1 || targets.includes(top.node)) groups.push(group.sort());
      }
    }
  }
  return groups;
}
