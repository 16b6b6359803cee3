import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { consentedAgreement, docOfSyncStep2, emptySyncStep1Message, paragraphUpdate, rawClient, syncUpdateMessage, until, type RawClient } from '../test/yjs.ts';
import { agreementPlainText } from './agreementText.ts';
import { DraftDocument } from './DraftDocument.ts';

/** Loading a document is asynchronous: what connections send meanwhile is neither lost nor applied twice. */
const servers: Array<Awaited<ReturnType<typeof startTestServer>>> = [];
const clients: RawClient[] = [];
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  for (const c of clients) c.ws.close();
  for (const s of servers) await s.close();
});

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** The text of the whole document the client was last sent in a sync step 2 (the answer to its step 1). */
function answeredText(c: RawClient): string | null {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const doc = docOfSyncStep2(c.messages[i]!);
    if (doc) return agreementPlainText(doc);
  }
  return null;
}

describe('draft document loading', () => {
  it('loads a document once for the connections that arrive meanwhile, and applies what they sent during the load once', async () => {
    const server = await startTestServer();
    servers.push(server);
    const { cookie, detail, ana, name } = await consentedAgreement(server);

    // Something stored before: written through a first connection, then the document released.
    const first = rawClient(server, name, { token: ana });
    clients.push(first);
    await first.opened;
    first.send(syncUpdateMessage(paragraphUpdate('Stored before')));
    await until(async () => (await server.drafts.snapshotText(detail.id)).text.includes('Stored before'), 5000, 'the first edit');
    first.ws.close();
    await until(() => server.drafts.stats.documents === 0, 5000, 'the document released');

    // A slow load: both connections and their first messages arrive before it is done.
    const load = DraftDocument.load.bind(DraftDocument);
    const slow = vi.spyOn(DraftDocument, 'load').mockImplementation(async (...args) => {
      await new Promise((r) => setTimeout(r, 300));
      return load(...args);
    });
    const a = rawClient(server, name, { token: ana });
    const b = rawClient(server, name, { headers: { cookie } });
    clients.push(a, b);
    await Promise.all([a.opened, b.opened]);
    a.send(syncUpdateMessage(paragraphUpdate('Typed while loading')));
    a.send(emptySyncStep1Message());
    b.send(emptySyncStep1Message());

    // Each one's step 1, sent during the load, is answered with the whole document.
    await until(() => answeredText(a)?.includes('Typed while loading') ?? false, 5000, 'the answer to a');
    await until(() => (answeredText(b)?.includes('Stored before') ?? false) && b.messages.length > 0, 5000, 'the answer to b');
    expect(slow).toHaveBeenCalledTimes(1);
    expect(server.drafts.stats).toEqual({ documents: 1, connections: 2 });
    const text = (await server.drafts.snapshotText(detail.id)).text;
    expect(occurrences(text, 'Stored before')).toBe(1);
    expect(occurrences(text, 'Typed while loading')).toBe(1);

    // Released and at once asked for again: the new load comes after the old copy is stored.
    a.ws.close();
    b.ws.close();
    await until(() => server.drafts.stats.connections === 0, 5000, 'both gone');
    const c = rawClient(server, name, { token: ana });
    clients.push(c);
    await c.opened;
    c.send(emptySyncStep1Message());
    await until(() => answeredText(c) !== null, 5000, 'the answer to c');
    expect(occurrences(answeredText(c)!, 'Stored before')).toBe(1);
    expect(occurrences(answeredText(c)!, 'Typed while loading')).toBe(1);
  });
});
