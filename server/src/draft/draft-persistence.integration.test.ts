import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { appendParagraph, consentedAgreement, provider, restartableServer, synced, until } from '../test/yjs.ts';

const { dataDir, env } = restartableServer('parley-draft-');
const dbFiles = () => ['parley.db', 'parley.db-wal'].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f));
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

    // Durable before any compaction: a second connection to the file (as after a crash) sees the sealed rows.
    const reader = new DatabaseSync(path.join(dataDir, 'parley.db'), { readOnly: true });
    const rows = reader.prepare("SELECT kind, sealed FROM draft_records WHERE doc_name = ?").all(name) as Array<{ kind: string; sealed: Uint8Array }>;
    reader.close();
    expect(rows.filter((r) => r.kind === 'update').length).toBeGreaterThan(0);
    for (const r of rows) expect(Buffer.from(r.sealed).includes('fence')).toBe(false);

    const before = await server.drafts.snapshotText(detail.id);
    // Nothing in the database file or its WAL reads as the draft.
    for (const f of dbFiles()) {
      const bytes = fs.readFileSync(f);
      expect(bytes.includes(SENTENCE), f).toBe(false);
      expect(bytes.includes('new fence'), f).toBe(false);
      expect(bytes.includes(Buffer.from('new fence', 'utf16le')), f).toBe(false);
    }

    p.destroy();
    await server.close();
    server = await startTestServer(env);
    const after = await server.drafts.snapshotText(detail.id);
    expect(after.text).toBe(before.text);
    expect(after.text).toContain(SENTENCE);
    for (let i = 0; i < 20; i++) expect(after.text).toContain(`Clause ${i} typed`);

    // Shutdown compacted the records into one sealed snapshot; still no plaintext anywhere.
    const db = server.store.db.prepare('SELECT kind FROM draft_records WHERE doc_name = ?').all(name) as Array<{ kind: string }>;
    expect(db).toEqual([{ kind: 'snapshot' }]);
    for (const f of dbFiles()) expect(fs.readFileSync(f).includes('new fence'), f).toBe(false);

    // A reconnecting client resumes on the restored document.
    const again = provider(server, name, { token: ana });
    await synced(again);
    expect(again.doc.getXmlFragment('default').length).toBe(21);
    again.destroy();
  });

  it('a record altered in the database refuses to load instead of serving altered text (threats #15)', async () => {
    await until(() => server!.drafts.stats.documents === 0, 3000, 'document unloaded');
    const row = server!.store.db.prepare("SELECT id, sealed FROM draft_records WHERE kind = 'snapshot' LIMIT 1").get() as { id: number; sealed: Uint8Array };
    const altered = Buffer.from(row.sealed);
    altered[40] = altered[40]! ^ 1;
    server!.store.db.prepare('UPDATE draft_records SET sealed = ? WHERE id = ?').run(altered, row.id);
    const caseId = (server!.store.db.prepare('SELECT case_id FROM draft_records WHERE id = ?').get(row.id) as { case_id: string }).case_id;
    await expect(server!.drafts.snapshotText(caseId)).rejects.toThrow();
  });
});
