import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, layerViolations, specifiers } from './layers.ts';

/**
 * The layering of the code base: shared depends on nothing of ours; the SFU only on shared; the
 * client never on server or SFU internals; client features never on screens (screens compose
 * features, not the other way round); and no import cycles, type-only ones included.
 */
describe('layers', () => {
  const edges = importGraph();

  it('reads the import graph (a sanity check that the walker finds the files)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'client/src/main.tsx', to: 'client/src/App.tsx' });
  });

  it('keeps every side to the layers below it', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('has no import cycles, type-only imports included', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('finds every form of import', () => {
    const text = [
      "import type { A } from './a.ts';",
      "import {\n  B,\n  type C,\n} from './b.ts';",
      "export * from './c.ts';",
      "export { type D } from './d.ts';",
      "import './e.css';",
      "const f = () => import('./f.tsx');",
      "// import { G } from './g.ts';",
      "/* import { H } from './h.ts'; */",
    ].join('\n');
    expect(specifiers(text)).toEqual(expect.arrayContaining(['./a.ts', './b.ts', './c.ts', './d.ts', './e.css', './f.tsx']));
    expect(specifiers(text)).not.toContain('./g.ts');
    expect(specifiers(text)).not.toContain('./h.ts');
  });

  it('finds a cycle and a forbidden import when there is one', () => {
    expect(importCycles([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }])).toEqual([['a', 'b', 'c']]);
    expect(layerViolations([{ from: 'shared/src/x.ts', to: 'server/src/y.ts' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'client/src/record/x.tsx', to: 'client/src/screens/y.tsx' }])).toHaveLength(1);
    expect(layerViolations([{ from: 'client/src/screens/y.tsx', to: 'client/src/record/x.tsx' }])).toEqual([]);
  });
});
