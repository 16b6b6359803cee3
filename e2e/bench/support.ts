import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { CaseDetail } from '@parley/shared';
import { chromiumArgs } from '../playwright.config.ts';
import { startPlatform, type PlatformOptions } from '../support/server.ts';

/** What the real-browser benchmarks share: a running platform, a signed-in mediator, a case, pages. */

export async function api(base: string, method: string, p: string, opts: { cookie?: string; bearer?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(base + p, { method, headers, ...(opts.body ? { body: JSON.stringify(opts.body) } : {}) });
  return { res, body: (await res.json().catch(() => undefined)) as any };
}

export async function join(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Join session' }).click();
  await page.getByRole('button', { name: 'Leave session' }).waitFor();
}

export interface BenchPlatform {
  url: string;
  cookie: string;
  browser: Browser;
  /** A fresh browser profile with camera and microphone allowed; `mediator` adds the sign-in cookie. */
  context(opts?: { mediator?: boolean; bypassCSP?: boolean }): Promise<BrowserContext>;
  /** A case with parties A and B; every party has consented. Returns the case and each link. */
  createCase(configure?: (detail: CaseDetail) => Promise<void>): Promise<{ detail: CaseDetail; links: Record<string, string> }>;
  close(): Promise<void>;
}

/** `options`: extra settings of the platform (e.g. TURN), as for a spec's own platform. */
export async function benchPlatform(options: PlatformOptions = {}): Promise<BenchPlatform> {
  const { info, child } = await startPlatform(options);
  const browser = await chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  const token = new URL(info.signinUrl).hash.replace('#token=', '');
  const signin = await api(info.url, 'POST', '/api/auth/signin', { body: { token } });
  const cookie = signin.res.headers.get('set-cookie')!.split(';')[0]!;
  return {
    url: info.url,
    cookie,
    browser,
    async context(opts = {}) {
      const ctx = await browser.newContext({ permissions: ['camera', 'microphone'], bypassCSP: opts.bypassCSP ?? false });
      // tsx (esbuild keepNames) wraps named functions in __name(); the functions we send to pages need it too.
      await ctx.addInitScript('window.__name = (f) => f;');
      if (opts.mediator) {
        const [name, value] = cookie.split('=');
        await ctx.addCookies([{ name: name!, value: value!, url: info.url }]);
      }
      return ctx;
    },
    createCase(configure) {
      return createConsentedCase(async (method, path, body, bearer) => {
        const r = await api(info.url, method, path, { ...(bearer ? { bearer } : { cookie }), ...(body ? { body } : {}) });
        if (!r.res.ok) throw new Error(`${method} ${path}: ${r.res.status}`);
        return r.body;
      }, configure);
    },
    async close() {
      await browser.close();
      child.kill('SIGTERM');
    },
  };
}

/**
 * One HTTP call to the platform, as the mediator (or, with `bearer`, as the invitee whose link
 * token it is); resolves to the JSON body and throws on a refusal.
 */
export type ApiCall = (method: string, path: string, body?: unknown, bearer?: string) => Promise<any>;

/** A case with parties A and B, both of whom consented; returns the case and each link. */
export async function createConsentedCase(call: ApiCall, configure?: (detail: CaseDetail) => Promise<void>): Promise<{ detail: CaseDetail; links: Record<string, string> }> {
  const created = await call('POST', '/api/cases', { title: 'Bench', participants: [{ displayName: 'Party A', role: 'party', side: 'A' }, { displayName: 'Party B', role: 'party', side: 'B' }], waitingRoom: false }); // joins measured straight into the joint room
  await configure?.(created);
  // Read again: configuring (e.g. the breakdown procedure) may have changed the agreement.
  const detail: CaseDetail = await call('GET', `/api/cases/${created.id}`);
  const links: Record<string, string> = {};
  for (const p of detail.participants) {
    if (!p.invitation) continue;
    links[p.displayName] = p.invitation.url;
    const body = { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: detail.clauseSetHash };
    await call('POST', '/api/invitation/consent', body, new URL(p.invitation.url).hash.replace('#t=', ''));
  }
  return { detail, links };
}

/** In a page of the test client: true once the page sends video frames it encoded. */
export const sendsVideo = async () => ((await (window as any).__parleyDebug.outboundStats()) as Array<{ kind: string; framesEncoded: number }>).some((s) => s.kind === 'video' && s.framesEncoded > 0);

/**
 * The room most browser benchmarks measure in: a new case, the mediator and party B joined and both
 * sending video (and audio; Chromium's fake devices), each in its own browser profile. Party A's
 * link is left for the benchmark to join with whatever probe it measures with.
 */
export async function mediatorAndPartyB(platform: BenchPlatform, configure?: (detail: CaseDetail) => Promise<void>): Promise<{ detail: CaseDetail; links: Record<string, string>; mediator: Page; partyB: Page }> {
  const { detail, links } = await platform.createCase(configure);
  const { mediator, partyB } = await joinMediatorAndPartyB(await platform.context({ mediator: true }), await platform.context(), `${platform.url}/cases/${detail.id}/session`, links['Party B']!);
  return { detail, links, mediator, partyB };
}

/** The mediator (signed in in `mediatorCtx`) and party B join, and both send video. */
export async function joinMediatorAndPartyB(mediatorCtx: BrowserContext, partyCtx: BrowserContext, sessionUrl: string, linkB: string): Promise<{ mediator: Page; partyB: Page }> {
  const mediator = await mediatorCtx.newPage();
  const partyB = await partyCtx.newPage();
  await join(mediator, sessionUrl);
  await join(partyB, linkB);
  for (const p of [mediator, partyB]) await waitInPage(p, sendsVideo, undefined, 'mediator and party B send video');
  return { mediator, partyB };
}

/**
 * `createCase` configuration for benchmarks that drop a person's network: a 600 s grace period, so
 * every drop is a reconnect, never the pause of the joint session.
 */
export function longGrace(platform: BenchPlatform): (detail: CaseDetail) => Promise<void> {
  return async (d) => {
    const r = await fetch(`${platform.url}/api/cases/${d.id}/breakdown`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: platform.cookie },
      body: JSON.stringify({ ...d.breakdown, graceSeconds: 600 }),
    });
    if (!r.ok) throw new Error(`breakdown settings refused: ${r.status}`);
  };
}

/**
 * Waits until `test` (run in the page, may be async) returns true, asking every `everyMs`.
 * Playwright's waitForFunction takes a returned promise for a true answer, so async checks go here.
 */
export async function waitInPage<A>(page: Page, test: (arg: A) => boolean | Promise<boolean>, arg: A, what: string, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(test as (arg: unknown) => Promise<boolean>, arg as unknown))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
