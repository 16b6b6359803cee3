/**
 * Benchmark: how fast a caucus move is as a person experiences it, in real Chromium through the
 * real SFU. The mediator waits in a caucus; party A is moved joint → caucus → joint, ≥ 20 times.
 * For each move, from the moment the mediator's page sends `room:move`:
 *   - stopMs: the old room's audio stops reaching A (its consumer is gone from A's getStats),
 *   - deliveredMs (the key): the first sound of the new room is handed to A's playing track
 *     (RTCRtpReceiver.getSynchronizationSources(), live, polled about every millisecond),
 *   - flowMs: audio from the new room shows in A's getStats (packetsReceived > 0; the report may
 *     be up to 50 ms old).
 * And where A's time goes, from A's User Timing marks (client/src/session/timeline.ts): the offer
 * of the new consumer arrives (server and signalling), the consumer is built (SDP on A's receive
 * transport), the ack is sent (the server resumes on it), the first packet.
 * All clocks are the same machine's wall clock (performance.timeOrigin + now()).
 * Results: bench/results/caucus-move.json.
 */
import type { Page } from '@playwright/test';
import { run, spread, writeResult } from '../../server/src/bench/results.ts';
import { stepTable } from '../../server/src/bench/join-steps.ts';
import { benchPlatform, join } from './support.ts';

const MOVES = Number(process.env.BENCH_MOVES ?? 24);

/** In A's page: wait until `gone`'s audio has disappeared and `arriving`'s audio flows; epoch ms of each. */
function probe(page: Page, gone: string, arriving: string) {
  return page.evaluate(
    async ([g, n]) => {
      const dbg = (window as any).__parleyDebug;
      const now = () => performance.timeOrigin + performance.now();
      let stopAt = 0;
      let flowAt = 0;
      let firstPacketAt = 0;
      let deliveredAt = 0;
      const deadline = now() + 15_000;
      // Its own loop, about every millisecond and without getStats: the first sound of the new room
      // handed to the playing track (the receiver's live sources, not a cached report).
      const delivered = (async () => {
        while (!deliveredAt && now() < deadline) {
          const d = (dbg.audioDelivered() as Array<{ displayName: string; deliveredAt: number | null }>).find((x) => x.displayName === n && x.deliveredAt !== null);
          if (d) deliveredAt = d.deliveredAt!;
          else await new Promise((r) => setTimeout(r, 1));
        }
      })();
      while ((!stopAt || !flowAt) && now() < deadline) {
        const stats: Array<{ displayName: string; kind: string; packetsReceived: number; lastPacketReceivedAt: number | null }> = await dbg.inboundStats();
        if (!stopAt && !stats.some((s) => s.displayName === g && s.kind === 'audio')) stopAt = now();
        const flowing = stats.find((s) => s.displayName === n && s.kind === 'audio' && s.packetsReceived > 0);
        if (!flowAt && flowing) {
          flowAt = now();
          // Back from the last packet to the first at Opus's 20 ms per packet (the report may be
          // Chrome's cached one, up to 50 ms old; its count and time are of the same moment).
          if (flowing.lastPacketReceivedAt !== null) firstPacketAt = flowing.lastPacketReceivedAt - (flowing.packetsReceived - 1) * 20;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await delivered;
      return { stopAt, flowAt, firstPacketAt, deliveredAt };
    },
    [gone, arriving] as const,
  );
}

const STEPS = ['offer-received', 'consumer-built', 'offer-acked'] as const;

/** In A's page: the first mark of each step at or after `from` (epoch ms), as ms after `from`. */
function stepsAfter(page: Page, from: number): Promise<Record<string, number | null>> {
  return page.evaluate(
    ([f, steps]) => {
      const out: Record<string, number | null> = {};
      for (const step of steps) {
        const at = performance
          .getEntriesByName(`parley:${step}`, 'mark')
          .map((m) => performance.timeOrigin + m.startTime)
          .find((t) => t >= f);
        out[step] = at === undefined ? null : at - f;
      }
      return out;
    },
    [from, STEPS] as const,
  );
}

async function main() {
  const platform = await benchPlatform();
  try {
    const { detail, links } = await platform.createCase();
    const m = await (await platform.context({ mediator: true })).newPage();
    const a = await (await platform.context()).newPage();
    const b = await (await platform.context()).newPage();
    await join(m, `${platform.url}/cases/${detail.id}/session`);
    await join(a, links['Party A']!);
    await join(b, links['Party B']!);
    const req = (page: Page, n: string, p: unknown) => page.evaluate(([nn, pp]) => (window as any).__parleyDebug.request(nn, pp), [n, p] as const);
    const self = async (page: Page) => (await page.evaluate(() => (window as any).__parleyDebug.state())).self.id as string;
    const ids = { m: await self(m), a: await self(a) };
    const caucus = (await req(m, 'room:create', { name: 'Bench caucus' })).data.room.id as string;
    await req(m, 'room:move', { participantIds: [ids.m], roomId: caucus });
    // Wait until A hears B (joint) before measuring.
    await probe(a, 'Mediator', 'Party B');

    const stop: number[] = [];
    const flow: number[] = [];
    const delivered: number[] = [];
    const firstPacket: number[] = [];
    const steps: Array<Record<string, number | null>> = [];
    for (let i = 0; i < MOVES; i++) {
      const toCaucus = i % 2 === 0;
      const watching = probe(a, toCaucus ? 'Party B' : 'Mediator', toCaucus ? 'Mediator' : 'Party B');
      const sentAt: number = await m.evaluate(
        ([pid, room]) => {
          const t = performance.timeOrigin + performance.now();
          void (window as any).__parleyDebug.request('room:move', { participantIds: [pid], roomId: room });
          return t;
        },
        [ids.a, toCaucus ? caucus : 'joint'] as const,
      );
      const r = await watching;
      if (!r.stopAt || !r.flowAt || !r.deliveredAt) throw new Error(`move ${i} did not complete: ${JSON.stringify(r)}`);
      stop.push(r.stopAt - sentAt);
      flow.push(r.flowAt - sentAt);
      delivered.push(r.deliveredAt - sentAt);
      if (r.firstPacketAt) firstPacket.push(r.firstPacketAt - sentAt);
      steps.push({
        ...(await stepsAfter(a, sentAt)),
        'old-audio-gone': r.stopAt - sentAt,
        'first-audio-packet': r.firstPacketAt ? r.firstPacketAt - sentAt : null,
        'new-audio-delivered': r.deliveredAt - sentAt,
        'new-audio-flows': r.flowAt - sentAt,
      });
      await a.waitForTimeout(300);
    }
    const result = {
      at: new Date().toISOString(),
      what: 'caucus move as experienced by the moved party, real Chromium + real SFU on loopback',
      moves: MOVES,
      caucus_move_p50_ms: spread(delivered).p50,
      newAudioDeliveredMs: spread(delivered),
      oldAudioStopsMs: spread(stop),
      newAudioFlowsMs: spread(flow),
      firstAudioPacketMs: spread(firstPacket),
      steps: stepTable(steps, [...STEPS, 'old-audio-gone', 'first-audio-packet', 'new-audio-delivered', 'new-audio-flows']),
      note: 'stop and flow are observed by polling getStats every ~5 ms; Chrome answers from a report up to 50 ms old, so both may be seen up to 50 ms late. first-audio-packet estimates when the first packet of the new consumer arrived: the first report that shows packets, its last packet time less 20 ms per further packet. Since session 10 the key (caucus_move_p50_ms) is new-audio-delivered: the first sound of the new room handed to the playing track, from the receiver\'s getSynchronizationSources() polled about every millisecond (live, not a cached report); new-audio-flows is the getStats poll as before.',
    };
    writeResult('caucus-move', result);
  } finally {
    await platform.close();
  }
}

run(main);
