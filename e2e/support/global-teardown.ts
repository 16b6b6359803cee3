import fs from 'node:fs';
import { readServerInfo, stateFile } from './server.ts';

export default async function globalTeardown(): Promise<void> {
  if (!fs.existsSync(stateFile)) return;
  const { pid } = readServerInfo();
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  // Wait for a clean shutdown (flush + worker exit), then make sure.
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}
