import fs from 'node:fs';
import path from 'node:path';
import { chromium, type FullConfig } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';
import { signInMediator } from './flows.ts';
import { startPlatform, stateFile } from './server.ts';

/** Starts the platform once and signs the mediator in through the printed one-time link. */
export default async function globalSetup(_config: FullConfig): Promise<void> {
  const { info, child } = await startPlatform();
  child.unref();
  const storageState = path.join(path.dirname(stateFile), 'mediator-state.json');
  const browser = await chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    await signInMediator(browser, info.signinUrl, storageState);
  } finally {
    await browser.close();
  }
  fs.writeFileSync(stateFile, JSON.stringify({ ...info, storageState }, null, 2));
}
