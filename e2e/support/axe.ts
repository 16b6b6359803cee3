import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** Impacts that fail a screen; axe's "moderate" and "minor" findings are not asserted. */
const BLOCKING = new Set(['serious', 'critical']);
/** Elements listed per rule in the report (the count says how many there are in all). */
const SHOWN = 6;

/**
 * axe-core on the page as it is now (all of axe's rules: WCAG 2.x A and AA, and its best
 * practices): no serious or critical violation. Soft, so a walk through many screens reports every
 * screen's problems in one run; the test still fails at its end.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((v) => v.impact && BLOCKING.has(v.impact));
  expect.soft(blocking.length, `${name}: ${blocking.length} serious or critical accessibility problem(s) (axe-core)\n${blocking.map(describe).join('\n')}`).toBe(0);
}

/** "color-contrast [serious] Elements must meet minimum color contrast ratio thresholds (2 elements)", then each element and why. */
function describe(v: Violation): string {
  const nodes = v.nodes.slice(0, SHOWN).map((n) => {
    const why = (n.failureSummary ?? '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    return `    ${n.target.join(' ')}\n      ${n.html.slice(0, 160)}\n      ${why}`;
  });
  const more = v.nodes.length > SHOWN ? [`    … and ${v.nodes.length - SHOWN} more`] : [];
  return [`  ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}) ${v.helpUrl}`, ...nodes, ...more].join('\n');
}
