import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = path.dirname(fileURLToPath(import.meta.url));

function stylesheetsUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return stylesheetsUnder(full);
    return e.name.endsWith('.css') ? [`./${path.relative(src, full).split(path.sep).join('/')}`] : [];
  });
}

/**
 * stylesheets.ts fixes the order in which the stylesheets apply. One it leaves out would be added
 * by whichever chunk imports it, and its place in the cascade would then depend on the screen
 * opened first.
 */
describe('stylesheets.ts', () => {
  const listed = [...fs.readFileSync(path.join(src, 'stylesheets.ts'), 'utf8').matchAll(/^import '([^']+\.css)';$/gm)].map((m) => m[1]!);

  it('lists every stylesheet of the client, once', () => {
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(stylesheetsUnder(src).sort());
  });

  it('is imported by main.tsx before the app', () => {
    const main = fs.readFileSync(path.join(src, 'main.tsx'), 'utf8');
    expect(main.indexOf("import './stylesheets.ts'")).toBeGreaterThan(-1);
    expect(main.indexOf("import './stylesheets.ts'")).toBeLessThan(main.indexOf("import { App }"));
  });
});
