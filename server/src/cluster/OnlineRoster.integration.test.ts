import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { createLogger } from '../logger.ts';
import { startRedis, type RunningRedis } from '../test/redis.ts';
import { OnlineRoster } from './OnlineRoster.ts';

/** Two nodes' rosters of who is online, on one real Redis (Debian's redis-server, loopback). */
let redis: RunningRedis;
const open: OnlineRoster[] = [];
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  for (const r of open) await r.close();
  await redis?.stop();
});

async function node(name: string, ttlMs = 15_000): Promise<OnlineRoster> {
  const r = await OnlineRoster.create({ redisUrl: redis.url, nodeUrl: `https://${name}.parley.test`, ttlMs, logger: createLogger('silent') });
  open.push(r);
  return r;
}
let n = 0;
const newCase = () => `case-${++n}-${Date.now()}`;

/** Resolves once `read` gives `want` (writes are sent without waiting for Redis's answer). */
async function until(roster: OnlineRoster, caseId: string, want: string[]): Promise<void> {
  for (let i = 0; ; i++) {
    const got = [...(await roster.read(caseId))].sort();
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    if (i > 200) expect(got).toEqual(want);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('online roster', () => {
  it('the node running a case tells the others who is connected, and that nobody is once they left', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const caseId = newCase();
    expect(await two.read(caseId)).toEqual(new Set());
    one.set(caseId, ['ana', 'mediator']);
    await until(two, caseId, ['ana', 'mediator']);
    one.set(caseId, ['mediator']);
    await until(two, caseId, ['mediator']);
    one.set(caseId, []);
    await until(two, caseId, []);
  });

  it('a node that stopped running a case cannot wipe the roster of the node that took it over', async () => {
    const [one, two] = [await node('one'), await node('two')];
    const caseId = newCase();
    one.set(caseId, ['ana']);
    await until(two, caseId, ['ana']);
    // Node two took the case over and Ana is back there; node one's live case closes late.
    two.set(caseId, ['ana', 'ben']);
    await until(one, caseId, ['ana', 'ben']);
    one.set(caseId, []);
    // Node one's delete went before this write of node two's (one connection each, in order per node):
    // the marker proves one's command was handled, and two's roster is still there.
    const marker = newCase();
    one.set(marker, ['x']);
    await until(two, marker, ['x']);
    expect([...(await two.read(caseId))].sort()).toEqual(['ana', 'ben']);
  });

  it('keeps a roster alive while its node runs, for no longer than the lease once it stops', async () => {
    const one = await node('one', 900);
    const caseId = newCase();
    one.set(caseId, ['ana']);
    await until(one, caseId, ['ana']);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const ttl = async () => Number(await raw.sendCommand(['PTTL', `parley:case:${caseId}:online`]));
      // Renewed: its time to live goes up between two readings (it only goes down in between).
      let previous = await ttl();
      let renewed = false;
      for (let i = 0; i < 400 && !renewed; i++) {
        await new Promise((r) => setTimeout(r, 25));
        const now = await ttl();
        renewed = now > previous;
        previous = now;
      }
      expect(renewed).toBe(true);
      expect(await ttl()).toBeLessThanOrEqual(900);
    } finally {
      await raw.quit();
    }
  });
});
