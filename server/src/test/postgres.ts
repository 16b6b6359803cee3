import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { freePort } from './ports.ts';
import path from 'node:path';

/**
 * A real Postgres for a test file: Debian's `postgresql` (installed by scripts/run.sh), a fresh
 * cluster made with `initdb` in a temporary folder and started with `pg_ctl` on a free loopback
 * port, stopped and deleted at the end. Postgres refuses to run as root, so as root (CI) the
 * cluster belongs to the `postgres` system user the package creates.
 */
export interface RunningPostgres {
  /** postgres://… for the `parley` database, password authentication on loopback. */
  url: string;
  stop(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('Postgres is not installed: `npm test` installs Debian’s postgresql (scripts/run.sh).');
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // Run a Postgres program as the cluster's owner.
  const run = (program: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args], { stdio: 'pipe' }) : execFileSync(path.join(bin, program), args, { stdio: 'pipe' });
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['postgres:postgres', dir]);
  }
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, password, { mode: 0o600 });
  if (asRoot) execFileSync('chown', ['postgres:postgres', pwfile]);
  run('initdb', ['-D', data, '-U', 'parley', '--pwfile', pwfile, '-A', 'scram-sha-256', '--encoding', 'UTF8', '--no-instructions']);
  const port = await freePort();
  // Only loopback, a socket folder of its own (not /var/run/postgresql), and no durability to wait on.
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  const url = `postgres://parley:${password}@127.0.0.1:${port}/parley`;
  // initdb made the `postgres` database; the tests use their own.
  await new Promise<void>((resolve, reject) => {
    const p = spawn(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'parley', 'parley'], { env: { ...process.env, PGPASSWORD: password }, stdio: 'pipe' });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`createdb failed: ${err}`))));
  });
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
