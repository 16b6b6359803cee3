/**
 * Benchmark: what Parley's media layer costs the SFU, side by side with bare mediasoup in one run,
 * on the same worker binary (issue 12, item 1). Each load step builds the same room twice, A (a
 * minimal script on mediasoup) then B (Parley's Sfu / WorkerPool / CaseMedia), see sfu-cost/sides.ts:
 * N participants send pre-built Opus + VP8 RTP (sfu-cost/rtp.ts, no encoding) into plain transports,
 * M viewers each receive every producer over a plain transport with SRTP into a UDP sink that counts
 * packets and sequence gaps (sfu-cost/loadgen.ts, a child process). The worker is pinned to core 0,
 * the load generator and this process to core 1. Over each measuring window: worker CPU from
 * /proc/<pid>/stat (utime + stime) divided by the packets the consumers numbered (sent), loss at the
 * sinks, this process's CPU and RSS, the worker's RSS. Viewers step up until a step where neither
 * side's run is usable (≥ 0.5 % loss, or a saturated worker or load generator). A run that cannot
 * be measured (consumers that never start) is listed under `unmeasured` with why, and its step is
 * left out of the ratio. Results: bench/results/sfu-cost.json.
 *
 * Shorter runs while developing: SFU_COST_WINDOW_MS=1500 SFU_COST_VIEWERS=2,4. Also SFU_COST_REPEATS
 * (A, B pairs per step), SFU_COST_PARTICIPANTS, SFU_COST_SRTP (the consumers' crypto suite),
 * SFU_COST_SETTLE_MS, SFU_COST_BUDGET_S (no new step after it), and SFU_COST_ORDER=BA (B first at every step, to check order effects).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { MediasoupTypes } from '@parley/sfu';
import type { LoadgenRequest, LoadgenSnapshot } from './sfu-cost/loadgen.ts';
import { CORES, cpuMicros, pin, rssMb, sysctlNumber, udpReceiveBufferDrops } from './sfu-cost/procs.ts';
import { AUDIO, packetsPerSecondPerParticipant, VIDEO } from './sfu-cost/rtp.ts';
import { bestEgress, firstLimit, LOSS_LIMIT, marginalUsPerPacket, ratio, round3, usable, type RunResult, type Unmeasured } from './sfu-cost/analysis.ts';
import { bareSide, parleySide, type Room, type Side } from './sfu-cost/sides.ts';
import { run, writeResult } from './results.ts';

const env = process.env;
const WINDOW_MS = Number(env.SFU_COST_WINDOW_MS ?? 5000);
/** After every consumer's first packet: let start-up bursts (first key frames, RTCP) pass. */
const SETTLE_MS = Number(env.SFU_COST_SETTLE_MS ?? 1000);
const PARTICIPANTS = Number(env.SFU_COST_PARTICIPANTS ?? 10);
const VIEWER_STEPS = (env.SFU_COST_VIEWERS ?? '4,8,16,24,32,40,48,56,64,80').split(',').map(Number);
/**
 * What browsers get on Parley's WebRTC transports: the worker offers AEAD_AES_256_GCM first in
 * DTLS-SRTP and Chromium accepts it (e2e/bench/srtp-suite.ts reads it from Chromium's stats).
 */
const SRTP_SUITE = (env.SFU_COST_SRTP ?? 'AEAD_AES_256_GCM') as MediasoupTypes.SrtpCryptoSuite;
/** No new step starts after this long, so `npm run bench` stays within its few minutes. */
const BUDGET_MS = Number(env.SFU_COST_BUDGET_S ?? 200) * 1000;
/** A, B pairs per step (interleaved A, B, A, B). */
const REPEATS = Number(env.SFU_COST_REPEATS ?? 1);
/** A process using this much of its core is the limit; so is a load generator off its schedule. */
const SATURATED_CORE = 0.9;
const WORKER_CORE = 0;
const LOAD_CORE = 1;

/** The load generator, one request at a time over the IPC channel. */
class Loadgen {
  readonly child: ChildProcess;
  #pending: ((x: unknown) => void) | undefined;
  constructor() {
    this.child = fork(path.join(import.meta.dirname, 'sfu-cost', 'loadgen.ts'), [], { stdio: 'inherit' });
    this.child.on('message', (m) => {
      const resolve = this.#pending;
      this.#pending = undefined;
      resolve?.(m);
    });
  }
  async ask<T>(req: LoadgenRequest): Promise<T> {
    const answer = await new Promise<unknown>((resolve) => {
      this.#pending = resolve;
      this.child.send(req);
    });
    if (answer && typeof answer === 'object' && 'error' in answer) throw new Error(`load generator: ${String(answer.error)}`);
    return answer as T;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let rounds = 0;
/** What the kernel gave each sink of the last step (the 8 MiB asked for, capped at net.core.rmem_max). */
let sinkRecvBufferBytes = 0;

/** A run that could not be measured: why, kept in the result file; the step counts as not measured. */
class Unmeasurable extends Error {
  readonly code = 'SFU_COST_UNMEASURABLE';
}

/** How long every consumer has to send its first packet (video starts at a key frame, one a second). */
const FLOW_TIMEOUT_MS = 30_000;

/**
 * Waits until the sinks have seen every consumer (the window must not open on a room still starting).
 * When some never send, the run cannot be measured; the reason says which streams they carry and
 * what the machine did meanwhile (worker and generator CPU, how far the generator fell behind,
 * datagrams the kernel dropped at full receive buffers). The known way to get there is a step at
 * the edge of what the two cores carry: the generator falls behind and sends its backlog in bursts,
 * the worker's ingress sockets overflow, and a video consumer, which starts only at a key frame,
 * waits for ever when the first packet of each of its producer's key frames is the one dropped.
 */
async function waitForFlow(side: Side, room: Room, gen: Loadgen): Promise<void> {
  const deadline = Date.now() + FLOW_TIMEOUT_MS;
  const w0 = cpuMicros(side.workerPid);
  const g0 = cpuMicros(gen.child.pid!);
  const k0 = udpReceiveBufferDrops();
  const t0 = performance.now();
  let lagMs = 0;
  for (;;) {
    const snap = await gen.ask<LoadgenSnapshot>({ t: 'snap' });
    lagMs = Math.max(lagMs, snap.maxLagMs);
    const seen = new Set(snap.ssrcs);
    const missing = room.consumers.filter((c) => !seen.has(c.ssrc));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      const seconds = (performance.now() - t0) / 1000;
      const byStream = new Map<string, number>();
      for (const c of missing) byStream.set(c.of, (byStream.get(c.of) ?? 0) + 1);
      const streams = [...byStream].map(([of, n]) => `${of} ×${n}`).join(', ');
      const onlyVideo = missing.every((c) => c.of.endsWith(' video'));
      throw new Unmeasurable(
        `${missing.length} of ${room.consumers.length} consumers sent nothing within ${FLOW_TIMEOUT_MS / 1000} s (${streams}); ` +
          `meanwhile the worker used ${round3((cpuMicros(side.workerPid) - w0) / 1e6 / seconds)} core, the load generator ` +
          `${round3((cpuMicros(gen.child.pid!) - g0) / 1e6 / seconds)} core (up to ${Math.round(lagMs)} ms behind its schedule; ${snap.sent} RTP packets sent), ` +
          `and the kernel dropped ${udpReceiveBufferDrops() - k0} datagrams at full receive buffers` +
          (onlyVideo ? '; a video consumer starts only at a key frame whose first packet reached the worker (one a second; the generator does not answer key-frame requests)' : ''),
      );
    }
    await sleep(100);
  }
}

async function measure(side: Side, viewers: number, gen: Loadgen): Promise<RunResult> {
  const { ports, recvBufferBytes } = await gen.ask<{ ports: number[]; recvBufferBytes: number }>({ t: 'sinks', count: viewers });
  sinkRecvBufferBytes = recvBufferBytes;
  const room = await side.build({ participants: PARTICIPANTS, sinkPorts: ports, srtpCryptoSuite: SRTP_SUITE, round: rounds++ });
  try {
    await gen.ask({ t: 'send', targets: room.targets });
    await waitForFlow(side, room, gen);
    await sleep(SETTLE_MS);
    const genPid = gen.child.pid!;
    const s0 = await gen.ask<LoadgenSnapshot>({ t: 'snap' });
    const w0 = cpuMicros(side.workerPid);
    const g0 = cpuMicros(genPid);
    const m0 = process.cpuUsage();
    const k0 = udpReceiveBufferDrops();
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const s1 = await gen.ask<LoadgenSnapshot>({ t: 'snap' });
    const w1 = cpuMicros(side.workerPid);
    const g1 = cpuMicros(genPid);
    const m1 = process.cpuUsage(m0);
    const k1 = udpReceiveBufferDrops();
    const seconds = (performance.now() - t0) / 1000;
    const sent = s1.expected - s0.expected;
    const received = s1.received - s0.received;
    const workerCores = (w1 - w0) / 1e6 / seconds;
    const loadgenCores = (g1 - g0) / 1e6 / seconds;
    const targetIngress = PARTICIPANTS * packetsPerSecondPerParticipant();
    // Off its schedule by more than 5 % either way (behind, or catching up in bursts after a stall):
    // the generator, not the worker, shaped this window.
    const genBehind = Math.abs((s1.sent - s0.sent) / seconds / targetIngress - 1) > 0.05;
    return {
      side: side.name,
      viewers,
      consumers: room.consumers.length,
      target_egress_pps: targetIngress * viewers,
      egress_pps: Math.round(sent / seconds),
      delivered_pps: Math.round(received / seconds),
      loss_pct: round3(sent > 0 ? (100 * (sent - received)) / sent : 100),
      udp_rcvbuf_drops: k1 - k0,
      worker_cpu_cores: round3(workerCores),
      worker_us_per_packet: round3((w1 - w0) / Math.max(1, sent)),
      egress_pps_per_worker_core: Math.round(sent / seconds / Math.max(workerCores, 1e-6)),
      worker_rss_mb: rssMb(side.workerPid),
      node_main_cpu_cores: round3((m1.user + m1.system) / 1e6 / seconds),
      node_main_rss_mb: Math.round(process.memoryUsage().rss / 1e5) / 10,
      loadgen_cpu_cores: round3(loadgenCores),
      loadgen_lag_ms: Math.round(s1.maxLagMs),
      saturated: workerCores >= SATURATED_CORE ? 'worker' : loadgenCores >= SATURATED_CORE || genBehind ? 'load generator' : null,
    };
  } finally {
    room.close();
    await gen.ask({ t: 'stop' });
  }
}


async function main() {
  const pinned = pin(process.pid, LOAD_CORE);
  const gen = new Loadgen();
  pin(gen.child.pid!, LOAD_CORE);
  const sides = [await bareSide(), await parleySide()];
  if (env.SFU_COST_ORDER === 'BA') sides.reverse();
  for (const s of sides) pin(s.workerPid, WORKER_CORE);
  const runs: RunResult[] = [];
  const unmeasured: Unmeasured[] = [];
  const started = Date.now();
  let stoppedBy = 'a step where neither side was usable';
  try {
    for (const viewers of VIEWER_STEPS) {
      if (Date.now() - started > BUDGET_MS) {
        stoppedBy = `the time budget (${BUDGET_MS / 1000} s) before ${viewers} viewers`;
        break;
      }
      // A then B at every step, so whatever else the machine does falls on both.
      const step: RunResult[] = [];
      let stepUnmeasured = 0;
      for (let i = 0; i < REPEATS; i++) {
        for (const side of sides) {
          let r: RunResult;
          try {
            r = await measure(side, viewers, gen);
          } catch (e) {
            // Only a run the machine could not carry is reported and passed over; anything else is a failure.
            if (!(e instanceof Unmeasurable)) throw e;
            console.log(`${side.name} ${viewers} viewers: not measured: ${e.message}`);
            unmeasured.push({ side: side.name, viewers, reason: e.message });
            stepUnmeasured++;
            continue;
          }
          console.log(`${r.side} ${viewers} viewers: ${r.egress_pps} pps, loss ${r.loss_pct} %, worker ${r.worker_cpu_cores} core, ${r.worker_us_per_packet} µs/packet, load gen ${r.loadgen_cpu_cores} core${r.saturated ? `, saturated: ${r.saturated}` : ''}`);
          step.push(r);
        }
      }
      runs.push(...step);
      if (step.every((r) => !usable(r))) {
        if (stepUnmeasured > 0) stoppedBy = `${viewers} viewers, where no run was usable and ${stepUnmeasured} could not be measured`;
        break;
      }
      if (viewers === VIEWER_STEPS.at(-1)) stoppedBy = 'the last step';
    }
  } finally {
    for (const s of sides) s.close();
    gen.child.kill();
  }

  const a = bestEgress(runs, 'A');
  const b = bestEgress(runs, 'B');
  const usPerPacket = (side: 'A' | 'B') => runs.filter((r) => r.side === side && usable(r)).map((r) => r.worker_us_per_packet);
  writeResult('sfu-cost', {
    measured_at: new Date().toISOString(),
    machine: { cores: CORES, cpu: os.cpus()[0]?.model ?? 'unknown', pinned: pinned ? `worker on core ${WORKER_CORE}; load generator and this process on core ${LOAD_CORE}` : 'not pinned (one core or no taskset)' },
    sfu_cpu_ratio_ours_vs_bare: ratio(runs, unmeasured),
    egress_pps_per_worker_core: b?.egress_pps_per_worker_core ?? null,
    egress_pps_per_worker_core_bare: a?.egress_pps_per_worker_core ?? null,
    /** The run each egress figure comes from, with its CPU and memory. */
    best_egress: { A: a, B: b },
    worker_us_per_packet_unsaturated: { A: usPerPacket('A'), B: usPerPacket('B') },
    worker_us_per_packet_marginal: { A: marginalUsPerPacket(runs, 'A'), B: marginalUsPerPacket(runs, 'B') },
    saturated_first: { A: firstLimit(runs, unmeasured, 'A'), B: firstLimit(runs, unmeasured, 'B') },
    stepping_stopped_at: stoppedBy,
    /** Runs that could not be measured (e.g. consumers that never sent: the worker could not read its ingress), with why; their steps are not in the ratio. */
    unmeasured,
    load: {
      participants: PARTICIPANTS,
      per_participant: `Opus ${AUDIO.fps} packets/s of ${AUDIO.packetBytes} bytes + VP8 ${VIDEO.fps} fps (a key frame every ${VIDEO.keyEveryFrames} frames: ${VIDEO.keyPackets} packets; delta frames ${VIDEO.deltaPackets} packets; ${VIDEO.packetBytes} bytes each)`,
      pps_per_participant_per_viewer: packetsPerSecondPerParticipant(),
      viewers_steps: VIEWER_STEPS,
      repeats_per_step: REPEATS,
      srtp_crypto_suite: SRTP_SUITE,
      window_ms: WINDOW_MS,
      loss_limit_pct: LOSS_LIMIT * 100,
      /** Receive buffers: each sink's as the kernel gave it; the workers' ingress sockets get the system default. */
      sink_recv_buffer_bytes: sinkRecvBufferBytes,
      worker_ingress_recv_buffer_bytes: sysctlNumber('net/core/rmem_default'),
    },
    method: {
      A: 'mediasoup.createWorker with its defaults (same MEDIASOUP_WORKER_BIN); one router with MEDIA_CODECS from sfu/src/config.ts; plain transports (comedia) for the producers; per viewer one plain transport with SRTP to its sink, consumers created unpaused.',
      B: "Sfu.create (WorkerPool: worker with logLevel 'warn' and its WebRtcServer on a free port) → sfu.caseMedia() (router with MEDIA_CODECS, the 2 s stall timer) → addPeer in the joint room, createPlainTransport (sfu/src/PlainTransports.ts), produce() (mic, camera), setReady() creating the consumers paused from room membership, each resumed by confirmConsumer as the client's ack does. Not in B: ICE, DTLS and transport-wide congestion control of WebRTC transports (the same is absent from A); the stall check skips plain transports (it samples only DTLS-connected ones).",
      srtp: 'The consumers encrypt with the suite browsers get from Parley: mediasoup offers AEAD_AES_256_GCM first in DTLS-SRTP and Chromium takes it (e2e/bench/srtp-suite.ts reads srtpCipher from its RTCTransportStats). SFU_COST_SRTP measures another suite (e.g. AES_CM_128_HMAC_SHA1_80, several µs more per packet with an NSS-backed libsrtp).',
      counted: 'worker CPU = utime + stime of /proc/<worker pid>/stat over the window; packets = RTP packets the consumers numbered in the window (sequence numbers at the sinks, so dropped ones count); loss = numbered but not received.',
    },
    runs,
  });
}

run(main);
