import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from 'redis';
import { EventBus } from '../events/EventBus.ts';
import { captureLogs } from '../test/harness.ts';
import { startRedis, type RunningRedis } from '../test/redis.ts';
import { BUS_CHANNEL, BusRelay } from './BusRelay.ts';

/** Two nodes' buses joined by their relays over one real Redis (Debian's redis-server, loopback). */
let redis: RunningRedis;
const open: BusRelay[] = [];
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  for (const r of open) await r.close();
  await redis?.stop();
});

async function node(name: string) {
  const { logger, lines } = captureLogs();
  const bus = new EventBus(logger);
  open.push(await BusRelay.create({ redisUrl: redis.url, nodeUrl: `https://${name}.parley.test`, bus, logger }));
  /** What this node's connection-side listeners heard from other nodes. */
  const heard: unknown[] = [];
  bus.on('participant.removed', (p) => heard.push(p), { fromOtherNodes: true });
  bus.on('protocol.changed', (p) => heard.push(p), { fromOtherNodes: true });
  return { bus, lines, heard };
}

const CASE = 'case-relay-0001';
const PERSON = 'person-relay-01';

describe('the bus relay', () => {
  it('brings a relayed event to the other node, once, and not back to the node that made it', async () => {
    const one = await node('one');
    const two = await node('two');
    one.bus.emit('participant.removed', { caseId: CASE, participantId: PERSON });
    await vi.waitFor(() => expect(two.heard).toEqual([{ caseId: CASE, participantId: PERSON }]));
    // Node one heard it once, from itself (emit), never again from Redis: a later event from node
    // two arrives at node one, so anything echoed before it would have too.
    two.bus.emit('protocol.changed', { caseId: CASE });
    await vi.waitFor(() => expect(one.heard).toEqual([{ caseId: CASE, participantId: PERSON }, { caseId: CASE }]));
  });

  it('refuses a message that does not fit its schema with a log line, and goes on', async () => {
    const one = await node('three');
    const raw = createClient({ url: redis.url });
    await raw.connect();
    for (const bad of ['not json', JSON.stringify({ from: 'https://x.parley.test', event: 'participant.removed', payload: { caseId: 'x' } }), JSON.stringify({ from: 'https://x.parley.test', event: 'record.entry', payload: {} })]) {
      await raw.publish(BUS_CHANNEL, bad);
    }
    await raw.publish(BUS_CHANNEL, JSON.stringify({ from: 'https://x.parley.test', event: 'protocol.changed', payload: { caseId: CASE } }));
    await vi.waitFor(() => expect(one.heard).toEqual([{ caseId: CASE }]));
    expect(one.lines.filter((l) => l.msg === 'message on the bus channel refused: it does not fit its schema')).toHaveLength(3);
    await raw.quit();
  });

  it('relays only the fields its schema names', async () => {
    const one = await node('four');
    const two = await node('five');
    one.bus.emit('consent.withdrawn', { identity: { caseId: CASE, participantId: PERSON, role: 'party', displayName: 'Ana', side: 'A', secret: 'kept here' } as never });
    const got = new Promise((r) => two.bus.on('consent.withdrawn', r, { fromOtherNodes: true }));
    // `phase` is not sent either: the receiving side fills in its default (nothing decides access from it).
    expect(await got).toEqual({ identity: { caseId: CASE, participantId: PERSON, role: 'party', displayName: 'Ana', side: 'A', phase: { state: 'open', partyAccessUntil: null } } });
  });
});
