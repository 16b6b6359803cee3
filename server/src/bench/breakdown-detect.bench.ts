/**
 * Benchmark: how soon the server notices that a party's connection is gone, and tells the others
 * (issue 5, IMI 3.6.13). Real server and mediasoup worker, socket.io over loopback. The party talks
 * to the server through a TCP relay we control, so two kinds of loss can be made:
 *   - silent: the relay stops forwarding without closing anything (a dead Wi-Fi, a pulled cable):
 *     only socket.io's heartbeat can notice (pingInterval + pingTimeout);
 *   - closed: the relay resets both sides (the laptop lid closes, the tab is killed).
 * Each run measures, on the mediator's socket, the time from the cut to the party's presence turning
 * 'reconnecting'; then how long a fresh connection takes from dial to back in the same room
 * (handshake + session:join within the grace period). Results: bench/results/breakdown-detect.json.
 */
import net from 'node:net';
import type { CaseDetail, Presence } from '@parley/shared';
import { connect, consent, createCase, must, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { run, spread, writeResult } from './results.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 12);

/** A TCP relay to the server whose connections can be cut silently or closed. */
class Relay {
  readonly #server: net.Server;
  readonly #pairs = new Set<{ a: net.Socket; b: net.Socket }>();
  port = 0;

  constructor(target: number) {
    this.#server = net.createServer((a) => {
      const b = net.connect(target, '127.0.0.1');
      const pair = { a, b };
      this.#pairs.add(pair);
      a.pipe(b);
      b.pipe(a);
      const end = () => {
        a.destroy();
        b.destroy();
        this.#pairs.delete(pair);
      };
      a.on('error', end).on('close', end);
      b.on('error', end).on('close', end);
    });
  }
  listen(): Promise<void> {
    return new Promise((r) => this.#server.listen(0, '127.0.0.1', () => ((this.port = (this.#server.address() as net.AddressInfo).port), r())));
  }
  /** Nothing passes any more, nothing is closed: both ends believe the other is just quiet. */
  blackhole(): void {
    for (const { a, b } of this.#pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  }
  reset(): void {
    for (const { a, b } of this.#pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.#pairs.clear();
  }
  close(): void {
    this.reset();
    this.#server.close();
  }
}

function waitPresence(m: ClientSocket, id: string, connection: Presence['connection']): Promise<number> {
  return new Promise((resolve) => {
    const on = (p: Presence) => {
      if (p.id === id && p.connection === connection) {
        m.off('participant:updated', on);
        resolve(performance.now());
      }
    };
    m.on('participant:updated', on);
  });
}

async function main() {
  const server = await startTestServer();
  const cookie = await signIn(server);
  const detail: CaseDetail = await createCase(server, cookie);
  const token = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  await consent(server, token, detail);
  const m = await connect(server, { caseId: detail.id }, { cookie });
  await must(m, 'session:join', {});
  const relay = new Relay(Number(new URL(server.url).port));
  await relay.listen();
  const viaRelay = { ...server, url: `http://127.0.0.1:${relay.port}` };

  const detect = { silent: [] as number[], closed: [] as number[] };
  const rejoin: number[] = [];
  const { room } = await must(m, 'room:create', { name: 'Bench caucus' });
  try {
    for (let i = 0; i < RUNS * 2; i++) {
      const kind = i % 2 === 0 ? 'silent' : 'closed';
      const t0 = performance.now();
      const a = await connect(viaRelay, { token });
      const joined = await must(a, 'session:join', {});
      if (i > 0) {
        rejoin.push(performance.now() - t0);
        if (joined.self.roomId !== room.id) throw new Error(`run ${i}: came back to ${joined.self.roomId}, not the caucus`);
      } else {
        await must(m, 'room:move', { participantIds: [joined.self.id], roomId: room.id });
      }
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 2500)); // cut at a random point of the heartbeat
      const seen = waitPresence(m, joined.self.id, 'reconnecting');
      const cutAt = performance.now();
      if (kind === 'silent') relay.blackhole();
      else relay.reset();
      detect[kind].push((await seen) - cutAt);
      a.close();
    }
  } finally {
    relay.close();
    m.close();
    await server.close();
  }
  const result = {
    at: new Date().toISOString(),
    what: 'time from a party losing their connection to the mediator being told (presence "reconnecting"), and from dialling again to being back in the same caucus; real server + worker, loopback',
    runs: RUNS,
    silentLossDetectedMs: spread(detect.silent),
    closedConnectionDetectedMs: spread(detect.closed),
    redialToSameRoomMs: { ...spread(rejoin), runs: rejoin.length },
    note: 'silent loss is bounded by socket.io pingInterval + pingTimeout (2.5 s + 2.5 s); the browser rejoin with media is in breakdown-browser.json',
  };
  writeResult('breakdown-detect', result);
}

run(main);
