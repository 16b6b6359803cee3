/**
 * The SFU cost benchmark's load generator, a child process of sfu-cost.bench.ts pinned to its own
 * core: it replays pre-built Opus + VP8 RTP into the producers' plain transports (one UDP socket per
 * participant, the transport learns it from the first packet) and counts what the consumers send to
 * its UDP sinks (one socket per viewer), per SSRC, with loss from sequence-number gaps. SRTP leaves
 * the RTP header in the clear, so nothing is decrypted. Driven over the fork IPC channel.
 */
import dgram from 'node:dgram';
import { isRtcp, ReplayStream, SeqTracker } from './rtp.ts';

export type LoadgenRequest =
  | { t: 'sinks'; count: number }
  | { t: 'send'; targets: Array<{ port: number; audioSsrc: number; videoSsrc: number }> }
  | { t: 'snap' }
  | { t: 'stop' };

export interface LoadgenSnapshot {
  /** Packets the consumers numbered (sent) so far, summed over SSRCs. */
  expected: number;
  received: number;
  rtcp: number;
  ssrcs: number[];
  /** RTP packets the replay has sent so far. */
  sent: number;
  /** Longest the pacing loop ran behind its schedule since the last snapshot, ms: the generator itself is the limit. */
  maxLagMs: number;
}

const HOST = '127.0.0.1';
/**
 * Large receive buffers: the sinks must not be where packets are dropped. The kernel caps the
 * request at net.core.rmem_max without a word, so what each sink got is read back and reported.
 */
const RECV_BUFFER = 8 * 1024 * 1024;

let sinks: dgram.Socket[] = [];
let senders: dgram.Socket[] = [];
const trackers = new Map<number, SeqTracker>();
let rtcp = 0;
let sent = 0;
let maxLagMs = 0;
let pacing: ReturnType<typeof setTimeout> | undefined;

async function openSinks(count: number): Promise<{ ports: number[]; recvBufferBytes: number }> {
  const ports: number[] = [];
  let recvBufferBytes = Infinity;
  for (let i = 0; i < count; i++) {
    const s = dgram.createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER });
    s.on('message', (msg) => {
      if (isRtcp(msg)) {
        rtcp++;
        return;
      }
      const ssrc = msg.readUInt32BE(8);
      let t = trackers.get(ssrc);
      if (!t) trackers.set(ssrc, (t = new SeqTracker()));
      t.add(msg.readUInt16BE(2));
    });
    await new Promise<void>((resolve) => s.bind(0, HOST, resolve));
    ports.push(s.address().port);
    recvBufferBytes = Math.min(recvBufferBytes, s.getRecvBufferSize());
    sinks.push(s);
  }
  return { ports, recvBufferBytes: count > 0 ? recvBufferBytes : 0 };
}

interface Paced {
  stream: ReplayStream;
  socket: dgram.Socket;
  port: number;
  due: number;
  interval: number;
}

async function startSending(targets: Array<{ port: number; audioSsrc: number; videoSsrc: number }>): Promise<void> {
  const paced: Paced[] = [];
  const t0 = performance.now();
  for (const [i, target] of targets.entries()) {
    const socket = dgram.createSocket('udp4');
    // RTCP from the producers' transports (receiver reports, key-frame requests) is read and dropped.
    socket.on('message', () => {});
    await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
    senders.push(socket);
    // Participants start spread over one frame so their bursts do not all coincide.
    const phase = (i / targets.length) * 20;
    paced.push({ stream: new ReplayStream({ kind: 'audio', ssrc: target.audioSsrc, fps: 50 }, { seq: 1000 * i, timestamp: 7 * i }), socket, port: target.port, due: t0 + phase, interval: 20 });
    paced.push({ stream: new ReplayStream({ kind: 'video', ssrc: target.videoSsrc, fps: 30 }, { seq: 2000 * i, timestamp: 11 * i }), socket, port: target.port, due: t0 + phase * 1.6, interval: 1000 / 30 });
  }
  const tick = () => {
    const now = performance.now();
    for (const p of paced) {
      if (now - p.due > maxLagMs) maxLagMs = now - p.due;
      while (p.due <= now) {
        for (const buf of p.stream.next()) {
          p.socket.send(buf, p.port, HOST);
          sent++;
        }
        p.due += p.interval;
      }
    }
    pacing = setTimeout(tick, 2);
  };
  tick();
}

function snapshot(): LoadgenSnapshot {
  let expected = 0;
  let received = 0;
  for (const t of trackers.values()) {
    expected += t.expected;
    received += t.received;
  }
  const lag = maxLagMs;
  maxLagMs = 0;
  return { expected, received, rtcp, ssrcs: [...trackers.keys()], sent, maxLagMs: lag };
}

async function stop(): Promise<void> {
  clearTimeout(pacing);
  await Promise.all([...sinks, ...senders].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  sinks = [];
  senders = [];
  trackers.clear();
  rtcp = 0;
  sent = 0;
  maxLagMs = 0;
}

process.on('message', (req: LoadgenRequest) => {
  const reply = (x: unknown) => process.send!(x);
  const fail = (e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) });
  switch (req.t) {
    case 'sinks':
      openSinks(req.count).then(reply, fail);
      break;
    case 'send':
      // The lag counted from here on is the generator's own.
      startSending(req.targets).then(() => reply({ ok: true }), fail);
      break;
    case 'snap':
      reply(snapshot());
      break;
    case 'stop':
      stop().then(() => reply({ ok: true }), fail);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
