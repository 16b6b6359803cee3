import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';
import { appendParagraph, consentedAgreement, provider, rawClient, synced, until, type RawClient } from '../test/yjs.ts';
import { awarenessMessage, decodeAwarenessUpdate, encodeAwarenessEntries, readMessage } from './protocol.ts';
import type { WebsocketProvider } from 'y-websocket';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { sendOwnPresenceOnly } from '@parley/shared';

/** How the server relays: timed in /metrics, and presence not sent back to where it came from. */
const TOKEN = 'metrics-token-for-the-relay-test-0123456789';
const servers: Array<Awaited<ReturnType<typeof startTestServer>>> = [];
async function start() {
  const s = await startTestServer({ PARLEY_METRICS_TOKEN: TOKEN });
  servers.push(s);
  return s;
}
const providers: WebsocketProvider[] = [];
const raws: RawClient[] = [];
afterAll(async () => {
  for (const p of providers) p.destroy();
  for (const r of raws) r.ws.close();
  for (const s of servers) await s.close();
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return res.text();
}
/** `parley_draft_relay_seconds_count{message="…"}`, 0 while absent. */
const relayCount = (text: string, kind: string) => Number(new RegExp(`^parley_draft_relay_seconds_count\\{message="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);

/** Client ids of the presence entries among the messages a raw client received. */
function presenceIds(r: RawClient): number[] {
  const ids: number[] = [];
  for (const m of r.messages) {
    const msg = readMessage(m);
    if (msg.type === 'awareness') for (const e of decodeAwarenessUpdate(msg.update)) if (e.state !== null) ids.push(e.clientID);
  }
  return ids;
}
const presence = (clientID: number, clock: number) => awarenessMessage(encodeAwarenessEntries([{ clientID, clock, state: { cursor: null } }]));

describe('draft relay', () => {
  it('times each relayed edit and caret in /metrics (parley_draft_relay_seconds)', async () => {
    const server = await start();
    const { cookie, ana, name } = await consentedAgreement(server);
    const before = await scrape(server.url);
    const typist = provider(server, name, { token: ana });
    const reader = provider(server, name, { cookie });
    providers.push(typist, reader);
    await Promise.all([synced(typist), synced(reader)]);

    appendParagraph(typist.doc, 'Clause one');
    typist.awareness.setLocalStateField('cursor', { at: 1 });
    await until(() => reader.doc.getXmlFragment('default').length === 1, 10_000, 'the edit relayed');
    await until(() => reader.awareness.getStates().get(typist.doc.clientID)?.cursor !== undefined, 10_000, 'the caret relayed');

    // Observed once the relay is written, in the same turn: the next scrape shows both.
    let after = '';
    await until(async () => relayCount((after = await scrape(server.url)), 'presence') > relayCount(before, 'presence'), 10_000, 'the caret relay timed');
    expect(relayCount(after, 'update')).toBeGreaterThan(relayCount(before, 'update'));
    expect(after).toMatch(/^parley_draft_relay_seconds_bucket\{le="0\.001",message="update"\} \d+/m);
  });

  it('an editor that sends its own presence only (as the browser does) sends its caret and none of the carets it hears', async () => {
    const server = await start();
    const { cookie, ana, name } = await consentedAgreement(server);
    const typist = provider(server, name, { token: ana });
    const reader = provider(server, name, { cookie });
    providers.push(typist, reader);
    sendOwnPresenceOnly(reader, encodeAwarenessUpdate);
    await Promise.all([synced(typist), synced(reader)]);
    // Every presence entry the reader sends from here on, by client id.
    const sentIds: number[] = [];
    const ws = reader.ws!;
    const send = ws.send.bind(ws);
    ws.send = (data: Uint8Array) => {
      const msg = readMessage(data);
      if (msg.type === 'awareness') for (const e of decodeAwarenessUpdate(msg.update)) sentIds.push(e.clientID);
      send(data);
    };

    typist.awareness.setLocalStateField('cursor', { at: 1 });
    await until(() => reader.awareness.getStates().get(typist.doc.clientID)?.cursor !== undefined, 10_000, 'the typist’s caret at the reader');
    // Applying it is when y-websocket's own sender would have sent it back (synchronously).
    reader.awareness.setLocalStateField('cursor', { at: 2 });
    await until(() => typist.awareness.getStates().get(reader.doc.clientID)?.cursor !== undefined, 10_000, 'the reader’s caret at the typist');
    expect(sentIds.length).toBeGreaterThan(0);
    expect(new Set(sentIds)).toEqual(new Set([reader.doc.clientID]));
  });

  it('relays presence to the other editors and not back to its sender', async () => {
    const server = await start();
    const { cookie, ana, name } = await consentedAgreement(server);
    const a = rawClient(server, name, { token: ana });
    const b = rawClient(server, name, { headers: { cookie } });
    raws.push(a, b);
    await Promise.all([a.opened, b.opened]);

    a.send(presence(9001, 1));
    await until(() => presenceIds(b).includes(9001), 10_000, 'b sees a’s caret');
    // b answers only after seeing a's caret; the server relays one socket's messages in order, so
    // once a has b's caret, anything the server would have sent a about its own caret came first.
    b.send(presence(9002, 1));
    await until(() => presenceIds(a).includes(9002), 10_000, 'a sees b’s caret');
    expect(presenceIds(a)).not.toContain(9001);
    expect(presenceIds(b)).not.toContain(9002);
  });
});
