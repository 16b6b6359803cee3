import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from 'redis';
import { createLogger } from '../logger.ts';
import { startRedis, type RunningRedis } from '../test/redis.ts';
import { CaseLeases } from './CaseLeases.ts';

/** Two nodes' leases on one real Redis (Debian's redis-server, loopback). */
let redis: RunningRedis;
const open: CaseLeases[] = [];
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  for (const l of open) await l.close();
  await redis?.stop();
});

async function node(name: string, ttlMs = 15_000): Promise<CaseLeases> {
  const l = await CaseLeases.create({ redisUrl: redis.url, nodeUrl: `https://${name}.parley.test`, ttlMs, logger: createLogger('silent') });
  open.push(l);
  return l;
}
let n = 0;
const newCase = () => `case-${++n}-${Date.now()}`;

describe('case leases', () => {
  it('one node owns a case; the other is told which node that is', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const caseId = newCase();
    expect(await one.claim(caseId)).toEqual({ owner: true });
    expect(await two.claim(caseId)).toEqual({ owner: false, ownerUrl: 'https://one.parley.test' });
    // The owner claiming again keeps it.
    expect(await one.claim(caseId)).toEqual({ owner: true });
  });

  it('a released case can be taken by another node at once', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const caseId = newCase();
    await one.claim(caseId);
    await one.release(caseId);
    expect(await two.claim(caseId)).toEqual({ owner: true });
    expect(one.holds(caseId)).toBe(false);
  });

  it('a lease renewed while its case is live outlasts its time to live', async () => {
    const [one, two] = [await node('one', 600), await node('two', 600)];
    const caseId = newCase();
    await one.claim(caseId);
    // Renewal every 200 ms: after several lifetimes the case is still the first node's.
    const other = newCase();
    await two.claim(other);
    two.abandon(); // a second lease that nobody renews, as the clock to wait on
    await vi.waitFor(async () => expect(await one.claim(other)).toEqual({ owner: true }), { timeout: 10_000, interval: 100 });
    expect(await (await node('three', 600)).claim(caseId)).toEqual({ owner: false, ownerUrl: 'https://one.parley.test' });
  });

  it('when the owner dies its lease expires and the next node takes the case; the old owner cannot take it back', async () => {
    const [one, two] = [await node('one', 600), await node('two', 600)];
    const caseId = newCase();
    await one.claim(caseId);
    one.abandon(); // killed: no release, no renewal
    await vi.waitFor(async () => expect(await two.claim(caseId)).toEqual({ owner: true }), { timeout: 10_000, interval: 100 });
    const revenant = await node('one', 600);
    expect(await revenant.claim(caseId)).toEqual({ owner: false, ownerUrl: 'https://two.parley.test' });
  });

  it('a node that finds its lease taken at renewal says so (lost), and stops holding it', async () => {
    const [one, two] = [await node('one', 600), await node('two', 600)];
    const caseId = newCase();
    await one.claim(caseId);
    const lost = new Promise<string>((r) => one.once('lost', r));
    // The lease ran out while the first node was paused (deleted here), and the second took the case.
    const raw = createClient({ url: redis.url });
    await raw.connect();
    await raw.del(CaseLeases.key(caseId));
    await raw.quit();
    expect(await two.claim(caseId)).toEqual({ owner: true });
    expect(await lost).toBe(caseId);
    expect(one.holds(caseId)).toBe(false);
    expect(await one.claim(caseId)).toEqual({ owner: false, ownerUrl: 'https://two.parley.test' });
  });

  it('says whether Redis answers, within a bounded time when it does not', async () => {
    const own = await startRedis();
    const leases = await CaseLeases.create({ redisUrl: own.url, nodeUrl: 'https://alone.parley.test', logger: createLogger('silent') });
    expect(await leases.ping()).toBe(true);
    await own.stop();
    expect(await leases.ping(500)).toBe(false);
    leases.abandon();
  });

  it('gives a case up when it could not renew its lease within the lease’s lifetime (cut off from Redis)', async () => {
    const own = await startRedis();
    const leases = await CaseLeases.create({ redisUrl: own.url, nodeUrl: 'https://cut-off.parley.test', ttlMs: 900, logger: createLogger('silent') });
    const caseId = newCase();
    await leases.claim(caseId);
    const lost = new Promise<string>((r) => leases.once('lost', r));
    // A renewal answered first: the case is still held a lifetime later.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(leases.holds(caseId)).toBe(true);
    await own.stop();
    // Without an answer it would hold the case for ever (the client queues commands while it
    // reconnects); it gives up once a lifetime has passed since its last renewal.
    expect(await lost).toBe(caseId);
    expect(leases.holds(caseId)).toBe(false);
    leases.abandon();
  });
});

