import fs from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { onPostgres, testDatabaseUrl } from '../test/engine.ts';
import { appendParagraph, consentedAgreement, provider, restartableServer, synced, until } from '../test/yjs.ts';
import { countDraftCommits } from './draftTestKit.ts';

const { dataDir, env } = restartableServer('parley-draft-wb-');

/**
 * Counts the transactions that write draft rows from now on, readable also after the server
 * closed. SQLite: countDraftCommits on the server's connection. Postgres: a row trigger notes the
 * id of each transaction that inserts or deletes a draft row in a table of this test's own (a
 * rolled-back one leaves no note), read through a connection of its own.
 */
async function draftCommits(server: Awaited<ReturnType<typeof startTestServer>>): Promise<() => Promise<number>> {
  if (!onPostgres) {
    const counted = countDraftCommits(server.store.db);
    return async () => counted();
  }
  const db = server.store.kysely;
  await sql`CREATE TABLE test_draft_commits (txid bigint PRIMARY KEY)`.execute(db);
  await sql`CREATE FUNCTION test_note_draft_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO test_draft_commits VALUES (txid_current()) ON CONFLICT DO NOTHING; RETURN NULL; END $$`.execute(db);
  await sql`CREATE TRIGGER test_draft_commits AFTER INSERT OR DELETE ON draft_records FOR EACH ROW EXECUTE FUNCTION test_note_draft_commit()`.execute(db);
  const url = await testDatabaseUrl(dataDir);
  return async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM test_draft_commits')).rows[0]!.n);
    } finally {
      await client.end();
    }
  };
}

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('draft write-behind over y-websocket', () => {
  it('stores a burst of edits from one socket in a handful of transactions, and all of them survive a restart', async () => {
    server = await startTestServer(env);
    const { cookie, detail, ana, name } = await consentedAgreement(server);

    const p = provider(server, name, { token: ana });
    const mediator = provider(server, name, { cookie });
    await Promise.all([synced(p), synced(mediator)]);
    const commits = await draftCommits(server);
    const N = 200;
    for (let i = 0; i < N; i++) appendParagraph(p.doc, `Clause ${i} of the burst`);
    // Relayed to the other editor (whatever has or has not been written yet).
    await until(() => mediator.doc.getXmlFragment('default').length === N, 10_000, 'the burst relayed');

    p.destroy();
    mediator.destroy();
    // Shutdown writes the queue and compacts: every draft write of the burst is counted by now.
    await server.close();
    // One transaction per update before (N + the compaction); batches now.
    expect(await commits()).toBeGreaterThan(0);
    expect(await commits()).toBeLessThanOrEqual(N / 10);

    server = await startTestServer(env);
    const text = (await server.drafts.snapshotText(detail.id)).text;
    for (let i = 0; i < N; i++) expect(text).toContain(`Clause ${i} of the burst`);
  });
});
