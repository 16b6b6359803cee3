import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCase, signIn, startTestServer } from '../test/harness.ts';
import { onPostgres } from '../test/engine.ts';
import { Store } from './Store.ts';

/**
 * The database holds sealed case data but also everything in the clear that is not (who is invited
 * when, hashes, the sealed keys): only the service's own user may read it. SQLite would create the
 * file 0644 (world-readable), and its -wal and -shm files take the database file's mode.
 */
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const octal = (m: number) => m.toString(8);
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('data folder permissions', () => {
  // The modes of the SQLite files: on Postgres the data is in no file of ours.
  it.skipIf(onPostgres)('a fresh data folder is 0700 and the database, -wal and -shm files are 0600', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-perm-'));
    dirs.push(parent);
    const dataDir = path.join(parent, 'data'); // the server creates it
    const server = await startTestServer({ PARLEY_DATA_DIR: dataDir });
    try {
      await createCase(server, await signIn(server)); // writes, so the WAL has content
      const db = path.join(dataDir, 'parley.db');
      for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(octal(mode(f)), f).toBe('600');
      expect(octal(mode(dataDir))).toBe('700');
    } finally {
      await server.close();
    }
  });

  it('an existing database with loose permissions is tightened to 0600 when opened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-perm-'));
    dirs.push(dir);
    const db = path.join(dir, 'parley.db');
    const first = await Store.open({ dbPath: db });
    first.db.exec('CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1);');
    await first.close();
    // As an older version left them (or a restore from a backup with the default umask).
    fs.chmodSync(db, 0o644);
    for (const f of [`${db}-wal`, `${db}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o644);
    const again = await Store.open({ dbPath: db });
    try {
      expect(octal(mode(db))).toBe('600');
      for (const f of [`${db}-wal`, `${db}-shm`]) if (fs.existsSync(f)) expect(octal(mode(f)), f).toBe('600');
    } finally {
      await again.close();
    }
  });
});
