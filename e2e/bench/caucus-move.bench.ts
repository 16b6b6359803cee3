/**
 * Benchmark: how fast a caucus move is as a person experiences it, in real Chromium through the
 * real SFU. The mediator waits in a caucus; party A is moved joint → caucus → joint, ≥ 20 times.
 * For each move, from the moment the mediator's page sends `room:move`:
 *   - stopMs: the old room's audio stops reaching A (its consumer is gone from A's getStats),
 *   - flowMs: audio from the new room reaches A (packetsReceived > 0 on the new consumer).
 * All clocks are the same machine's wall clock (performance.timeOrigin + now()).
 * Results: bench/results/caucus-move.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';
import { repoRoot, startPlatform } from '../support/server.ts';

const MOVES = Number(process.env.BENCH_MOVES ?? 24);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!);
};

async function api(base: string, method: string, p: string, opts: { cookie?: string; bearer?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(base + p, { method, headers, ...(opts.body ? { body: JSON.stringify(opts.body) } : {}) });
  return { res, body: (await res.json().catch(() => undefined)) as any };
}

async function join(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Join session' }).click();
  await page.getByRole('button', { name: 'Leave session' }).waitFor();
}

/** In A's page: wait until `gone`'s audio has disappeared and `arriving`'s audio flows; epoch ms of each. */
function probe(page: Page, gone: string, arriving: string) {
  return page.evaluate(
    async ([g, n]) => {
      const dbg = (window as any).__parleyDebug;
      const now = () => performance.timeOrigin + performance.now();
      let stopAt = 0;
      let flowAt = 0;
      const deadline = now() + 15_000;
      while ((!stopAt || !flowAt) && now() < deadline) {
        const stats: Array<{ displayName: string; kind: string; packetsReceived: number }> = await dbg.inboundStats();
        if (!stopAt && !stats.some((s) => s.displayName === g && s.kind === 'audio')) stopAt = now();
        if (!flowAt && stats.some((s) => s.displayName === n && s.kind === 'audio' && s.packetsReceived > 0)) flowAt = now();
        await new Promise((r) => setTimeout(r, 5));
      }
      return { stopAt, flowAt };
    },
    [gone, arriving] as const,
  );
}

async function main() {
  const { info, child } = await startPlatform();
  const browser = await chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const token = new URL(info.signinUrl).hash.replace('#token=', '');
    const signin = await api(info.url, 'POST', '/api/auth/signin', { body: { token } });
    const cookie = signin.res.headers.get('set-cookie')!.split(';')[0]!;
    const created = await api(info.url, 'POST', '/api/cases', {
      cookie,
      body: { title: 'Bench', participants: [{ displayName: 'Party A', role: 'party', side: 'A' }, { displayName: 'Party B', role: 'party', side: 'B' }] },
    });
    const detail = created.body;
    const links: Record<string, string> = {};
    for (const p of detail.participants) if (p.invitation) links[p.displayName] = p.invitation.url;
    for (const link of Object.values(links)) {
      const t = new URL(link).hash.replace('#t=', '');
      await api(info.url, 'POST', '/api/invitation/consent', {
        bearer: t,
        body: { acceptedClauseIds: detail.agreement.clauses.map((c: { id: string }) => c.id), clauseSetHash: detail.clauseSetHash },
      });
    }
    // tsx (esbuild keepNames) wraps named functions in __name(); the functions we send to pages need it too.
    const newContext = async () => {
      const ctx = await browser.newContext({ permissions: ['camera', 'microphone'] });
      await ctx.addInitScript('window.__name = (f) => f;');
      return ctx;
    };
    const mCtx = await newContext();
    const [name, value] = cookie.split('=');
    await mCtx.addCookies([{ name: name!, value: value!, url: info.url }]);
    const m = await mCtx.newPage();
    const a = await (await newContext()).newPage();
    const b = await (await newContext()).newPage();
    await join(m, `${info.url}/cases/${detail.id}/session`);
    await join(a, links['Party A']!);
    await join(b, links['Party B']!);
    const req = (page: Page, n: string, p: unknown) => page.evaluate(([nn, pp]) => (window as any).__parleyDebug.request(nn, pp), [n, p] as const);
    const self = async (page: Page) => (await page.evaluate(() => (window as any).__parleyDebug.state())).self.id as string;
    const ids = { m: await self(m), a: await self(a) };
    const caucus = (await req(m, 'room:create', { name: 'Bench caucus' })).data.room.id as string;
    await req(m, 'room:move', { participantIds: [ids.m], roomId: caucus });
    // Wait until A hears B (joint) before measuring.
    await probe(a, 'Mediator', 'Party B');

    const stop: number[] = [];
    const flow: number[] = [];
    for (let i = 0; i < MOVES; i++) {
      const toCaucus = i % 2 === 0;
      const watching = probe(a, toCaucus ? 'Party B' : 'Mediator', toCaucus ? 'Mediator' : 'Party B');
      const sentAt: number = await m.evaluate(
        ([pid, room]) => {
          const t = performance.timeOrigin + performance.now();
          void (window as any).__parleyDebug.request('room:move', { participantIds: [pid], roomId: room });
          return t;
        },
        [ids.a, toCaucus ? caucus : 'joint'] as const,
      );
      const r = await watching;
      if (!r.stopAt || !r.flowAt) throw new Error(`move ${i} did not complete: ${JSON.stringify(r)}`);
      stop.push(r.stopAt - sentAt);
      flow.push(r.flowAt - sentAt);
      await a.waitForTimeout(300);
    }
    const result = {
      at: new Date().toISOString(),
      what: 'caucus move as experienced by the moved party, real Chromium + real SFU on loopback',
      moves: MOVES,
      oldAudioStopsMs: { p50: pct(stop, 50), p95: pct(stop, 95), max: pct(stop, 100) },
      newAudioFlowsMs: { p50: pct(flow, 50), p95: pct(flow, 95), max: pct(flow, 100) },
      note: 'stop is observed by polling getStats every ~5 ms; flow needs the first RTP packet of the new consumer after its resume round trip',
    };
    const out = path.join(repoRoot, 'bench', 'results', 'caucus-move.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
