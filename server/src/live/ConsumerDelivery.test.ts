import { describe, expect, it } from 'vitest';
import type { ConsumerOffer } from '@parley/shared';
import { captureLogs } from '../test/harness.ts';
import { deliverConsumer, type ConsumerMedia, type OfferChannel } from './ConsumerDelivery.ts';

const offer: ConsumerOffer = {
  consumerId: crypto.randomUUID(),
  transportId: crypto.randomUUID(),
  producerId: crypto.randomUUID(),
  participantId: 'participant-b',
  kind: 'video',
  source: 'camera',
  label: 'Camera',
  rtpParameters: {},
  producerPaused: false,
};

/** Media that records what delivery decided; every offer starts unconfirmed. */
function fakeMedia(): ConsumerMedia & { calls: string[] } {
  const calls: string[] = [];
  let pending = true;
  return {
    calls,
    consumerAckTimeoutMs: 50,
    async confirmConsumer(_peer, id) {
      calls.push(`confirm ${id === offer.consumerId}`);
      const was = pending;
      pending = false;
      return was;
    },
    refuseConsumer(_peer, id) {
      calls.push(`refuse ${id === offer.consumerId}`);
      const was = pending;
      pending = false;
      return was;
    },
  };
}

/** A connection whose client answers `answer` (or never, when it rejects like socket.io's timeout). */
const channel = (answer: () => Promise<unknown>, connected = true): OfferChannel & { sent: unknown[] } => {
  const sent: unknown[] = [];
  return {
    sent,
    connected,
    timeout: () => ({
      emitWithAck: (event, o) => {
        sent.push([event, o]);
        return answer();
      },
    }),
  };
};

describe('deliverConsumer', () => {
  it('sends one consumer:receive and resumes on a valid ok ack', async () => {
    const media = fakeMedia();
    const ch = channel(async () => ({ ok: true }));
    expect(await deliverConsumer(media, 'viewer', ch, offer, captureLogs().logger)).toBe('resumed');
    expect(ch.sent).toEqual([['consumer:receive', offer]]);
    expect(media.calls).toEqual(['confirm true']);
  });

  it('closes it when the client says it could not build it', async () => {
    const media = fakeMedia();
    const { logger, lines } = captureLogs();
    expect(await deliverConsumer(media, 'viewer', channel(async () => ({ ok: false, reason: 'no decoder' })), offer, logger)).toBe('declined');
    expect(media.calls).toEqual(['refuse true']);
    expect(lines.find((l) => l.msg === 'client could not receive a consumer; closed')).toMatchObject({ reason: 'no decoder' });
  });

  it.each([[{ ok: 'yes' }], [{ ok: true, extra: 1 }], [{ ok: false }], ['ok'], [null], [{ ok: false, reason: 'x'.repeat(201) }]])(
    'refuses the malformed ack %j: closes the consumer and logs a warning',
    async (answer) => {
      const media = fakeMedia();
      const { logger, lines } = captureLogs();
      expect(await deliverConsumer(media, 'viewer', channel(async () => answer), offer, logger)).toBe('malformed');
      expect(media.calls).toEqual(['refuse true']);
      expect(lines.find((l) => l.msg === 'malformed consumer ack refused; consumer closed')?.level).toBe(40);
    },
  );

  it('closes it when no ack comes in time, warning only while the connection is up', async () => {
    for (const connected of [true, false]) {
      const media = fakeMedia();
      const { logger, lines } = captureLogs();
      const ch = channel(() => Promise.reject(new Error('operation has timed out')), connected);
      expect(await deliverConsumer(media, 'viewer', ch, offer, logger)).toBe('unanswered');
      expect(media.calls).toEqual(['refuse true']);
      expect(lines.some((l) => l.msg === 'consumer not acknowledged in time; closed')).toBe(connected);
    }
  });

  it('closes it at once when the viewer has no connection', async () => {
    const media = fakeMedia();
    expect(await deliverConsumer(media, 'viewer', undefined, offer, captureLogs().logger)).toBe('gone');
    expect(media.calls).toEqual(['refuse true']);
  });
});
