import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { draftDocName, type CaseDetail } from '@parley/shared';
import { consent, createCase, signIn, startTestServer, tokenOf } from '../test/harness.ts';
import { appendParagraph, provider, synced, until } from '../test/yjs.ts';
import { countDraftCommits } from './draftTestKit.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-draft-wb-'));
const env = { PARLEY_DATA_DIR: dataDir, PARLEY_MASTER_KEY: randomBytes(32).toString('base64url') };

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('draft write-behind over y-websocket', () => {
  it('stores a burst of edits from one socket in a handful of transactions, and all of them survive a restart', async () => {
    server = await startTestServer(env);
    const cookie = await signIn(server);
    const detail: CaseDetail = await createCase(server, cookie);
    const ana = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
    await consent(server, ana, detail);
    const name = draftDocName(detail.id, 'agreement');

    const p = provider(server, name, { token: ana });
    const mediator = provider(server, name, { cookie });
    await Promise.all([synced(p), synced(mediator)]);
    const commits = countDraftCommits(server.store.db);
    const N = 200;
    for (let i = 0; i < N; i++) appendParagraph(p.doc, `Clause ${i} of the burst`);
    // Relayed to the other editor (whatever has or has not been written yet).
    await until(() => mediator.doc.getXmlFragment('default').length === N, 10_000, 'the burst relayed');

    p.destroy();
    mediator.destroy();
    // Shutdown writes the queue and compacts: every draft write of the burst is counted by now.
    await server.close();
    // One transaction per update before (N + the compaction); batches now.
    expect(commits()).toBeLessThanOrEqual(N / 10);

    server = await startTestServer(env);
    const text = (await server.drafts.snapshotText(detail.id)).text;
    for (let i = 0; i < N; i++) expect(text).toContain(`Clause ${i} of the burst`);
  });
});
