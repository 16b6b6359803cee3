import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { draftDocName, type CaseDetail } from '@parley/shared';
import { loadConfig, startServer, type RunningServer } from '../index.ts';
import { createLogger } from '../logger.ts';
import { connect, consent, createCase, must, request, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { rawClient, until } from '../test/yjs.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';

/**
 * One person cannot buy more budget with more connections or made-up events, and a flood from one
 * person leaves everyone else's round trips going (docs/threats.md #8). Raw clients; the realistic
 * flood runs in its own process, as an attacker's would.
 */
const servers: RunningServer[] = [];
const sockets: ClientSocket[] = [];
/** Flooder processes still running when a test ends (it failed): stopped before their server closes. */
const flooders: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];

afterEach(async () => {
  for (const f of flooders.splice(0)) f.kill('SIGKILL');
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
});

/** Small budgets, so that counts (not timings) show the limits. Addresses are generous: every test client is on loopback. */
const small = (over: { signalling?: Partial<Limits['signalling']>; draft?: Partial<Limits['draft']> }): Limits => ({
  ...DEFAULT_LIMITS,
  signalling: { ...DEFAULT_LIMITS.signalling, perPerson: { perSecond: 1, burst: 20 }, ...over.signalling },
  draft: { ...DEFAULT_LIMITS.draft, perPerson: { perSecond: 1, burst: 30 }, ...over.draft },
});

async function caseWithTwoParties(server: RunningServer) {
  const cookie = await signIn(server);
  const detail: CaseDetail = await createCase(server, cookie);
  const tA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  const tB = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
  await consent(server, tA, detail);
  await consent(server, tB, detail);
  return { cookie, detail, tA, tB };
}

async function open(server: RunningServer, auth: Record<string, unknown>): Promise<ClientSocket> {
  const s = await connect(server, auth);
  sockets.push(s);
  return s;
}

describe('per-person limits', () => {
  it('caps socket connections per person and shares one request budget among them', async () => {
    const server = await startTestServer({}, undefined, small({}));
    servers.push(server);
    const { tA, tB } = await caseWithTwoParties(server);
    const mine = [];
    for (let i = 0; i < DEFAULT_LIMITS.signalling.connectionsPerPerson; i++) mine.push(await open(server, { token: tA }));
    await expect(connect(server, { token: tA })).rejects.toMatchObject({ data: { code: 'rate_limited' } });

    // Every connection × 20 requests at once: one shared burst of 20 (plus at most a token or two of refill).
    const acks = await Promise.all(mine.flatMap((s) => Array.from({ length: 20 }, () => request(s, 'thread:list', {}))));
    const ok = acks.filter((a) => a.ok).length;
    expect(ok).toBeGreaterThanOrEqual(20);
    expect(ok).toBeLessThanOrEqual(23);
    expect(acks.filter((a) => !a.ok && a.error.code === 'rate_limited')).toHaveLength(mine.length * 20 - ok);

    // Another person, same address, has their own budget.
    const ben = await open(server, { token: tB });
    const benAcks = await Promise.all(Array.from({ length: 10 }, () => request(ben, 'thread:list', {})));
    expect(benAcks.every((a) => a.ok)).toBe(true);
  });

  it('charges unknown events to the same budget, and logs them once per second, not once each', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-flood-'));
    const server = await startServer(loadConfig({ ...process.env, PARLEY_PORT: '0', PARLEY_MEDIA_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_WORKERS: '1' }), { logger: createLogger('warn', sink), limits: small({}) });
    servers.push(server);
    const { tA } = await caseWithTwoParties(server);
    const a = await open(server, { token: tA });
    let answered = 0;
    // 35: past the budget of 20, but not so far past that the connection is dropped (see the next test).
    for (let i = 0; i < 35; i++) {
      (a as unknown as { emit: (n: string, p: unknown, ack: (r: { error?: { code: string } }) => void) => void }).emit(`made:up:${i}`, {}, (r) => {
        if (r.error?.code === 'unknown_event') answered++;
      });
    }
    // Answered in order on one socket: when this known request is refused, every made-up event was seen.
    expect(await request(a, 'thread:list', {})).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(answered).toBeGreaterThanOrEqual(20);
    expect(answered).toBeLessThanOrEqual(23);
    // One summary line (within a second), never a line per event.
    await until(() => lines.some((l) => l.includes('unknown events refused')), 5000, 'the summary log line');
    expect(lines.filter((l) => l.includes('unknown event refused'))).toEqual([]);
    expect(lines.filter((l) => l.includes('unknown events refused'))).toHaveLength(1);
  });

  it('drops a connection that keeps sending after being told to slow down', async () => {
    const server = await startTestServer({}, undefined, small({}));
    servers.push(server);
    const { tA, tB } = await caseWithTwoParties(server);
    const a = await open(server, { token: tA });
    const dropped = new Promise<string>((r) => a.once('disconnect', r));
    const acks = Array.from({ length: 100 }, () => request(a, 'thread:list', {}).catch(() => null));
    expect(await dropped).toBe('io server disconnect');
    await Promise.all(acks);
    // Another person is untouched.
    expect(await request(await open(server, { token: tB }), 'thread:list', {})).toMatchObject({ ok: true });
  });

  it('caps draft connections per person (refused before the upgrade) and shares one message budget among them', async () => {
    const server = await startTestServer({}, undefined, small({ draft: { connectionsPerPerson: 3 } }));
    servers.push(server);
    const { detail, tA, tB } = await caseWithTwoParties(server);
    const doc = draftDocName(detail.id, 'agreement');
    const mine = [rawClient(server, doc, { token: tA }), rawClient(server, doc, { token: tA }), rawClient(server, doc, { token: tA })];
    await Promise.all(mine.map((c) => c.opened));
    expect(await rawClient(server, doc, { token: tA }).closed).toMatchObject({ code: 1013, httpStatus: 429 });

    // 3 connections × 20 cheap messages (presence queries): more than the person's burst of 30.
    const queryAwareness = new Uint8Array([3]);
    for (const c of mine) for (let i = 0; i < 20; i++) c.send(queryAwareness);
    // Per connection, 20 is well under its old budget; together they pass the person's: one is closed with 1013.
    const firstClose = await Promise.race(mine.map((c) => c.closed));
    expect(firstClose.code).toBe(1013);

    // Ben's draft connection is his own: it opens and syncs.
    const ben = rawClient(server, doc, { token: tB });
    await ben.opened;
    ben.ws.close();
  });
});

describe('a flood from one person', () => {
  // No deadline on the round trips themselves (a loaded machine is slow, not wrong): a generous test timeout.
  it('leaves another person’s round trips going while it lasts (flood in its own process)', { timeout: 180_000 }, async () => {
    const server = await startTestServer();
    servers.push(server);
    const { detail, tA, tB } = await caseWithTwoParties(server);
    const doc = draftDocName(detail.id, 'agreement');
    const ben = await open(server, { token: tB });
    const benDraft = rawClient(server, doc, { token: tB });
    await benDraft.opened;

    // The flood lasts until this test stops it, after Ben's round trips: no race against a clock.
    const flooder = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'test', 'flooder.ts'), server.url, tA, doc, 'until-stopped', '10', '20'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    flooders.push(flooder);
    let out = '';
    const started = new Promise<void>((r) => flooder.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('flooding\n') && r())));
    const done = new Promise<void>((r) => flooder.once('exit', () => r()));
    let flooding = true;
    void done.then(() => (flooding = false));
    await started; // the flooder's draft and socket connections are open and sending
    // Ben's round trips, one after another, while the flood goes on: a request on the socket, and a
    // sync step 1 → step 2 exchange on the draft.
    let socketTrips = 0;
    let draftTrips = 0;
    const stateVector = new Uint8Array([0, 0, 1, 0]); // [sync, step1, length 1, empty state vector]
    // Counted as they arrive: Ben also receives every relayed flood update ([0, 2, …]), and re-reading
    // that growing list on each check would cost this process more than the server spends.
    let scanned = 0;
    let step2Count = 0;
    const step2s = () => {
      const m = benDraft.messages;
      for (; scanned < m.length; scanned++) if (m[scanned]![0] === 0 && m[scanned]![1] === 1) step2Count++;
      return step2Count;
    };
    while (flooding && (socketTrips < 20 || draftTrips < 20)) {
      await must(ben, 'thread:list', {});
      socketTrips++;
      const before = step2s();
      benDraft.send(stateVector);
      await until(() => step2s() > before || !flooding, 60_000, 'Ben’s draft round trip');
      draftTrips++;
    }
    const stillFlooding = flooding;
    flooder.kill('SIGTERM');
    await done;
    const stats = JSON.parse(out.trim().split('\n').at(-1)!) as { ioRefused: number; acksLimited: number; draftRefused: number; draftClosed: Record<string, number> };
    // Twenty of each completed while the flood was still going…
    expect({ socketTrips, draftTrips, stillFlooding }).toEqual({ socketTrips: 20, draftTrips: 20, stillFlooding: true });
    // …because the flood met the limits: surplus connections refused, requests over budget refused.
    expect(stats.ioRefused).toBeGreaterThan(0);
    expect(stats.acksLimited).toBeGreaterThan(0);
    expect(stats.draftRefused + (stats.draftClosed['1013'] ?? 0)).toBeGreaterThan(0);
  });
});
