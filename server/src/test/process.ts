import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RunningServer } from '../index.ts';

/**
 * The real platform process, `node --import tsx server/src/main.ts` (the command `npm start` ends
 * with), for tests that stop and start it: on its own data folder (`env`), on `port` (0: any).
 */
const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

export interface ParleyProcess {
  proc: ChildProcess;
  /** The URL and sign-in link from its banner. */
  server: RunningServer;
  /** JSON log lines on stdout so far. */
  logs: Array<{ msg: string; [k: string]: unknown }>;
  exited: Promise<number | null>;
}

/** Starts the process and waits for its banner (the URL and the one-time sign-in link, on stderr). */
export async function startParleyProcess(env: Record<string, string>, port = 0): Promise<ParleyProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    // Media on a port the system picks: the default (40000) lies in Linux's ephemeral range, where
    // another test's socket can hold it, and the process then refuses to start (seen in CI).
    env: { ...process.env, ...env, PARLEY_PORT: String(port), PARLEY_MEDIA_PORT: '0', PARLEY_WORKERS: '1', PARLEY_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const logs: ParleyProcess['logs'] = [];
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) logs.push(JSON.parse(l) as ParleyProcess['logs'][number]);
  });
  let err = '';
  const banner = await new Promise<{ url: string; signinUrl: string }>((resolve, reject) => {
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const url = /Open: +(\S+)/.exec(err)?.[1];
      const signinUrl = /(\S+\/signin#token=\S+)/.exec(err)?.[1];
      if (url && signinUrl) resolve({ url, signinUrl });
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before its banner:\n${err}`)));
  });
  return { proc, server: banner as unknown as RunningServer, logs, exited };
}
