import fs from 'node:fs';
import { readServerInfo, stateFile, stopPlatform } from './server.ts';

export default async function globalTeardown(): Promise<void> {
  if (!fs.existsSync(stateFile)) return;
  await stopPlatform(readServerInfo().pid);
}
