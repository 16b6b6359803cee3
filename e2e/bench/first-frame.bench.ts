/**
 * Benchmark: time to first frame for a party joining, in real Chromium, against a minimal mediasoup
 * page in the same run (issue 12, scope 2). On Parley the mediator and party B are in the session
 * with camera and microphone (Chromium's fake devices); party A joins in a fresh browser profile
 * each round. On the bare page (bare/server.ts) one page sends the fake camera and the measured
 * page joins in a fresh profile each round. Rounds alternate between the two (and which goes
 * first), so both see the same machine. Per round, from the page's own clock (frame-probe.ts):
 *   - prejoin ready: navigation start → the join button is visible and enabled;
 *   - ttff: the click on it → the first remote video frame presented (requestVideoFrameCallback);
 *   - all frames: the click → a frame from every remote camera (2 on Parley, 1 on the bare page);
 *   - first packet: the click → the first RTP packet of a remote video stream (getStats, 5 ms);
 *   - busy: ms of the page's long tasks between the click and the first frame;
 *   - steps: the first User Timing mark of each step after the click ("parley:<step>",
 *     "bare:<step>"), whatever steps and order the page has; a step not marked is null.
 * Two series, rounds of each interleaved the same way. The key figures: the person spends
 * PAUSE_MS on the pre-join screen after the button became usable (a glance at their own picture;
 * the same pause on both pages), which is what the pre-join preparation (device, a receive
 * transport already connected) is for. Beside them, the click the moment the button is usable,
 * while the page may still be settling (`immediate`).
 * Results: bench/results/first-frame.json. BENCH_TTFF_ROUNDS (default 20), BENCH_TTFF_IMMEDIATE_ROUNDS
 * (default 10), BENCH_TTFF_PAUSE_MS (default 1000).
 */
import os from 'node:os';
import type { BrowserContext, Page } from '@playwright/test';
import { run, writeResult } from '../../server/src/bench/results.ts';
import { frameStepTable, markedStepsAfter, spreadOfPresent, type FrameRound } from '../../server/src/bench/join-steps.ts';
import { startBare } from './bare/start.ts';
import { addProbe, framesAfter, probedContext, readProbe, settlePacketWatch, waitForFrames, type ProbeOptions } from './frame-probe.ts';
import { benchPlatform, mediatorAndPartyB, waitInPage, type BenchPlatform } from './support.ts';

const ROUNDS = Number(process.env.BENCH_TTFF_ROUNDS ?? 20);
const IMMEDIATE_ROUNDS = Number(process.env.BENCH_TTFF_IMMEDIATE_ROUNDS ?? 10);
/** How long the person looks at the pre-join screen before clicking, in the key series. */
const PAUSE_MS = Number(process.env.BENCH_TTFF_PAUSE_MS ?? 1000);
const PARLEY: ProbeOptions = { button: 'Join session', videoPrefix: 'Video of ' };
const BARE: ProbeOptions = { button: 'Join', videoPrefix: 'Video of ' };
/** Steps known today; steps the page marks that are not listed here are reported too. */
const PARLEY_STEPS = ['socket-connected', 'join-ack', 'device-loaded', 'recv-transport-created', 'media-ready-ack', 'consumer-built', 'recv-transport-connected', 'send-transport-connected', 'producer-created'];
const BARE_STEPS = ['socket-connected', 'device-loaded', 'recv-transport-created', 'consumer-built', 'recv-transport-connected', 'resume-ack'];
/** Not steps after the click: the moments we measure from. */
const MOMENTS = ['prejoin-ready', 'join-click'];

interface Round extends FrameRound {
  prejoinReady: number | null;
  /** The page's own "ready" mark, when it has one (Parley's parley:prejoin-ready), from navigation start. */
  prejoinMark: number | null;
  /** Long tasks between the click and the first frame: how long the page's main thread was blocked. */
  busyBeforeFirstFrame: number | null;
}

/** One measured join in `ctx`: navigate, wait for the button, click, wait for `remotes` remote frames. */
async function measureJoin(ctx: BrowserContext, url: string, probe: ProbeOptions, markPrefix: string, remotes: number, knownSteps: string[], pauseMs: number): Promise<{ page: Page; round: Round }> {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`${markPrefix} page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as any).__frameProbe?.buttonUsableAt != null, undefined, { polling: 50, timeout: 30_000 });
  if (pauseMs > 0) await page.waitForTimeout(pauseMs);
  await page.getByRole('button', { name: probe.button, exact: true }).click();
  const clickAt = (await readProbe(page, markPrefix)).clicks[0];
  if (clickAt === undefined) throw new Error(`the click on "${probe.button}" was not seen by the probe`);
  await waitForFrames(page, clickAt, remotes);
  await settlePacketWatch(page, clickAt);
  const reading = await readProbe(page, markPrefix);
  return {
    page,
    round: {
      prejoinReady: reading.buttonUsableAt,
      prejoinMark: reading.marks['prejoin-ready']?.[0] ?? null,
      ...framesAfter(reading, clickAt, remotes),
      steps: markedStepsAfter(reading.marks, clickAt, knownSteps, MOMENTS),
    },
  };
}

/** Parley: party A joins the running session, is measured, then leaves for good before the next round. */
async function parleyRound(platform: BenchPlatform, link: string, mediator: Page, pauseMs: number): Promise<Round> {
  const ctx = await platform.context();
  await addProbe(ctx, PARLEY);
  try {
    const { page, round } = await measureJoin(ctx, link, PARLEY, 'parley:', 2, PARLEY_STEPS, pauseMs);
    // Leave as a person does (the client tells the server and closes for good), so the next round is a join, not a rejoin.
    const leave = page.getByRole('button', { name: 'Leave session' });
    await leave.click();
    await leave.waitFor({ state: 'detached', timeout: 30_000 });
    // And the server is done with A: the mediator no longer receives anything of A.
    await waitInPage(mediator, async () => !(await (window as any).__parleyDebug.inboundStats()).some((s: { displayName: string }) => s.displayName === 'Party A'), undefined, 'the mediator no longer receives party A');
    return round;
  } finally {
    await ctx.close();
  }
}

async function bareRound(platform: BenchPlatform, url: string, pauseMs: number): Promise<Round> {
  const ctx = await probedContext(platform.browser, BARE);
  try {
    return (await measureJoin(ctx, url, BARE, 'bare:', 1, BARE_STEPS, pauseMs)).round;
  } finally {
    await ctx.close();
  }
}

function summary(rounds: Round[]) {
  return {
    prejoinReadyMs: spreadOfPresent(rounds.map((r) => r.prejoinReady)),
    prejoinMarkMs: spreadOfPresent(rounds.map((r) => r.prejoinMark)),
    firstFrameMs: spreadOfPresent(rounds.map((r) => r.firstFrame)),
    allFramesMs: spreadOfPresent(rounds.map((r) => r.allFrames)),
    firstFrameReceivedMs: spreadOfPresent(rounds.map((r) => r.firstFrameReceived)),
    firstPacketMs: spreadOfPresent(rounds.map((r) => r.firstPacket)),
    busyBeforeFirstFrameMs: spreadOfPresent(rounds.map((r) => r.busyBeforeFirstFrame)),
    steps: frameStepTable(rounds),
    perRound: rounds,
  };
}

async function main() {
  const platform = await benchPlatform({ name: 'bench-first-frame' });
  const bare = await startBare();
  try {
    // Parley: mediator and party B in the session, both sending camera and microphone.
    const { links, mediator: m } = await mediatorAndPartyB(platform);
    // Bare: one page sending the fake camera.
    const sender = await (await platform.browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
    await sender.goto(`${bare.url}/?send`);
    sender.on('console', (msg) => msg.type() === 'error' && console.error(`bare sender: ${msg.text()}`));
    await waitInPage(
      sender,
      async () => {
        const status = document.getElementById('status')?.textContent ?? '';
        if (status.startsWith('Failed')) throw new Error(`the bare sender failed: ${status}`);
        const frames = (window as any).framesEncoded as (() => Promise<number>) | undefined;
        return !!frames && (await frames()) > 0;
      },
      undefined,
      'the bare sender sends video',
    );

    // One unmeasured join each: the first load compiles and caches each page's code.
    await parleyRound(platform, links['Party A']!, m, 0);
    await bareRound(platform, bare.url, 0);
    /** `rounds` of each page, interleaved (and which goes first alternates), clicking `pauseMs` after the button is usable. */
    const series = async (rounds: number, pauseMs: number, name: string) => {
      const parley: Round[] = [];
      const bareRounds: Round[] = [];
      for (let i = 0; i < rounds; i++) {
        const runParley = async () => parley.push(await parleyRound(platform, links['Party A']!, m, pauseMs));
        const runBare = async () => bareRounds.push(await bareRound(platform, bare.url, pauseMs));
        if (i % 2 === 0) await runParley().then(runBare);
        else await runBare().then(runParley);
        const [pr, br] = [parley.at(-1)!, bareRounds.at(-1)!];
        console.error(`${name} round ${i + 1}/${rounds}: parley ${pr.firstFrame?.toFixed(0)} ms (busy ${pr.busyBeforeFirstFrame}), bare ${br.firstFrame?.toFixed(0)} ms (busy ${br.busyBeforeFirstFrame})`);
        if (process.env.BENCH_TTFF_VERBOSE) console.error(JSON.stringify(pr.steps));
      }
      return { p: summary(parley), q: summary(bareRounds) };
    };
    const { p, q } = await series(ROUNDS, PAUSE_MS, 'paused');
    const immediate = await series(IMMEDIATE_ROUNDS, 0, 'immediate');
    writeResult('first-frame', {
      at: new Date().toISOString(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', loadavg1: os.loadavg()[0] },
      what: `party joins with two people already in the session: navigation → join button usable, then after ${PAUSE_MS} ms on the pre-join screen, click → first presented remote frame; the same for a minimal mediasoup page with the same pause, rounds interleaved; real Chromium, real SFU, loopback. "immediate": the same, clicking the moment the button is usable`,
      rounds: ROUNDS,
      pause_ms: PAUSE_MS,
      ttff_click_p50_ms: p.firstFrameMs.p50,
      ttff_click_p95_ms: p.firstFrameMs.p95,
      ttff_bare_page_p50_ms: q.firstFrameMs.p50,
      ttff_bare_page_p95_ms: q.firstFrameMs.p95,
      prejoin_ready_p50_ms: p.prejoinReadyMs.p50,
      prejoin_ready_p95_ms: p.prejoinReadyMs.p95,
      bare_prejoin_ready_p50_ms: q.prejoinReadyMs.p50,
      bare_prejoin_ready_p95_ms: q.prejoinReadyMs.p95,
      parley: p,
      bare: q,
      immediate: {
        rounds: IMMEDIATE_ROUNDS,
        ttff_click_p50_ms: immediate.p.firstFrameMs.p50,
        ttff_click_p95_ms: immediate.p.firstFrameMs.p95,
        ttff_bare_page_p50_ms: immediate.q.firstFrameMs.p50,
        ttff_bare_page_p95_ms: immediate.q.firstFrameMs.p95,
        parley: immediate.p,
        bare: immediate.q,
      },
      note: 'times are the page\'s performance.now(); frames from requestVideoFrameCallback (presentationTime), first packet from getStats polled every 5 ms after the click; steps are the first "parley:<step>" / "bare:<step>" mark after the click, ordered by p50, null where not marked. Parley\'s party also opens and sends its camera and microphone; the bare page only receives.',
    });
  } finally {
    bare.stop();
    await platform.close();
  }
}

run(main);
