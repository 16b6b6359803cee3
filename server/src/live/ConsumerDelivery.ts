import { ConsumerOfferAck, type ConsumerOffer } from '@parley/shared';
import type { Logger } from '../logger.ts';

/** What delivery needs of the case's media (CaseMedia). */
export interface ConsumerMedia {
  readonly consumerAckTimeoutMs: number;
  confirmConsumer(peerId: string, consumerId: string): Promise<boolean>;
  refuseConsumer(peerId: string, consumerId: string): boolean;
}

/** The viewer's connection, as far as delivery uses it (a ParleySocket). */
export interface OfferChannel {
  readonly connected: boolean;
  timeout(ms: number): { emitWithAck(event: 'consumer:receive', offer: ConsumerOffer): Promise<unknown> };
}

export type DeliveryOutcome = 'resumed' | 'declined' | 'malformed' | 'unanswered' | 'gone';

/**
 * Offers one consumer the SFU created (paused) to its viewer in a single request, and lets the
 * ack decide: the client built its side → resume; it could not, its answer is not valid, or none
 * came in time → close (the client is told `consumer:closed`, and its next `media:ready` or
 * rejoin offers it again). No extra wait: the consumer resumes the moment the ack arrives, so
 * "time to first frame" is one round trip after creation. Never throws: it runs detached.
 */
export async function deliverConsumer(
  media: ConsumerMedia,
  peerId: string,
  channel: OfferChannel | undefined,
  offer: ConsumerOffer,
  log: Logger,
): Promise<DeliveryOutcome> {
  const about = { participantId: peerId, consumerId: offer.consumerId, kind: offer.kind };
  if (!channel) {
    media.refuseConsumer(peerId, offer.consumerId);
    return 'gone';
  }
  let answer: unknown;
  try {
    answer = await channel.timeout(media.consumerAckTimeoutMs).emitWithAck('consumer:receive', offer);
  } catch {
    // A connection that went away meanwhile closed the consumer with it; only a live one is news.
    if (media.refuseConsumer(peerId, offer.consumerId) && channel.connected) {
      log.warn({ ...about, timeoutMs: media.consumerAckTimeoutMs }, 'consumer not acknowledged in time; closed');
    }
    return 'unanswered';
  }
  const ack = ConsumerOfferAck.safeParse(answer);
  if (!ack.success) {
    media.refuseConsumer(peerId, offer.consumerId);
    log.warn({ ...about, issues: ack.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) }, 'malformed consumer ack refused; consumer closed');
    return 'malformed';
  }
  if (!ack.data.ok) {
    media.refuseConsumer(peerId, offer.consumerId);
    log.info({ ...about, reason: ack.data.reason }, 'client could not receive a consumer; closed');
    return 'declined';
  }
  try {
    return (await media.confirmConsumer(peerId, offer.consumerId)) ? 'resumed' : 'gone';
  } catch (err) {
    // Closed in the worker while resuming (the sender left at that moment): nothing to resume.
    log.debug({ ...about, err }, 'consumer gone while resuming');
    return 'gone';
  }
}
