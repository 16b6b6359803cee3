import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from 'redis';
import { ErrorCode, ParleyError } from '@parley/shared';
import { createLogger } from '../logger.ts';
import { startRedis, type RunningRedis } from '../test/redis.ts';
import { CaseLeases } from './CaseLeases.ts';
import { CaseOwnership } from './CaseOwnership.ts';

/** Which node runs a case, as connections come and go: two nodes' ownership over one real Redis. */
let redis: RunningRedis;
let raw: ReturnType<typeof createClient>;
const open: CaseLeases[] = [];
beforeAll(async () => {
  redis = await startRedis();
  raw = createClient({ url: redis.url });
  await raw.connect();
}, 60_000);
afterAll(async () => {
  for (const l of open) await l.close();
  await raw?.quit();
  await redis?.stop();
});

async function node(name: string, ttlMs = 15_000) {
  const leases = await CaseLeases.create({ redisUrl: redis.url, nodeUrl: `https://${name}.parley.test`, ttlMs, logger: createLogger('silent') });
  open.push(leases);
  const ownership = CaseOwnership.leased(leases, createLogger('silent'));
  const live = new Set<string>();
  ownership.isLive = (caseId) => live.has(caseId);
  return { ownership, leases, live };
}
let n = 0;
const newCase = () => `case-own-${++n}-${Date.now()}`;
const holder = (caseId: string) => raw.get(CaseLeases.key(caseId));

/** The refusal a connection for a case held elsewhere gets. */
async function refusal(p: Promise<unknown>): Promise<ParleyError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ParleyError);
  return err as ParleyError;
}

describe('case ownership', () => {
  it('sends a connection for a case another node runs there, with its address', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const caseId = newCase();
    await one.ownership.enter(caseId);
    const err = await refusal(two.ownership.enter(caseId));
    expect(err.code).toBe(ErrorCode.Moved);
    expect(err.toWire()).toMatchObject({ code: 'moved', moveTo: 'https://one.parley.test' });
    expect(await two.ownership.elsewhere(caseId)).toBe('https://one.parley.test');
    expect(await one.ownership.elsewhere(caseId)).toBeUndefined();
  });

  it('lets the case go when its last connection leaves, so the next one may start it on any node', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const caseId = newCase();
    const first = await one.ownership.enter(caseId);
    const second = await one.ownership.enter(caseId);
    first();
    first(); // twice is once
    expect(await holder(caseId)).toBe('https://one.parley.test');
    second();
    await vi.waitFor(async () => expect(await holder(caseId)).toBeNull());
    await two.ownership.enter(caseId);
    expect(await holder(caseId)).toBe('https://two.parley.test');
  });

  it('keeps the case while its live session runs here without connections (a dropped person’s place waits)', async () => {
    const one = await node('one');
    const caseId = newCase();
    one.live.add(caseId);
    (await one.ownership.enter(caseId))();
    // A later entry on another case is done after anything the leave started on this one.
    await one.ownership.enter(newCase());
    expect(await holder(caseId)).toBe('https://one.parley.test');
    one.live.delete(caseId);
    one.ownership.caseIdle(caseId);
    await vi.waitFor(async () => expect(await holder(caseId)).toBeNull());
  });

  it('says so when another node took the case, and from then on sends connections there', async () => {
    const one = await node('one', 600);
    const two = await node('two', 600);
    const caseId = newCase();
    const before = await one.ownership.enter(caseId);
    const lost = new Promise<string>((r) => one.ownership.once('lost', r));
    // Node one paused past its lease (simulated: the lease is gone) and node two took the case.
    await raw.del(CaseLeases.key(caseId));
    await two.ownership.enter(caseId);
    expect(await lost).toBe(caseId);
    before();
    expect(await holder(caseId)).toBe('https://two.parley.test');
    expect((await refusal(one.ownership.enter(caseId))).moveTo).toBe('https://two.parley.test');
  });

  it('on one node runs every case and asks nothing of Redis', async () => {
    const single = CaseOwnership.single();
    const caseId = newCase();
    (await single.enter(caseId))();
    expect(await single.elsewhere(caseId)).toBeUndefined();
    expect(await holder(caseId)).toBeNull();
  });
});
