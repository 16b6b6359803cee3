/**
 * Many people's signalling connections in one process, driven by socketio-ack.bench.ts over IPC:
 * socket.io-client as the browser uses it, each socket a consented participant presenting their
 * own invitation from their own loopback address.
 *
 * Requests:
 *   open {url, people}           connects them (a few at a time) and lists each one's threads, as
 *                                the client does when it opens; a person's own `url` wins, and a
 *                                node that sends them on (`moved`, several nodes) is followed
 *   background {meanIntervalMs}  from now on each socket, at random (exponential) intervals, posts in
 *                                its joint thread, lists its threads or reads a page of history;
 *                                and marks a thread read a moment after half the messages it receives
 *   probe {durationMs, gapMs}    every socket asks `thread:list`, waits for the ack, waits `gapMs`,
 *                                again, until the time is up: the ack round trips (monotonic clock),
 *                                and this process's own event-loop delay meanwhile (a late prober
 *                                lengthens the round trips it measures)
 *   stats                        what the background did, and refusals
 *   close
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@parley/shared';
import { monotonicMs, serveParent, type ChildRequest } from './platform.ts';

type Ack = { ok: boolean; data?: any; error?: { code: string; message: string } };

interface Member {
  socket: Socket;
  participantId: string;
  joint: string;
  threads: string[];
}

const members: Member[] = [];
const stats = { requests: 0, refused: {} as Record<string, number>, messagesReceived: 0, disconnects: {} as Record<string, number>, moved: 0 };
let background: { meanIntervalMs: number } | null = null;

function ask(s: Socket, name: string, payload: unknown, timeoutMs = 30_000): Promise<Ack> {
  return (s.timeout(timeoutMs) as unknown as { emitWithAck: (n: string, p: unknown) => Promise<Ack> }).emitWithAck(name, payload);
}

async function must(s: Socket, name: string, payload: unknown): Promise<any> {
  const r = await ask(s, name, payload);
  if (!r.ok) throw new Error(`${name} refused: ${r.error?.code} ${r.error?.message}`);
  return r.data;
}

function counted(m: Member, name: string, payload: unknown): void {
  stats.requests++;
  ask(m.socket, name, payload).then(
    (r) => {
      if (!r.ok) stats.refused[r.error!.code] = (stats.refused[r.error!.code] ?? 0) + 1;
    },
    () => (stats.refused.timeout = (stats.refused.timeout ?? 0) + 1),
  );
}

/** Exponential waiting time: people act independently of each other. */
const nextGap = (mean: number) => -Math.log(1 - Math.random()) * mean;

function act(m: Member): void {
  if (!background || !m.socket.connected) return;
  const roll = Math.random();
  if (roll < 1 / 3) counted(m, 'message:send', { threadId: m.joint, body: 'I can agree to that if the payment is made by the end of the month.', clientId: randomUUID() });
  else if (roll < 2 / 3) counted(m, 'thread:list', {});
  else counted(m, 'thread:history', { threadId: m.threads[Math.floor(Math.random() * m.threads.length)], limit: 50 });
  setTimeout(() => act(m), nextGap(background.meanIntervalMs));
}

/** Connects to `url`; a node that does not run the person's case sends them on (several nodes), as the browser follows. */
async function open(url: string, p: { token: string; from: string }, hops = 0): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    auth: { protocol: PROTOCOL_VERSION, token: p.token },
    localAddress: p.from,
    reconnection: false,
    forceNew: true,
  } as never);
  const moveTo = await new Promise<string | null>((resolve, reject) => {
    socket.once('connect', () => resolve(null));
    socket.once('connect_error', (err) => {
      const data = (err as Error & { data?: { code?: string; moveTo?: string } }).data;
      if (data?.code === 'moved' && data.moveTo && hops < 3) return resolve(data.moveTo);
      reject(new Error(`connect refused: ${err.message}`));
    });
  });
  if (moveTo === null) return socket;
  socket.close();
  stats.moved++;
  return open(moveTo, p, hops + 1);
}

async function connect(url: string, p: { token: string; from: string; participantId: string }): Promise<Member> {
  const socket = await open(url, p);
  const { threads } = (await must(socket, 'thread:list', {})) as { threads: Array<{ id: string; kind: string }> };
  const m: Member = { socket, participantId: p.participantId, joint: threads.find((t) => t.kind === 'joint')!.id, threads: threads.map((t) => t.id) };
  socket.on('disconnect', (reason) => (stats.disconnects[reason] = (stats.disconnects[reason] ?? 0) + 1));
  socket.on('message:posted' as never, (msg: { threadId: string; seq: number; author: { id: string } }) => {
    stats.messagesReceived++;
    if (!background || msg.author.id === m.participantId || Math.random() < 0.5) return;
    // Seen on screen a moment later: the client marks the thread read.
    setTimeout(() => counted(m, 'thread:read', { threadId: msg.threadId, upToSeq: msg.seq }), 500 + Math.random() * 2500);
  });
  return m;
}

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'ping':
      return 'pong';
    case 'open': {
      // Each person's `url` (several nodes: the one a load balancer gave them), or the one given for all.
      const people = req.people as Array<{ token: string; from: string; participantId: string; url?: string }>;
      const added: Member[] = [];
      // A few at a time, as people arrive; the server's per-address handshake budget is never the limit here.
      for (let i = 0; i < people.length; i += 10) added.push(...(await Promise.all(people.slice(i, i + 10).map((p) => connect(p.url ?? String(req.url), p)))));
      members.push(...added);
      if (background) for (const m of added) setTimeout(() => act(m), nextGap(background.meanIntervalMs));
      return members.length;
    }
    case 'background': {
      const start = !background;
      background = { meanIntervalMs: Number(req.meanIntervalMs) };
      if (start) for (const m of members) setTimeout(() => act(m), nextGap(background.meanIntervalMs));
      return null;
    }
    case 'probe': {
      const until = monotonicMs() + Number(req.durationMs);
      const gap = Number(req.gapMs);
      const samples: number[] = [];
      const RESOLUTION_MS = 5;
      const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      loop.enable();
      await Promise.all(
        members.map(async (m, i) => {
          // Spread the first asks over one gap so the probes do not march in step.
          await new Promise((r) => setTimeout(r, (gap * i) / members.length));
          while (monotonicMs() < until) {
            const t0 = monotonicMs();
            const r = await ask(m.socket, 'thread:list', {});
            const t1 = monotonicMs();
            if (!r.ok) throw new Error(`thread:list refused: ${r.error?.code} ${r.error?.message}`);
            samples.push(t1 - t0);
            await new Promise((res) => setTimeout(res, gap));
          }
        }),
      );
      loop.disable();
      // Node's samples include the sampling interval itself.
      const late = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
      return { samples, loopDelayMs: { p99: late(loop.percentile(99)), max: late(loop.max) } };
    }
    case 'stats':
      return { sockets: members.length, connected: members.filter((m) => m.socket.connected).length, ...stats };
    case 'close':
      background = null;
      for (const m of members) m.socket.close();
      return null;
    default:
      throw new Error(`unknown request ${req.cmd}`);
  }
}

serveParent(handle);
