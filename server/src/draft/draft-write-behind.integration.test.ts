import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { appendParagraph, consentedAgreement, provider, restartableServer, synced, until } from '../test/yjs.ts';
import { countDraftCommits } from './draftTestKit.ts';

const { dataDir, env } = restartableServer('parley-draft-wb-');

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
    expect(commits()).toBeGreaterThan(0);
    expect(commits()).toBeLessThanOrEqual(N / 10);

    server = await startTestServer(env);
    const text = (await server.drafts.snapshotText(detail.id)).text;
    for (let i = 0; i < N; i++) expect(text).toContain(`Clause ${i} of the burst`);
  });
});
