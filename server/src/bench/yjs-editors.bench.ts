/**
 * Benchmark: agreement-draft edits between editors, each editor its own process (yjs-editor.ts,
 * y-websocket's provider as in the browser, its own loopback address), the platform its own
 * process (server/src/main.ts, real store, sealed write-behind persistence, compaction).
 *
 *  1. A long draft (~100 KB of text from thousands of small edits by several authors) is written
 *     through one editor. Initial sync of a newly connecting editor, connect → synced, with the
 *     document open (warm) and with nobody connected (cold: loaded from the store and opened).
 *  2. With 2, 10 and 25 editors connected, several of them type at once at a person's pace into
 *     their own paragraph of that draft, caret presence included. For every keystroke: applied on
 *     its editor → applied on each other editor (per receiver), and → applied on all of them.
 *     Also the server's event-loop delay during each step (its /metrics).
 *
 * Clock: CLOCK_MONOTONIC via process.hrtime.bigint() in every process (one machine, one clock).
 * BENCH_SECONDS (typing per step), BENCH_JOINS, BENCH_TYPISTS shorten or change a run.
 * Results: bench/results/yjs-editors.json.
 */
import path from 'node:path';
import { draftDocName } from '@parley/shared';
import { loopDelayMs, promValue, propagation, series, type EditorReceipts, type SentEdit } from './measure.ts';
import { consentedCase, forkChild, machineAddress, loopThreadShare, measuredOn, scrape, schedMs, startPlatform, type Child, type Platform } from './platform.ts';
import { run, writeResult } from './results.ts';

const STEPS = [2, 10, 25];
const TYPE_MS = Number(process.env.BENCH_SECONDS ?? 25) * 1000;
const JOINS = Number(process.env.BENCH_JOINS ?? 20);
const TYPISTS = Number(process.env.BENCH_TYPISTS ?? 5);
const DRAFT_CHARS = 100_000;
const editorScript = path.join(import.meta.dirname, 'yjs-editor.ts');

type Creds = { url: string; doc: string; from: string; token?: string; cookie?: string };

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const draftDocuments = async (p: Platform) => promValue(await scrape(p), 'parley_draft_documents');

async function main() {
  const platform = await startPlatform('yjs');
  const editors: Child[] = [];
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
    for (let i = 0; i < total; i++) editors.push(forkChild(editorScript));
    await Promise.all(editors.map((e) => e.request({ cmd: 'ping' })));

    // 1. The long draft, then newly connecting editors.
    await editors[0]!.request({ cmd: 'connect', creds: credsOf(0, 0), index: 0 });
    const draft = await editors[0]!.request<{ edits: number; updates: number; chars: number; paragraphs: number; encodedBytes: number }>({ cmd: 'seed', chars: DRAFT_CHARS, authors: 4, seed: 12, batch: 100 });
    type Join = { totalMs: number; afterOpenMs: number; chars: number };
    const join = (k: number) => editors[1 + (k % (total - 1))]!.request<Join>({ cmd: 'join', creds: credsOf(k, 100 + k) });
    // The first join also waits until the server has applied every batch the seeding editor sent.
    await until(async () => (await join(0)).chars === draft.chars, 'the draft to reach the server');
    const warm: Join[] = [];
    for (let k = 1; k <= JOINS; k++) warm.push(await join(k));
    await editors[0]!.request({ cmd: 'disconnect' });
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
      await Promise.all(editors.slice(connected, n).map((e, j) => e.request({ cmd: 'connect', creds: credsOf(connected + j, connected + j), index: connected + j })));
      connected = n;
      const present = editors.slice(0, n);
      const typists = present.slice(0, Math.min(n, TYPISTS));
      const paragraphOf = (i: number) => (i * 7 + 3) % draft.paragraphs;
      // A short unrecorded warm-up, so the figures are of a running session rather than a first keystroke.
      await Promise.all(typists.map((e, i) => e.request({ cmd: 'type', paragraph: paragraphOf(i), durationMs: 2000, seed: 1000 + i })));
      await converged(present);
      await Promise.all(present.map((e) => e.request({ cmd: 'reset' })));
      await scrape(platform);
      const sched0 = schedMs(platform.pid);
      const t0 = performance.now();
      await Promise.all(typists.map((e, i) => e.request({ cmd: 'type', paragraph: paragraphOf(i), durationMs: TYPE_MS, seed: n * 100 + i })));
      const loop = loopDelayMs(await scrape(platform));
      const sched1 = schedMs(platform.pid);
      const seconds = (performance.now() - t0) / 1000;
      await converged(present);
      const collected = await Promise.all(present.map((e) => e.request<EditorReceipts & { sent: SentEdit[]; digest: string }>({ cmd: 'collect' })));
      if (new Set(collected.map((c) => c.digest)).size !== 1) throw new Error(`the ${n} editors' drafts differ`);
      const sent = collected.flatMap((c) => c.sent);
      const p = propagation(sent, collected);
      if (p.missing > 0) throw new Error(`${p.missing} (edit, editor) pairs never arrived`);
      steps.push({
        editors: n,
        typing: typists.length,
        keystrokes: sent.length,
        keystrokesPerSecond: Math.round((sent.length / (TYPE_MS / 1000)) * 10) / 10,
        perReceiverMs: series(p.perReceiver),
        allReceivedMs: series(p.allReceived),
        serverLoopDelayMs: loop,
        serverLoopThread: loopThreadShare(sched0, sched1, seconds),
      });
      console.error(`yjs-editors: ${JSON.stringify(steps.at(-1))}`);
    }

    const at25 = steps.find((s) => s.editors === 25);
    writeResult('yjs-editors', {
      ...measuredOn(),
      clock: 'CLOCK_MONOTONIC (process.hrtime.bigint()) in every process',
      draft: { ...draft, authors: 4 },
      initialSyncMs: {
        warm: { ...series(warm.map((j) => j.totalMs)), afterOpen: series(warm.map((j) => j.afterOpenMs)) },
        cold: { ...series(cold.map((j) => j.totalMs)), afterOpen: series(cold.map((j) => j.afterOpenMs)) },
      },
      typingSecondsPerStep: TYPE_MS / 1000,
      steps,
      yjs_p99_ms_25_editors: at25 ? at25.allReceivedMs.p99 : null,
      note: 'warm: someone has the draft open; cold: nobody does, it is read from the store. totalMs = connect → synced (TCP, upgrade, credentials, sync); afterOpen = socket open → synced. yjs_p99_ms_25_editors is the all-received p99.',
    });
  } finally {
    await Promise.all(editors.map((e) => e.close()));
    await platform.stop();
  }
}

/** Waits until every editor has every edit (same state vector everywhere). */
async function converged(editors: Child[]): Promise<void> {
  await until(async () => new Set(await Promise.all(editors.map((e) => e.request<string>({ cmd: 'state' })))).size === 1, 'the editors to converge');
}

run(main);
