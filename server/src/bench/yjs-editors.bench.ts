/**
 * Benchmark: agreement-draft edits between editors in separate processes from the platform
 * (server/src/main.ts in its own process: real store, sealed write-behind persistence, compaction).
 * Each editor is y-websocket's provider as in the browser, with its own Y.Doc, WebSocket and
 * loopback address (yjs-editor.ts); the editors are spread over a few editor processes.
 *
 * Layout: real editors are on machines of their own. Here, on a small machine, 25 editor
 * processes plus the server on 2 cores measured the scheduler more than the draft path: every
 * editor the server woke preempted it (a profile put most of its time per keystroke inside
 * writev). So by default 25 editors run in 5 processes (editor i in process i mod 5), the server
 * is pinned to core 0 and the editor processes and this one to core 1 (taskset). The earlier
 * layout is BENCH_EDITOR_PROCESSES=25 BENCH_PIN=0.
 *
 *  1. A long draft (~100 KB of text from thousands of small edits by several authors) is written
 *     through one editor. Initial sync of a newly connecting editor, connect → synced, with the
 *     document open (warm) and with nobody connected (cold: loaded from the store and opened).
 *  2. With 2, 10 and 25 editors connected, several of them type at once at a person's pace into
 *     their own paragraph of that draft, caret presence included. For every keystroke: applied on
 *     its editor → applied on each other editor (per receiver), on the first and on the last of
 *     them (all received). The server's own hop from its /metrics (parley_draft_relay_seconds:
 *     arrival of the message → last write of its relay), its event-loop delay, and its event-loop
 *     thread's CPU share and time spent waiting for a core; the fan-out (first → last receiver)
 *     and the editor processes' GC pauses beside the slowest keystrokes.
 *  3. Baseline, same run: the same editors and typing at the largest step through yjs-relay.ts, a
 *     minimal y-websocket relay pinned where the server was: what the editors and the layout
 *     leave for any server.
 *
 * Clock: CLOCK_MONOTONIC via process.hrtime.bigint() in every process (one machine, one clock).
 * BENCH_SECONDS (typing per step), BENCH_JOINS, BENCH_TYPISTS, BENCH_STEPS (e.g. 25),
 * BENCH_EDITOR_PROCESSES, BENCH_PIN=0 shorten or change a run; BENCH_EDITOR_NODE_ARGS profiles the editors. Results: bench/results/yjs-editors.json.
 */
import os from 'node:os';
import { constants as perfConstants } from 'node:perf_hooks';
import path from 'node:path';
import { draftDocName } from '@parley/shared';
import { bucketQuantiles, loopDelayMs, promBuckets, promValue, propagation, series, type EditorReceipts, type SentEdit } from './measure.ts';
import { consentedCase, forkChild, machineAddress, loopThreadShare, measuredOn, monotonicMs, scrape, schedMs, startPlatform, type Child, type Platform } from './platform.ts';
import { run, writeResult } from './results.ts';
import { cpuMicros, pin } from './sfu-cost/procs.ts';

const STEPS = (process.env.BENCH_STEPS ?? '2,10,25').split(',').map(Number);
const TYPE_MS = Number(process.env.BENCH_SECONDS ?? 25) * 1000;
const JOINS = Number(process.env.BENCH_JOINS ?? 20);
const TYPISTS = Number(process.env.BENCH_TYPISTS ?? 5);
const PROCESSES = Math.max(1, Number(process.env.BENCH_EDITOR_PROCESSES ?? 5));
const PIN = process.env.BENCH_PIN !== '0' && os.availableParallelism() >= 2;
const SERVER_CORE = 0;
const EDITOR_CORE = 1;
const DRAFT_CHARS = 100_000;
/** Idle time before each step's typing, to measure the CPU the processes use with nobody typing. */
const IDLE_MS = 2000;
/** Options for the editor processes' Node alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const EDITOR_NODE_ARGS = (process.env.BENCH_EDITOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
const perKey = (ms: number, keys: number) => Math.round((Math.max(0, ms) / keys) * 1000) / 1000;
const editorScript = path.join(import.meta.dirname, 'yjs-editor.ts');
const relayScript = path.join(import.meta.dirname, 'yjs-relay.ts');

type Creds = { url: string; doc: string; from: string; token?: string; cookie?: string };

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const draftDocuments = async (p: Platform) => promValue(await scrape(p), 'parley_draft_documents');

/** The server's own hop for one kind of message between two scrapes: p50, p99 in ms (from the histogram's buckets). */
function serverHop(before: string, after: string, kind: 'update' | 'presence') {
  const name = 'parley_draft_relay_seconds';
  const labels = `message="${kind}"`;
  const { n, quantiles } = bucketQuantiles(promBuckets(before, name, labels), promBuckets(after, name, labels), [0.5, 0.95, 0.99]);
  const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : Math.round(x * 1e5) / 100);
  return { n, p50: ms(quantiles[0]), p95: ms(quantiles[1]), p99: ms(quantiles[2]) };
}

async function main() {
  const platform = await startPlatform('yjs');
  const procs: Child[] = [];
  try {
    // 20 participants and the mediator; editors past the 21st are a second window of someone.
    const { detail, people } = await consentedCase(platform, 'Bench: agreement draft', 20, machineAddress);
    const doc = draftDocName(detail.id, 'agreement');
    const credsOf = (i: number, machine: number): Creds => {
      const k = i % (people.length + 1);
      const base = { url: platform.url, doc, from: machineAddress(machine) };
      return k === people.length ? { ...base, cookie: platform.cookie } : { ...base, token: people[k]!.token! };
    };
    const total = Math.max(...STEPS);
    for (let i = 0; i < Math.min(PROCESSES, total); i++) procs.push(forkChild(editorScript, [], EDITOR_NODE_ARGS));
    await Promise.all(procs.map((e) => e.request({ cmd: 'ping' })));
    const layout = {
      editorProcesses: procs.length,
      editorsPerProcess: Math.ceil(total / procs.length),
      pinned: PIN && pin(platform.pid, SERVER_CORE) && procs.every((c) => pin(c.process.pid!, EDITOR_CORE)) && pin(process.pid, EDITOR_CORE),
    };
    const where = layout.pinned ? `server on core ${SERVER_CORE}; editor processes and the bench on core ${EDITOR_CORE}` : 'not pinned';
    console.error(`yjs-editors: ${total} editors in ${procs.length} processes, ${where}`);
    /** The process of editor i. */
    const proc = (i: number) => procs[i % procs.length]!;
    const editor = (i: number) => ({ request: <T>(req: { cmd: string; [k: string]: unknown }) => proc(i).request<T>({ ...req, editor: i }) });

    // 1. The long draft, then newly connecting editors.
    await editor(0).request({ cmd: 'connect', creds: credsOf(0, 0) });
    const draft = await editor(0).request<{ edits: number; updates: number; chars: number; paragraphs: number; encodedBytes: number }>({ cmd: 'seed', chars: DRAFT_CHARS, authors: 4, seed: 12, batch: 100 });
    type Join = { totalMs: number; afterOpenMs: number; chars: number };
    const join = (k: number) => proc(1 + k).request<Join>({ cmd: 'join', creds: credsOf(k, 100 + k) });
    // The first join also waits until the server has applied every batch the seeding editor sent.
    await until(async () => (await join(0)).chars === draft.chars, 'the draft to reach the server');
    const warm: Join[] = [];
    for (let k = 1; k <= JOINS; k++) warm.push(await join(k));
    await editor(0).request({ cmd: 'disconnect' });
    const cold: Join[] = [];
    for (let k = 1; k <= Math.ceil(JOINS / 2); k++) {
      // Nobody has it open: the next connection loads it from the store.
      await until(async () => (await draftDocuments(platform)) === 0, 'the draft to be stored and unloaded');
      cold.push(await join(JOINS + k));
    }
    for (const j of [...warm, ...cold]) if (j.chars !== draft.chars) throw new Error(`a joining editor got ${j.chars} characters of ${draft.chars}`);

    // 2. Edits between 2, 10, 25 editors.
    const steps = [];
    let connected = 0;
    for (const n of STEPS) {
      const joining = Array.from({ length: n - connected }, (_, j) => connected + j);
      await Promise.all(joining.map((i) => editor(i).request({ cmd: 'connect', creds: credsOf(i, i) })));
      connected = n;
      const present = procs.slice(0, Math.min(n, procs.length));
      // Editors 0…TYPISTS-1 type: one per process while there are enough processes.
      const typists = Array.from({ length: Math.min(n, TYPISTS) }, (_, i) => editor(i));
      steps.push(await typingStep({ n, present, all: procs, typists, paragraphs: draft.paragraphs, serverPid: platform.pid, scrape: () => scrape(platform) }));
      console.error(`yjs-editors: ${JSON.stringify(steps.at(-1))}`);
    }

    // 3. The baseline: the same editors and typing at the most editors, through a minimal
    // y-websocket relay (yjs-relay.ts) in a process of its own where Parley's server was.
    await Promise.all(Array.from({ length: connected }, (_, i) => editor(i).request({ cmd: 'disconnect' })));
    const relayProc = forkChild(relayScript);
    let baseline;
    try {
      const relayPinned = layout.pinned && pin(relayProc.process.pid!, SERVER_CORE);
      const { url } = await relayProc.request<{ url: string }>({ cmd: 'listen' });
      const relayCreds = (i: number): Creds => ({ url, doc, from: machineAddress(i) });
      await editor(0).request({ cmd: 'connect', creds: relayCreds(0) });
      await editor(0).request({ cmd: 'seed', chars: DRAFT_CHARS, authors: 4, seed: 12, batch: 100 });
      await Promise.all(Array.from({ length: total - 1 }, (_, j) => editor(j + 1).request({ cmd: 'connect', creds: relayCreds(j + 1) })));
      const typists = Array.from({ length: Math.min(total, TYPISTS) }, (_, i) => editor(i));
      baseline = { relay: 'yjs-relay.ts', relayPinned, ...(await typingStep({ n: total, present: procs, all: procs, typists, paragraphs: draft.paragraphs, serverPid: relayProc.process.pid! })) };
      console.error(`yjs-editors: baseline ${JSON.stringify(baseline)}`);
    } finally {
      await Promise.all(Array.from({ length: total }, (_, i) => editor(i).request({ cmd: 'disconnect' }).catch(() => undefined)));
      await relayProc.close();
    }

    const at25 = steps.find((s) => s.editors === 25);
    writeResult('yjs-editors', {
      ...measuredOn(),
      clock: 'CLOCK_MONOTONIC (process.hrtime.bigint()) in every process',
      layout: { ...layout, where, editors: total },
      draft: { ...draft, authors: 4 },
      initialSyncMs: {
        warm: { ...series(warm.map((j) => j.totalMs)), afterOpen: series(warm.map((j) => j.afterOpenMs)) },
        cold: { ...series(cold.map((j) => j.totalMs)), afterOpen: series(cold.map((j) => j.afterOpenMs)) },
      },
      typingSecondsPerStep: TYPE_MS / 1000,
      steps,
      yjs_p99_ms_25_editors: at25 ? at25.allReceivedMs.p99 : null,
      baseline,
      note: 'warm: someone has the draft open; cold: nobody does, it is read from the store. totalMs = connect → synced (TCP, upgrade, credentials, sync); afterOpen = socket open → synced. yjs_p99_ms_25_editors is the all-received p99. firstReceived = to the first other editor. serverHopMs = the server alone (parley_draft_relay_seconds: message arrival → last write of its relay; update = the change, presence = the caret), quantiles interpolated inside its buckets.',
    });
  } finally {
    await Promise.all(procs.map((e) => e.close()));
    await platform.stop();
  }
}

type Requester = { request<T>(req: { cmd: string; [k: string]: unknown }): Promise<T> };

/**
 * One step: the typists type at a person's pace while `n` editors (in the processes `present`) are
 * connected; every keystroke is timed to each other editor. `serverPid` is the process relaying
 * (Parley's server or the baseline relay); `scrape` reads Parley's /metrics (the baseline has none).
 */
async function typingStep(o: { n: number; present: Child[]; all: Child[]; typists: Requester[]; paragraphs: number; serverPid: number; scrape?: () => Promise<string> }) {
  const { n, present, typists } = o;
  const paragraphOf = (i: number) => (i * 7 + 3) % o.paragraphs;
  // A short unrecorded warm-up, so the figures are of a running session rather than a first keystroke.
  await Promise.all(typists.map((e, i) => e.request({ cmd: 'type', paragraph: paragraphOf(i), durationMs: 2000, seed: 1000 + i })));
  await converged(present);
  await Promise.all(present.map((e) => e.request({ cmd: 'reset' })));
  // What the processes use with nobody typing (timers, pings, metrics), taken off below.
  const editorCpu = () => o.all.reduce((us, c) => us + cpuMicros(c.process.pid!) / 1000, 0);
  const [idleServer0, idleEditors0, idleT0] = [schedMs(o.serverPid).cpu, editorCpu(), performance.now()];
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleSeconds = (performance.now() - idleT0) / 1000;
  const idle = { server: (schedMs(o.serverPid).cpu - idleServer0) / idleSeconds, editors: (editorCpu() - idleEditors0) / idleSeconds };
  const metrics0 = await o.scrape?.();
  const sched0 = schedMs(o.serverPid);
  const editorCpu0 = editorCpu();
  const t0 = performance.now();
  const typingFrom = monotonicMs();
  await Promise.all(typists.map((e, i) => e.request({ cmd: 'type', paragraph: paragraphOf(i), durationMs: TYPE_MS, seed: n * 100 + i })));
  // On the clock of a V8 CPU profile (µs), to cut the typing out of the editors' --cpu-prof.
  const typingTo = monotonicMs();
  console.error(`yjs-editors: ${n} editors typed from ${Math.round(typingFrom * 1000)} to ${Math.round(typingTo * 1000)} µs (CLOCK_MONOTONIC)`);
  const metrics1 = await o.scrape?.();
  const sched1 = schedMs(o.serverPid);
  const editorCpu1 = editorCpu();
  const seconds = (performance.now() - t0) / 1000;
  await converged(present);
  const collected = (await Promise.all(present.map((e) => e.request<Array<EditorReceipts & { sent: SentEdit[]; digest: string }>>({ cmd: 'collect' })))).flat();
  if (collected.length !== n) throw new Error(`${collected.length} editors answered, ${n} expected`);
  if (new Set(collected.map((c) => c.digest)).size !== 1) throw new Error(`the ${n} editors' drafts differ`);
  const sent = collected.flatMap((c) => c.sent);
  const p = propagation(sent, collected);
  if (p.missing > 0) throw new Error(`${p.missing} (edit, editor) pairs never arrived`);
  // Pauses while keystrokes were on their way (not those of converging and collecting, after).
  const lastArrival = typingTo + Math.max(...p.allReceived);
  const pauses = (await Promise.all(present.map((e) => e.request<GcPause[]>({ cmd: 'gc' })))).map((list) => list.filter((g) => g.at >= typingFrom && g.at <= lastArrival));
  const gc = gcBesideTail(sent, p.allReceived, pauses, seconds);
  return {
    editors: n,
    typing: typists.length,
    keystrokes: sent.length,
    keystrokesPerSecond: Math.round((sent.length / (TYPE_MS / 1000)) * 10) / 10,
    perReceiverMs: series(p.perReceiver),
    firstReceivedMs: series(p.firstReceived),
    allReceivedMs: series(p.allReceived),
    // first → last receiver: the fan-out, done on the editors' core one receiver after another.
    fanOutMs: series(p.allReceived.map((all, k) => all - p.firstReceived[k]!)),
    editorGc: gc,
    ...(metrics0 && metrics1
      ? {
          serverHopMs: { update: serverHop(metrics0, metrics1, 'update'), presence: serverHop(metrics0, metrics1, 'presence') },
          serverLoopDelayMs: loopDelayMs(metrics1),
        }
      : {}),
    serverLoopThread: loopThreadShare(sched0, sched1, seconds),
    // CPU time per keystroke, which the machine's load does not inflate the way it does latency.
    cpuMsPerKeystroke: {
      serverLoopThread: perKey(sched1.cpu - sched0.cpu - idle.server * seconds, sent.length),
      editorProcesses: perKey(editorCpu1 - editorCpu0 - idle.editors * seconds, sent.length),
    },
  };
}

type GcPause = { at: number; ms: number; kind: number };

/**
 * The editor processes' garbage-collection pauses, and how many of the slowest 5 % of keystrokes
 * (all received) had a pause of some editor process inside their window (made → last applied).
 * `allReceived[k]` belongs to `sent[k]` (propagation() keeps the order when nothing is missing).
 */
function gcBesideTail(sent: SentEdit[], allReceived: number[], perProcess: GcPause[][], seconds: number) {
  const cut = [...allReceived].sort((a, b) => a - b)[Math.floor(allReceived.length * 0.95)] ?? Infinity;
  const all = perProcess.flat();
  const slow = sent.flatMap((s, k) => (allReceived[k]! >= cut ? [{ from: s.at, to: s.at + allReceived[k]! }] : []));
  const withGc = slow.filter((w) => all.some((g) => g.at < w.to && g.at + g.ms > w.from)).length;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    pausesPerSecondPerProcess: round(all.length / perProcess.length / seconds),
    pauseMs: all.length ? series(all.map((g) => g.ms)) : null,
    majorPauses: all.filter((g) => g.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR).length,
    slowestKeystrokes: slow.length,
    slowestWithAPause: withGc,
  };
}

/** Waits until every editor has every edit (same state vector everywhere). */
async function converged(procs: Child[]): Promise<void> {
  await until(async () => new Set((await Promise.all(procs.map((e) => e.request<string[]>({ cmd: 'state' })))).flat()).size === 1, 'the editors to converge');
}

run(main);
