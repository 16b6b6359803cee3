import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, createCase, signIn, startTestServer } from '../test/harness.ts';
import { onPostgres, storedBytes, testDatabaseUrl } from '../test/engine.ts';
import { Store } from '../store/Store.ts';

/**
 * The master key wraps every case key. Kept in `master.key` beside the database (the default), a
 * copy of the data folder is a copy of every case; kept in a secret store (PARLEY_MASTER_KEY_FILE),
 * the folder alone opens nothing. On Postgres the data is the folder and the database named after it
 * (test/engine.ts): a "copy" of the data is a copy of the folder on that same database (a refused
 * start writes nothing to it).
 */
const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-key-'));
const dataDir = path.join(tmp, 'data');
const secrets = path.join(tmp, 'secrets');
const key = crypto.randomBytes(32).toString('base64url');
const keyFile = path.join(secrets, 'parley-master-key');

beforeAll(async () => {
  fs.mkdirSync(secrets, { mode: 0o700 });
  fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  // A server with the key in the secret file writes a case, then stops.
  const server = await startTestServer({ PARLEY_MASTER_KEY_FILE: keyFile }, dataDir);
  await createCase(server, await signIn(server));
  await server.close();
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const filesUnder = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
/** The environment of a server on the data in `dir`: the folder, and on Postgres its database. */
const dataEnv = async (dir: string, databaseOf = dir): Promise<Record<string, string>> => ({
  PARLEY_DATA_DIR: dir,
  ...(onPostgres ? { DATABASE_URL: (await testDatabaseUrl(databaseOf))! } : {}),
});
/** A copy of the data the first server wrote (on Postgres nothing may be in the folder: the copy shares its database). */
const copyOfData = async () => {
  const copy = fs.mkdtempSync(path.join(tmp, 'copy-'));
  if (!onPostgres || fs.existsSync(dataDir)) fs.cpSync(dataDir, copy, { recursive: true });
  return { copy, env: await dataEnv(copy, dataDir) };
};

/** `npm start`'s entry point in a child process; resolves when it exits or prints its banner. */
function startMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PARLEY_PORT: '0', PARLEY_MEDIA_PORT: '0', PARLEY_WORKERS: '1', PARLEY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/signin#token=\S+/.test(stderr)) resolve({ code: null, stderr, stop });
    });
    void exited.then((code) => resolve({ code, stderr, stop }));
  });
}

describe('master key in a secret file (PARLEY_MASTER_KEY_FILE)', () => {
  it('leaves no key in the data folder', async () => {
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(false);
    const raw = Buffer.from(key, 'base64url');
    // On Postgres the folder may hold nothing at all; the database is searched too.
    for (const f of fs.existsSync(dataDir) || !onPostgres ? filesUnder(dataDir) : []) {
      expect(fs.readFileSync(f).includes(key), f).toBe(false);
      expect(fs.readFileSync(f).includes(raw), f).toBe(false);
    }
    if (onPostgres) {
      const store = await Store.open({ dbPath: ':memory:', databaseUrl: await testDatabaseUrl(dataDir) });
      try {
        const bytes = await storedBytes(store);
        expect(bytes.length).toBeGreaterThan(0);
        expect(bytes.includes(key)).toBe(false);
        expect(bytes.includes(raw)).toBe(false);
      } finally {
        await store.close();
      }
    }
  });

  it('a copy of the data folder alone does not start: a clear error naming both variables, and no new key', async () => {
    const { copy, env } = await copyOfData();
    const started = startTestServer(env);
    await expect(started).rejects.toThrow(/PARLEY_MASTER_KEY_FILE/);
    await expect(started).rejects.toThrow(/PARLEY_MASTER_KEY\b/);
    await expect(started).rejects.toMatchObject({ name: 'ConfigError' });
    expect(fs.existsSync(path.join(copy, 'master.key'))).toBe(false);
  });

  it('a different key for the same data is refused with a clear error, not a crash', async () => {
    const other = path.join(secrets, 'other-key');
    fs.writeFileSync(other, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
    const started = startTestServer({ ...(await copyOfData()).env, PARLEY_MASTER_KEY_FILE: other });
    await expect(started).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/does not open this data/) });
  });

  it('npm start on a copy of the data folder exits with code 2 and the message, without a stack trace', async () => {
    const r = await startMain((await copyOfData()).env);
    await r.stop();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PARLEY_MASTER_KEY_FILE/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);
});

describe('master key beside the database (the default)', () => {
  it('is warned about at warn level on every start, not only when it is created', async () => {
    const dir = path.join(tmp, 'default-data');
    for (const start of ['first', 'second']) {
      const cap = captureLogs();
      const server = await startTestServer({}, dir, undefined, cap.logger);
      await server.close();
      const warnings = cap.lines.filter((l) => l.level === 40 && /master key is stored beside the database/.test(l.msg));
      expect(warnings, `${start} start`).toHaveLength(1);
      expect(warnings[0]!.msg).toContain(path.join(dir, 'master.key'));
      expect(server.masterKeySource).toMatchObject({ kind: 'data-dir' });
    }
  });

  it('is not warned about when the key comes from PARLEY_MASTER_KEY_FILE', async () => {
    const cap = captureLogs();
    const server = await startTestServer({ PARLEY_MASTER_KEY_FILE: keyFile }, dataDir, undefined, cap.logger);
    await server.close();
    expect(cap.lines.filter((l) => /master key/i.test(l.msg) && l.level >= 40)).toEqual([]);
    expect(server.masterKeySource).toMatchObject({ kind: 'key-file', path: keyFile });
  });

  it('npm start shows the warning as its own paragraph in the start banner', async () => {
    const r = await startMain(await dataEnv(path.join(tmp, 'banner-data')));
    await r.stop();
    expect(r.code).toBeNull(); // it started
    const banner = r.stderr.replace(/\s+/g, ' '); // the paragraph is wrapped for the terminal
    expect(banner).toMatch(/WARNING: the master key is stored beside the database \(\S*master\.key\)\./);
    expect(banner).toMatch(/Anyone with a copy of this folder can read every case\./);
    expect(banner).toMatch(/set PARLEY_MASTER_KEY_FILE or PARLEY_MASTER_KEY/);
  }, 90_000);
});
