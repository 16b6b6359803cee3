import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { onPostgres, storedBytes, testDatabaseUrl } from '../test/engine.ts';
import { appendParagraph, consentedAgreement, provider, restartableServer, synced, until } from '../test/yjs.ts';

const { dataDir, env } = restartableServer('parley-draft-');

/** A document's draft rows read through a second connection (as after a crash): to the file, or to the Postgres database. */
async function rowsSeenElsewhere(name: string): Promise<Array<{ kind: string; sealed: Uint8Array }>> {
  if (!onPostgres) {
    const reader = new DatabaseSync(path.join(dataDir, 'parley.db'), { readOnly: true });
    try {
      return reader.prepare('SELECT kind, sealed FROM draft_records WHERE doc_name = ?').all(name) as Array<{ kind: string; sealed: Uint8Array }>;
    } finally {
      reader.close();
    }
  }
  const client = new pg.Client({ connectionString: await testDatabaseUrl(dataDir) });
  await client.connect();
  try {
    return (await client.query<{ kind: string; sealed: Uint8Array }>('SELECT kind, sealed FROM draft_records WHERE doc_name = $1', [name])).rows;
  } finally {
    await client.end();
  }
}

const SENTENCE = 'The parties agree that Ana pays 1,250 euros for the new fence by 1 March.';

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('draft persistence', () => {
  it('stores every received update sealed (written behind, in batches) and keeps all of them across a restart', async () => {
    server = await startTestServer(env);
    const { detail, ana, name } = await consentedAgreement(server);

    const p = provider(server, name, { token: ana });
    await synced(p);
    appendParagraph(p.doc, SENTENCE);
    for (let i = 0; i < 20; i++) appendParagraph(p.doc, `Clause ${i} typed while the server restarts`);
    await until(async () => (await server!.drafts.snapshotText(detail.id)).text.includes('Clause 19'), 5000, 'updates on the server');

    // Durable before any compaction: a second connection to the database (as after a crash) sees the sealed rows.
    const rows = await rowsSeenElsewhere(name);
    expect(rows.filter((r) => r.kind === 'update').length).toBeGreaterThan(0);
    for (const r of rows) expect(Buffer.from(r.sealed).includes('fence')).toBe(false);

    const before = await server.drafts.snapshotText(detail.id);
    // Nothing in the database (the file and its WAL, on SQLite) reads as the draft.
    const bytes = await storedBytes(server.store);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(SENTENCE)).toBe(false);
    expect(bytes.includes('new fence')).toBe(false);
    expect(bytes.includes(Buffer.from('new fence', 'utf16le'))).toBe(false);

    p.destroy();
    await server.close();
    server = await startTestServer(env);
    const after = await server.drafts.snapshotText(detail.id);
    expect(after.text).toBe(before.text);
    expect(after.text).toContain(SENTENCE);
    for (let i = 0; i < 20; i++) expect(after.text).toContain(`Clause ${i} typed`);

    // Shutdown compacted the records into one sealed snapshot; still no plaintext anywhere.
    const db = await server.store.kysely.selectFrom('draft_records').select('kind').where('doc_name', '=', name).execute();
    expect(db).toEqual([{ kind: 'snapshot' }]);
    expect((await storedBytes(server.store)).includes('new fence')).toBe(false);

    // A reconnecting client resumes on the restored document.
    const again = provider(server, name, { token: ana });
    await synced(again);
    expect(again.doc.getXmlFragment('default').length).toBe(21);
    again.destroy();
  });

  it('a record altered in the database refuses to load instead of serving altered text (threats #15)', async () => {
    await until(() => server!.drafts.stats.documents === 0, 3000, 'document unloaded');
    const db = server!.store.kysely;
    const row = await db.selectFrom('draft_records').select(['id', 'sealed', 'case_id']).where('kind', '=', 'snapshot').limit(1).executeTakeFirstOrThrow();
    const altered = Buffer.from(row.sealed);
    altered[40] = altered[40]! ^ 1;
    await db.updateTable('draft_records').set({ sealed: altered }).where('id', '=', row.id).execute();
    const caseId = row.case_id;
    await expect(server!.drafts.snapshotText(caseId)).rejects.toThrow();
  });
});
