/**
 * Benchmark: time to first frame for a party joining over a slow link, with the receive side
 * connected on the pre-join screen (what the client does) and without (the join opens and connects
 * it), rounds interleaved. On loopback the two are alike (bench/README.md): connecting costs no
 * round trips there. A real party's network does: ICE and DTLS take about three round trips before
 * any picture can come, which the prepared receive transport moves to the pre-join screen.
 *
 * Party A's Chromium runs in a network namespace (e2e/support/netns.ts) whose media traffic crosses
 * a user-space relay adding DELAY_MS each way (e2e/support/weak-link.ts; signalling is not delayed).
 * The mediator and party B are in the session on the host, sending camera and microphone. Each
 * round, A opens the link, stays PREJOIN_MS on the pre-join screen (a person looks at their own
 * picture first), clicks "Join session", and we time until both remote videos presented a frame.
 * "Without" is the test build's switch window.__parleyNoPrepareReceive (client/src/session/debug-hook.ts).
 * Results: bench/results/slow-link-join.json. BENCH_SLOW_ROUNDS (default 12 each), BENCH_SLOW_DELAY_MS.
 */
import os from 'node:os';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { run, writeResult } from '../../server/src/bench/results.ts';
import { frameStepTable, markedStepsAfter, spreadOfPresent, type FrameRound } from '../../server/src/bench/join-steps.ts';
import { startNetnsPlatform } from '../support/netns-platform.ts';
import { startWeakLink } from '../support/weak-link.ts';
import { addProbe, framesAfter, readProbe, settlePacketWatch, waitForFrames, type ProbeOptions } from './frame-probe.ts';
import { createConsentedCase, joinMediatorAndPartyB, waitInPage, type ApiCall } from './support.ts';

const ROUNDS = Number(process.env.BENCH_SLOW_ROUNDS ?? 12);
const DELAY_MS = Number(process.env.BENCH_SLOW_DELAY_MS ?? 40);
const PREJOIN_MS = 1_500;
const HOST_IP = '10.77.113.1';
const PARTY_IP = '10.77.113.2';
const MEDIA_PORT = 46300;
const PROBE: ProbeOptions = { button: 'Join session', videoPrefix: 'Video of ' };
const STEPS = ['join-ack', 'recv-transport-created', 'recv-transport-connecting', 'consumer-built', 'offer-acked', 'session-shown', 'recv-transport-connected'];

type Variant = 'prepared' | 'unprepared';

/**
 * A case with parties A and B who both consented; the mediator and B in its session, sending. The
 * platform's certificate is one the host browser trusts, so the calls go through the mediator's page.
 */
async function sessionWithTwo(host: Browser, url: string, storageState: string): Promise<{ linkA: string; mediator: Page }> {
  const mediatorCtx = await host.newContext({ storageState, permissions: ['camera', 'microphone'] });
  await mediatorCtx.addInitScript('window.__name = (f) => f;');
  const caller = await mediatorCtx.newPage();
  await caller.goto(url);
  const call: ApiCall = (method, path, body, bearer) =>
    caller.evaluate(
      async ({ method, path, body, bearer }) => {
        const res = await fetch(path, { method, headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
        return res.json();
      },
      { method, path, body, bearer },
    );
  const { detail, links } = await createConsentedCase(call);
  await caller.close();
  const bCtx = await host.newContext({ permissions: ['camera', 'microphone'] });
  await bCtx.addInitScript('window.__name = (f) => f;');
  const { mediator } = await joinMediatorAndPartyB(mediatorCtx, bCtx, `${url}/cases/${detail.id}/session`, links['Party B']!);
  return { linkA: links['Party A']!, mediator };
}

async function round(inside: Browser, link: string, mediator: Page, variant: Variant): Promise<FrameRound> {
  const ctx: BrowserContext = await inside.newContext({ permissions: ['camera', 'microphone'] });
  try {
    await ctx.addInitScript('window.__name = (f) => f;');
    if (variant === 'unprepared') await ctx.addInitScript('window.__parleyNoPrepareReceive = true;');
    await addProbe(ctx, PROBE);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`party A page error: ${e.message}`));
    await page.goto(link);
    await page.waitForFunction(() => (window as any).__frameProbe?.buttonUsableAt != null, undefined, { polling: 50, timeout: 30_000 });
    await page.waitForTimeout(PREJOIN_MS);
    await page.getByRole('button', { name: PROBE.button, exact: true }).click();
    const clickAt = (await readProbe(page, 'parley:')).clicks[0];
    if (clickAt === undefined) throw new Error('the click was not seen by the probe');
    await waitForFrames(page, clickAt, 2);
    await settlePacketWatch(page, clickAt);
    const reading = await readProbe(page, 'parley:');
    const measured: FrameRound = { ...framesAfter(reading, clickAt, 2), steps: markedStepsAfter(reading.marks, clickAt, STEPS, ['prejoin-ready', 'join-click']) };
    const leave = page.getByRole('button', { name: 'Leave session' });
    await leave.click();
    await leave.waitFor({ state: 'detached', timeout: 30_000 });
    await waitInPage(mediator, async () => !(await (window as any).__parleyDebug.inboundStats()).some((s: { displayName: string }) => s.displayName === 'Party A'), undefined, 'the mediator no longer receives party A');
    return measured;
  } finally {
    await ctx.close();
  }
}

function summary(rounds: FrameRound[]) {
  return {
    firstFrameMs: spreadOfPresent(rounds.map((r) => r.firstFrame)),
    allFramesMs: spreadOfPresent(rounds.map((r) => r.allFrames)),
    steps: frameStepTable(rounds),
  };
}

async function main() {
  const env = await startNetnsPlatform({ name: 'bench-slow-link', hostIp: HOST_IP, partyIp: PARTY_IP, mediaPort: MEDIA_PORT });
  const link = await startWeakLink({ host: HOST_IP, ports: [MEDIA_PORT], delayMs: DELAY_MS, loss: 0, seed: 1 });
  let inside: Browser | undefined;
  try {
    env.net.firewall(link.natRules());
    inside = await env.launchInside();
    const { linkA, mediator } = await sessionWithTwo(env.host, env.platform.url, env.platform.storageState);
    // One unmeasured join of each: the first load compiles and caches the page's code.
    await round(inside, linkA, mediator, 'prepared');
    await round(inside, linkA, mediator, 'unprepared');
    const rounds: Record<Variant, FrameRound[]> = { prepared: [], unprepared: [] };
    for (let i = 0; i < ROUNDS; i++) {
      const order: Variant[] = i % 2 === 0 ? ['prepared', 'unprepared'] : ['unprepared', 'prepared'];
      for (const v of order) rounds[v].push(await round(inside, linkA, mediator, v));
      console.error(`round ${i + 1}/${ROUNDS}: prepared ${rounds.prepared.at(-1)!.firstFrame?.toFixed(0)} ms, unprepared ${rounds.unprepared.at(-1)!.firstFrame?.toFixed(0)} ms`);
    }
    const counts = link.counts();
    if (counts.up.forwarded === 0 || counts.down.forwarded === 0) throw new Error('no media crossed the slow link: the measurement would be of loopback');
    const prepared = summary(rounds.prepared);
    const unprepared = summary(rounds.unprepared);
    writeResult('slow-link-join', {
      at: new Date().toISOString(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', loadavg1: os.loadavg()[0] },
      what: `party joins over a link adding ${DELAY_MS} ms each way to media (${2 * DELAY_MS} ms round trip), two people already in the session, after ${PREJOIN_MS} ms on the pre-join screen: click → first presented frame of both remote videos, with the receive transport connected on the pre-join screen and without; rounds interleaved`,
      rounds: ROUNDS,
      delay_ms_each_way: DELAY_MS,
      prejoin_wait_ms: PREJOIN_MS,
      ttff_prepared_p50_ms: prepared.firstFrameMs.p50,
      ttff_unprepared_p50_ms: unprepared.firstFrameMs.p50,
      prepared,
      unprepared,
      relay: counts,
      note: 'times are the page\'s performance.now(); frames from requestVideoFrameCallback; steps are the first "parley:<step>" mark after the click, null where not marked (a prepared transport connects before the click, so its connect steps are null).',
    });
  } finally {
    await inside?.close();
    await link.close();
    await env.close();
  }
}

run(main);
