import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConsumerOffer, type ConsumerOfferAck } from '@parley/shared';
import {
  acceptConsumers, captureLogs, connect, consentedCase, fakeDtls, must, opusParameters, request, signIn, startTestServer, vp8Parameters,
  type ClientSocket,
} from '../test/harness.ts';

/**
 * Consumers reach a client in one server → client request (`consumer:receive`) whose ack resumes
 * them, against the real server and mediasoup worker, with raw clients that answer (or do not) by hand.
 */
const ACK_TIMEOUT_MS = 1_500;
const logs = captureLogs();
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({}, undefined, undefined, logs.logger, { consumerAckTimeoutMs: ACK_TIMEOUT_MS });
  cookie = await signIn(server);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});
beforeEach(() => {
  for (const s of sockets) s.close();
  sockets = [];
});

interface Offered {
  offer: ConsumerOffer;
  ack: (answer: unknown) => void;
}

/** A party who answers consumer offers by hand: each offer is kept with its ack. */
async function viewer(token: string) {
  const s = await connect(server, { token });
  sockets.push(s);
  s.off('consumer:receive', acceptConsumers);
  const offers: Offered[] = [];
  const order: string[] = [];
  s.on('consumer:receive', (offer, ack) => {
    order.push('offer');
    offers.push({ offer, ack: ack as (answer: unknown) => void });
  });
  const joined = await must(s, 'session:join', {});
  await must(s, 'transport:create', { direction: 'recv' });
  return { s, offers, order, id: joined.self.id, caps: joined.routerRtpCapabilities };
}

/**
 * A party who joins and sends one camera (or microphone) (the harness's client: it takes its
 * offers). A camera by default: video is what waits for the ack; sound flows at once.
 */
async function sender(token: string, ssrc: number, source: 'camera' | 'mic' = 'camera') {
  const s = await connect(server, { token });
  sockets.push(s);
  await must(s, 'session:join', {});
  const send = await must(s, 'transport:create', { direction: 'send' });
  await must(s, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtls });
  const what =
    source === 'camera'
      ? ({ kind: 'video', rtpParameters: vp8Parameters(ssrc), source: 'camera' } as const)
      : ({ kind: 'audio', rtpParameters: opusParameters(ssrc), source: 'mic' } as const);
  return { s, produce: () => must(s, 'producer:create', { transportId: send.id, ...what }) };
}

async function setup() {
  const { detail, tA, tB } = await consentedCase(server, cookie);
  const a = await viewer(tA);
  const b = await sender(tB, 5000 + Math.floor(Math.random() * 1000) * 10);
  const media = server.sfu.getCase(detail.id)!;
  const stateOf = (consumerId: string) => media.consumerStates(a.id).find((c) => c.consumerId === consumerId);
  const closedAt = (s: ClientSocket) => {
    const closed: Array<{ consumerId: string; reason: string }> = [];
    s.on('consumer:closed', (c) => closed.push(c));
    return closed;
  };
  return { a, b, media, stateOf, closed: closedAt(a.s) };
}

/** A is ready, then B starts sending: A holds B's camera offer, unanswered. */
async function oneOffer() {
  const it = await setup();
  await must(it.a.s, 'media:ready', { rtpCapabilities: it.a.caps as never });
  const { producerId } = await it.b.produce();
  await expect.poll(() => it.a.offers.length).toBe(1);
  return { ...it, producerId, ...it.a.offers[0]! };
}

describe('consumer delivery', () => {
  it('a second participant publishing sends the first exactly one offer; the consumer stays paused until the ack, then resumes', async () => {
    const { a, b, media, stateOf } = await setup();
    expect((await must(a.s, 'media:ready', { rtpCapabilities: a.caps as never })).consumers).toBe(0);

    const { producerId } = await b.produce();
    await expect.poll(() => a.offers.length).toBe(1);
    const [{ offer, ack }] = a.offers as [Offered];
    // What the server sends is what the shared schema says it sends.
    expect(ConsumerOffer.parse(offer)).toMatchObject({ producerId, kind: 'video', source: 'camera', label: 'Camera' });
    expect(stateOf(offer.consumerId)).toMatchObject({ producerId, paused: true });

    ack({ ok: true } satisfies ConsumerOfferAck);
    await expect.poll(() => stateOf(offer.consumerId)?.paused).toBe(false);
    // Still one offer for one producer, and one consumer of it on the server.
    expect(a.offers).toHaveLength(1);
    expect(media.consumedProducerIds(a.id)).toEqual([producerId]);
  });

  it('sound is offered already flowing: no key frame to wait for; the ack only confirms it, and none still closes it', async () => {
    const { detail, tA, tB } = await consentedCase(server, cookie);
    const a = await viewer(tA);
    const b = await sender(tB, 5000 + Math.floor(Math.random() * 1000) * 10, 'mic');
    await must(a.s, 'media:ready', { rtpCapabilities: a.caps as never });
    const { producerId } = await b.produce();
    await expect.poll(() => a.offers.length).toBe(1);
    const [{ offer }] = a.offers as [Offered];
    expect(offer).toMatchObject({ producerId, kind: 'audio' });
    const media = server.sfu.getCase(detail.id)!;
    expect(media.consumerStates(a.id).find((c) => c.consumerId === offer.consumerId)?.paused).toBe(false);
    // Never answered: closed all the same.
    const closed: Array<{ consumerId: string }> = [];
    a.s.on('consumer:closed', (c) => closed.push(c));
    await expect.poll(() => closed.map((c) => c.consumerId), { timeout: ACK_TIMEOUT_MS + 10_000 }).toEqual([offer.consumerId]);
  });

  it('offers what is already there at media:ready the same way, before media:ready is answered', async () => {
    const { a, b, stateOf } = await setup();
    const { producerId } = await b.produce();
    const ready = must(a.s, 'media:ready', { rtpCapabilities: a.caps as never }).then((r) => {
      a.order.push('ready');
      return r;
    });
    expect((await ready).consumers).toBe(1);
    expect(a.order).toEqual(['offer', 'ready']);
    const [{ offer, ack }] = a.offers as [Offered];
    expect(offer.producerId).toBe(producerId);
    expect(stateOf(offer.consumerId)?.paused).toBe(true);
    ack({ ok: true });
    await expect.poll(() => stateOf(offer.consumerId)?.paused).toBe(false);
  });

  it('a join that asks to receive opens the receive transport and offers what is there in the same round trip', async () => {
    const { detail, tA, tB } = await consentedCase(server, cookie);
    const b = await sender(tB, 5000 + Math.floor(Math.random() * 1000) * 10);
    const { producerId } = await b.produce();
    const s = await connect(server, { token: tA });
    sockets.push(s);
    s.off('consumer:receive', acceptConsumers);
    const offers: Offered[] = [];
    s.on('consumer:receive', (offer, ack) => offers.push({ offer, ack: ack as (answer: unknown) => void }));
    const { routerRtpCapabilities } = await must(s, 'session:prepare', {});

    const joined = await must(s, 'session:join', { receive: { rtpCapabilities: routerRtpCapabilities as never } });
    expect(joined.receive).toMatchObject({ offers: 1, transport: { id: expect.any(String), iceCandidates: expect.any(Array) } });
    await expect.poll(() => offers.length).toBe(1);
    const [{ offer, ack }] = offers as [Offered];
    expect(offer.producerId).toBe(producerId);
    const media = server.sfu.getCase(detail.id)!;
    const stateOf = () => media.consumerStates(joined.self.id).find((c) => c.consumerId === offer.consumerId);
    expect(stateOf()?.paused).toBe(true);
    ack({ ok: true } satisfies ConsumerOfferAck);
    await expect.poll(() => stateOf()?.paused).toBe(false);
    // That was the receive transport: a second one is refused.
    expect((await request(s, 'transport:create', { direction: 'recv' })).ok).toBe(false);
  });

  it('a join that does not ask to receive opens nothing: the client creates its receive transport itself', async () => {
    const { tA } = await consentedCase(server, cookie);
    const s = await connect(server, { token: tA });
    sockets.push(s);
    expect((await must(s, 'session:join', {})).receive).toBeNull();
    expect((await request(s, 'transport:create', { direction: 'recv' })).ok).toBe(true);
  });

  it('closes a consumer whose offer is never answered, says so, and offers it again at the next media:ready', async () => {
    const { a, media, stateOf, closed, producerId, offer: first } = await oneOffer();
    expect(stateOf(first.consumerId)?.paused).toBe(true);

    // No answer: closed on the server, and the client is told (it may have built it late).
    await expect.poll(() => closed, { timeout: ACK_TIMEOUT_MS + 10_000 }).toEqual([{ consumerId: first.consumerId, reason: 'not-received' }]);
    expect(media.consumedProducerIds(a.id)).toEqual([]);
    expect(logs.lines.some((l) => l.msg === 'consumer not acknowledged in time; closed' && l.consumerId === first.consumerId && l.level === 40)).toBe(true);
    // A late ack changes nothing.
    a.offers[0]!.ack({ ok: true });

    // Its next media:ready offers it again, as a new consumer.
    expect((await must(a.s, 'media:ready', { rtpCapabilities: a.caps as never })).consumers).toBe(1);
    const again = a.offers[1]!;
    expect(again.offer.producerId).toBe(producerId);
    expect(again.offer.consumerId).not.toBe(first.consumerId);
    again.ack({ ok: true });
    await expect.poll(() => stateOf(again.offer.consumerId)?.paused).toBe(false);
  });

  it('refuses a malformed ack without crashing: the consumer is closed, the connection keeps working', async () => {
    const { a, b, stateOf, closed, offer, ack } = await oneOffer();
    ack({ ok: true, resumeEveryone: true });
    await expect.poll(() => closed).toEqual([{ consumerId: offer.consumerId, reason: 'not-received' }]);
    expect(stateOf(offer.consumerId)).toBeUndefined();
    expect(logs.lines.some((l) => l.msg === 'malformed consumer ack refused; consumer closed' && l.consumerId === offer.consumerId)).toBe(true);
    expect((await request(a.s, 'thread:list', {})).ok).toBe(true);
    expect((await request(b.s, 'thread:list', {})).ok).toBe(true);
  });

  it('closes a consumer the client says it could not build', async () => {
    const { stateOf, closed, offer, ack } = await oneOffer();
    ack({ ok: false, reason: 'could not build the consumer' } satisfies ConsumerOfferAck);
    await expect.poll(() => closed).toEqual([{ consumerId: offer.consumerId, reason: 'not-received' }]);
    expect(stateOf(offer.consumerId)).toBeUndefined();
  });
});
