import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { freePort } from './ports.ts';
import path from 'node:path';

/**
 * A real Redis for a test: Debian's `redis-server` (installed by scripts/run.sh) on a free loopback
 * port, nothing saved to disk, stopped and its folder deleted at the end.
 */
export interface RunningRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const bin = '/usr/bin/redis-server';
  if (!fs.existsSync(bin)) throw new Error('Redis is not installed: `npm test` installs Debian’s redis-server (scripts/run.sh).');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  const port = await freePort();
  const child = spawn(bin, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis-server did not start in 30 s:\n${out}`)), 30_000);
    const seen = (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`));
    });
  });
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
