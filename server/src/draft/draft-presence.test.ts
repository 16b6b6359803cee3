import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.ts';
import { DraftDocument, PRESENCE_BATCH_MS } from './DraftDocument.ts';
import { DraftStore } from './DraftStore.ts';
import { draftKit, fakeConnection } from './draftTestKit.ts';
import { decodeAwarenessUpdate, encodeAwarenessEntries, readMessage } from './protocol.ts';

const logger = createLogger('silent');
afterEach(() => vi.useRealTimers());

/** (client id, clock) of every presence entry in the messages a connection was sent. */
function carets(sent: Uint8Array[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of sent) {
    const msg = readMessage(m);
    if (msg.type === 'awareness') for (const e of decodeAwarenessUpdate(msg.update)) out.push([e.clientID, e.clock]);
  }
  return out;
}

describe('presence relay', () => {
  it('relays the carets of one interval as one message with the latest of each, to everyone but their only owner', async () => {
    const kit = await draftKit();
    const doc = await DraftDocument.load(kit.ref, new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger }), logger, { debounceMs: 600_000, maxDelayMs: 600_000 });
    const [ana, ben, cleo] = [fakeConnection('participant_ana'), fakeConnection('participant_ben'), fakeConnection('participant_cleo')];
    for (const c of [ana, ben, cleo]) doc.add(c);
    ana.awarenessIds.add(11);
    ben.awarenessIds.add(22);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const caret = (clientID: number, clock: number) => encodeAwarenessEntries([{ clientID, clock, state: { cursor: clock } }]);
    for (let clock = 1; clock <= 5; clock++) doc.applyAwarenessFrom(ana, caret(11, clock));
    // Held for the interval: nothing relayed yet.
    expect([ana, ben, cleo].map((c) => c.sent.length)).toEqual([0, 0, 0]);
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    // One message, Ana's latest caret; not back to Ana.
    expect(ben.sent).toHaveLength(1);
    expect(carets(ben.sent)).toEqual([[11, 5]]);
    expect(carets(cleo.sent)).toEqual([[11, 5]]);
    expect(ana.sent).toHaveLength(0);

    // Two people's carets in one interval: each gets the one that is not only theirs.
    doc.applyAwarenessFrom(ana, caret(11, 6));
    doc.applyAwarenessFrom(ben, caret(22, 1));
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(carets(ana.sent)).toEqual([
      [11, 6],
      [22, 1],
    ]);
    expect(carets(ben.sent).slice(1)).toEqual([
      [11, 6],
      [22, 1],
    ]);
    await doc.close();
  });
});
