import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_HOOKS_MARKER } from '../../client/test-hooks-marker.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const stateFile = path.join(repoRoot, '.cache', 'e2e', 'server.json');

export interface ServerInfo {
  url: string;
  signinUrl: string;
  pid: number;
  dataDir: string;
  logFile: string;
  storageState: string;
}

/**
 * The browser tests read window.__parleyDebug, which only test builds of the client carry. If
 * client/dist is a production build (after `npm start`, say) or missing, build the test client.
 */
export function ensureTestClientBuild(): void {
  if (fs.existsSync(path.join(repoRoot, 'client', 'dist', TEST_HOOKS_MARKER))) return;
  const vite = path.join(repoRoot, 'node_modules', '.bin', 'vite');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, PARLEY_TEST_HOOKS: '1' },
  });
  if (r.status !== 0) throw new Error('building the test client failed');
}

/** What a spec that needs a platform of its own (another network setup, say) changes. */
export interface PlatformOptions {
  /** Extra environment for the server (PARLEY_* settings); the port and data folder stay fresh. */
  env?: Record<string, string>;
  /** Names the log file `.cache/e2e/<name>.log`; the shared platform's is `server`. */
  name?: string;
  /** Starts again on this data folder (a restart) instead of a fresh one. */
  dataDir?: string;
}

/**
 * Starts the real platform the way `npm start` does (same entry point), on a free port with a
 * fresh data folder, and reads the printed URL and sign-in link from its console output.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<{ info: Omit<ServerInfo, 'storageState'>; child: ChildProcess }> {
  ensureTestClientBuild();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const logFile = path.join(repoRoot, '.cache', 'e2e', `${options.name ?? 'server'}.log`);
  const log = fs.openSync(logFile, options.dataDir ? 'a' : 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PARLEY_PORT: '0',
      // A free media port (UDP and TCP) per platform, so a spec's own platform can run beside the shared one.
      PARLEY_MEDIA_PORT: '0',
      PARLEY_LOG_LEVEL: process.env.PARLEY_LOG_LEVEL ?? 'info',
      ...options.env,
      PARLEY_DATA_DIR: dataDir,
    },
    stdio: ['ignore', log, 'pipe'],
    detached: false,
  });
  let err = '';
  const info = await new Promise<{ url: string; signinUrl: string }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      fs.appendFileSync(logFile, d);
      const url = /Open:\s+(\S+)/.exec(err)?.[1];
      const signin = /(\S+\/signin#token=\S+)/.exec(err)?.[1];
      if (url && signin) {
        clearTimeout(t);
        resolve({ url, signinUrl: signin });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`server exited with ${code}:\n${err}`));
    });
  });
  child.stderr!.on('data', (d: Buffer) => fs.appendFileSync(logFile, d));
  return { info: { ...info, pid: child.pid!, dataDir, logFile }, child };
}

export function readServerInfo(): ServerInfo {
  return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ServerInfo;
}

/** Stops a platform: SIGTERM for a clean shutdown (flush + worker exit), then SIGKILL after 5 s. */
export async function stopPlatform(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
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
