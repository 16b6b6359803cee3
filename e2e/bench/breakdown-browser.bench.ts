/**
 * Benchmark: a party's network drops and comes back, in real Chromium through the real SFU
 * (issue 5; IMI 3.6.13). The party's browser context goes offline (Playwright `setOffline`), stays
 * offline until the mediator's page shows them reconnecting, then 2 s more, and comes back. Per run:
 *   - detectMs: offline → the mediator's page shows the party "reconnecting";
 *   - rejoinMs: back online → the party's page is back in the session (status joined);
 *   - mediaMs:  back online → the mediator receives the party's audio again (packets > 0).
 * Clocks: every page and this process read the same machine's wall clock (Date.now()).
 * Results: bench/results/breakdown-browser.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';
import { repoRoot, startPlatform } from '../support/server.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 12);

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

/** Polls `fn` in the page until it returns true; the page's Date.now() when it did. */
function until(page: Page, fn: string, timeoutMs = 30_000): Promise<number> {
  return page.evaluate(
    async ([body, limit]) => {
      const test = new Function(`return (async () => (${body}))()`) as () => Promise<boolean>;
      const deadline = Date.now() + limit;
      while (Date.now() < deadline) {
        if (await test()) return Date.now();
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`not within ${limit} ms: ${body}`);
    },
    [fn, timeoutMs] as const,
  );
}

const connectionOf = (name: string) => `window.__parleyDebug.state().others.find((p) => p.displayName === ${JSON.stringify(name)})?.connection`;

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
    // A long grace period: every run must be a reconnect, never a pause.
    await api(info.url, 'PUT', `/api/cases/${detail.id}/breakdown`, { cookie, body: { ...detail.breakdown, graceSeconds: 600 } });
    const fresh = (await api(info.url, 'GET', `/api/cases/${detail.id}`, { cookie })).body;
    const linkA = fresh.participants.find((p: { displayName: string }) => p.displayName === 'Party A').invitation.url as string;
    await api(info.url, 'POST', '/api/invitation/consent', {
      bearer: new URL(linkA).hash.replace('#t=', ''),
      body: { acceptedClauseIds: fresh.agreement.clauses.map((c: { id: string }) => c.id), clauseSetHash: fresh.clauseSetHash },
    });
    const newContext = async (): Promise<BrowserContext> => {
      // bypassCSP: the probes below are compiled in the page (new Function), which our CSP forbids.
      const ctx = await browser.newContext({ permissions: ['camera', 'microphone'], bypassCSP: true });
      await ctx.addInitScript('window.__name = (f) => f;');
      return ctx;
    };
    const mCtx = await newContext();
    const [name, value] = cookie.split('=');
    await mCtx.addCookies([{ name: name!, value: value!, url: info.url }]);
    const m = await mCtx.newPage();
    const aCtx = await newContext();
    const a = await aCtx.newPage();
    await join(m, `${info.url}/cases/${detail.id}/session`);
    await join(a, linkA);
    const hearsA = `(await window.__parleyDebug.inboundStats()).some((s) => s.displayName === 'Party A' && s.kind === 'audio' && s.packetsReceived > 0)`;
    await until(m, hearsA);

    const detect: number[] = [];
    const rejoin: number[] = [];
    const media: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await a.waitForTimeout(500 + Math.random() * 2000); // cut at a random point of the heartbeat
      const seen = until(m, `${connectionOf('Party A')} === 'reconnecting'`);
      const cutAt = Date.now();
      await aCtx.setOffline(true);
      detect.push((await seen) - cutAt);
      await a.waitForTimeout(2000);
      const back = until(a, `window.__parleyDebug.state().connection.status === 'joined'`);
      const heard = until(m, `${connectionOf('Party A')} === 'connected' && ${hearsA}`);
      const onAt = Date.now();
      await aCtx.setOffline(false);
      rejoin.push((await back) - onAt);
      media.push((await heard) - onAt);
    }
    const result = {
      at: new Date().toISOString(),
      what: 'a party offline (Playwright setOffline) until the mediator sees them reconnecting, then back: real Chromium + real SFU on loopback',
      runs: RUNS,
      detectMs: { p50: pct(detect, 50), p95: pct(detect, 95), max: pct(detect, 100) },
      rejoinMs: { p50: pct(rejoin, 50), p95: pct(rejoin, 95), max: pct(rejoin, 100) },
      mediaBackMs: { p50: pct(media, 50), p95: pct(media, 95), max: pct(media, 100) },
      note: 'detect includes the page noticing (10 ms polling); rejoin = socket reconnect + session:join + transports + produce + media:ready; mediaBack adds ICE/DTLS and the first RTP packet at the mediator',
    };
    const out = path.join(repoRoot, 'bench', 'results', 'breakdown-browser.json');
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
