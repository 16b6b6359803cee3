import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConsumerOfferAck, type ConsumerOffer } from '@parley/shared';
import { acceptConsumers, captureLogs, connect, consentedCase, fakeDtls, must, opusParameters, signIn, startTestServer, type ClientSocket } from '../test/harness.ts';
import { fuzzLimits, garbage, jsonSchemaOfSchema, nearValid, watchCrashes } from '../test/fuzz.ts';
import { until } from '../test/yjs.ts';

/**
 * The other client → server input on a socket: the ack of a `consumer:receive` offer, which the
 * server validates (ConsumerOfferAck) before it resumes a consumer. Fuzzed with answers derived
 * from that schema and garbage: a valid `{ ok: true }` resumes the consumer; anything else closes
 * it ('not-received', with a log line), and nothing else changes; no crash. FUZZ_RUNS and
 * FUZZ_SEED as in fuzz.integration.test.ts.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const logs = captureLogs();
let watch: ReturnType<typeof watchCrashes>;
let server: Awaited<ReturnType<typeof startTestServer>>;
const sockets: ClientSocket[] = [];
let viewer: { s: ClientSocket; id: string; offers: Array<{ offer: ConsumerOffer; ack: (a: unknown) => void }>; closed: Array<{ consumerId: string; reason: string }> };
let sender: { s: ClientSocket; transportId: string; mic: string | null };
let caseId = '';
let ssrc = 7000;

beforeAll(async () => {
  watch = watchCrashes();
  server = await startTestServer({}, undefined, fuzzLimits(), logs.logger);
  const { detail, tA, tB } = await consentedCase(server, await signIn(server));
  caseId = detail.id;
  const a = await connect(server, { token: tA });
  const b = await connect(server, { token: tB });
  sockets.push(a, b);
  a.off('consumer:receive', acceptConsumers);
  const offers: typeof viewer.offers = [];
  const closed: typeof viewer.closed = [];
  a.on('consumer:receive', (offer, ack) => offers.push({ offer, ack: ack as (x: unknown) => void }));
  a.on('consumer:closed', (c) => closed.push(c));
  const joined = await must(a, 'session:join', {});
  await must(a, 'transport:create', { direction: 'recv' });
  await must(a, 'media:ready', { rtpCapabilities: joined.routerRtpCapabilities as never });
  viewer = { s: a, id: joined.self.id, offers, closed };
  await must(b, 'session:join', {});
  const send = await must(b, 'transport:create', { direction: 'send' });
  await must(b, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtls });
  sender = { s: b, transportId: send.id, mic: null };
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
  watch?.stop();
});

const answers = fc.oneof({ weight: 3, arbitrary: nearValid(jsonSchemaOfSchema('consumer:receive ack', ConsumerOfferAck), [], 'consumer:receive ack') }, { weight: 1, arbitrary: garbage() });

async function oneRun(answer: unknown): Promise<void> {
  // A fresh microphone from the sender: the viewer is offered a consumer of it.
  if (sender.mic) await must(sender.s, 'producer:close', { producerId: sender.mic });
  const offered = viewer.offers.length;
  sender.mic = (await must(sender.s, 'producer:create', { transportId: sender.transportId, kind: 'audio', rtpParameters: opusParameters((ssrc += 10)), source: 'mic' })).producerId;
  await until(() => viewer.offers.length > offered, 10_000, 'the offer');
  const { offer, ack } = viewer.offers[offered]!;
  const media = server.sfu.getCase(caseId)!;
  const state = () => media.consumerStates(viewer.id).find((c) => c.consumerId === offer.consumerId);
  const others = () => JSON.stringify(server.live.get(caseId)!.members().map((m) => ({ id: m.id, producers: media.producersOf(m.id) })));
  const before = others();
  const mark = logs.lines.length;
  ack(answer);
  const valid = ConsumerOfferAck.safeParse(answer);
  if (valid.success && valid.data.ok) {
    await until(() => state()?.paused === false, 10_000, 'the consumer resumed');
  } else {
    await until(() => viewer.closed.some((c) => c.consumerId === offer.consumerId && c.reason === 'not-received'), 10_000, 'the consumer closed');
    expect(state()).toBeUndefined();
    expect(logs.lines.slice(mark).some((l) => l.consumerId === offer.consumerId && l.level >= 30)).toBe(true);
  }
  expect(others()).toBe(before);
  expect(watch.crashes).toEqual([]);
  expect(viewer.s.connected && sender.s.connected).toBe(true);
}

describe('fuzzing the consumer:receive ack', { timeout: 180_000 }, () => {
  it('a valid ok resumes the consumer, anything else closes it with a log line; nothing else changes, no crash', async () => {
    await fc.assert(fc.asyncProperty(answers, oneRun), { numRuns: RUNS, endOnFailure: true, ...(SEED !== undefined ? { seed: SEED } : {}) });
  });
});
