import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { repoRoot } from './server.ts';

/** Screenshots for people to look at: .cache/screens/<name>.png. */
export const screensDir = path.join(repoRoot, '.cache', 'screens');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The path of a screenshot called `name` (the folder exists). */
export function screenPath(name: string): string {
  fs.mkdirSync(screensDir, { recursive: true });
  return path.join(screensDir, `${name}.png`);
}

/** The whole page as it is now. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenPath(name), fullPage: true });
}

/** No sideways scrolling; if there is, the message names the innermost elements that stick out. */
export async function fitsTheScreen(page: Page, where: string): Promise<void> {
  const size = await page.evaluate(() => {
    const out = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1);
    const innermost = out.filter((e) => !out.some((o) => o !== e && e.contains(o)));
    const describe = (e: Element) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} (${Math.round(e.getBoundingClientRect().right)} px)`;
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits: innermost.slice(0, 6).map(describe) };
  });
  expect.soft(size.scrollWidth, `${where}: page width ${size.scrollWidth} px on a ${size.innerWidth} px screen; sticking out: ${size.culprits.join(', ')}`).toBeLessThanOrEqual(size.innerWidth + 1);
}
