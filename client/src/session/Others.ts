import type { ConsumerOffer, ConsumerOfferAck, Notifications, Presence } from '@parley/shared';
import { connectionAnnouncement, withAwaySeen, withoutAwaySeen } from './breakdown-transitions.ts';
import type { MediaEngine, Stale } from './MediaEngine.ts';
import type { TypedSocket } from './Signalling.ts';
import { markStep } from './timeline.ts';
import type { RemoteMedia, SessionState } from './store.ts';
import { leftAnnouncement, withPerson, withRemote, withRemotePaused, withoutPerson, withoutRemote } from './transitions.ts';

/** The longest a closed consumer's tile stays drawn while the offers that usually follow it come. */
const CLOSE_HOLD_MS = 100;

export interface OthersDeps {
  media: MediaEngine;
  /** SessionClient's store: read it, and apply a transition to it. */
  read(): SessionState;
  update(change: (s: SessionState) => SessionState): void;
  announce(text: string): void;
  /** The current connection's staleness check. */
  stale(): Stale;
  finished(): boolean;
  /** Hold the screen's redrawing while an offered consumer is built (Store.hold); returns the release. */
  holdScreen(): () => void;
  /** What follows from the server's word on this person (hold, move) or someone else. */
  selfChanged(before: Presence, now: Presence): void;
  otherChanged(p: Presence): void;
}

/**
 * The other people in the session and the media received from them: presence notifications and
 * consumers (offered by the server, built through MediaEngine; our ack makes the server resume them). Writes only through `deps.update`.
 */
export class Others {
  /** Ends the hold of the latest consumer:closed (onConsumerClosed), if it still holds the screen. */
  private afterClose: (() => void) | null = null;

  constructor(private readonly deps: OthersDeps) {}

  listen(socket: TypedSocket): void {
    socket.on('participant:joined', (p) => this.onJoined(p));
    socket.on('participant:updated', (p) => this.onPresence(p));
    socket.on('participant:left', (e) => this.onLeft(e));
    socket.on('consumer:receive', (offer, ack) => void this.onConsumerOffered(offer, ack));
    socket.on('consumer:closed', ({ consumerId }) => this.onConsumerClosed(consumerId));
    socket.on('consumer:paused', ({ consumerId }) => this.onConsumerPaused(consumerId, true));
    socket.on('consumer:resumed', ({ consumerId }) => this.onConsumerPaused(consumerId, false));
  }

  /** A consumer closed by itself (its transport closed, or its track ended), or its sender left. */
  dropConsumer(consumerId: string): void {
    this.deps.media.closeConsumer(consumerId);
    this.deps.update((s) => withoutRemote(s, consumerId));
  }

  /**
   * The server offers a consumer (video paused until this ack, sound already flowing): build ours,
   * then ack. It goes out the moment the consumer exists (no other wait in between).
   */
  private async onConsumerOffered(offer: ConsumerOffer, ack: (answer: ConsumerOfferAck) => void): Promise<void> {
    markStep('offer-received');
    if (this.deps.finished()) return ack({ ok: false, reason: 'session ended' });
    // What came with the offer (a caucus move's room change) is drawn once this is built.
    const release = this.deps.holdScreen();
    // This hold covers what a close just before it was holding for (see onConsumerClosed).
    this.afterClose?.();
    try {
      await this.received(offer, ack);
    } finally {
      release();
    }
  }

  private async received(offer: ConsumerOffer, ack: (answer: ConsumerOfferAck) => void): Promise<void> {
    const built = await this.deps.media.consume(offer, this.deps.stale());
    if (!built) return ack({ ok: false, reason: 'could not build the consumer' });
    const { consumer, producerPaused } = built;
    ack({ ok: true });
    markStep('offer-acked');
    const media: RemoteMedia = {
      consumerId: consumer.id,
      producerId: offer.producerId,
      participantId: offer.participantId,
      kind: offer.kind,
      source: offer.source,
      label: offer.label ?? null,
      track: consumer.track,
      producerPaused,
    };
    this.deps.update((s) => withRemote(s, media));
  }

  private onConsumerClosed(consumerId: string): void {
    if (!this.deps.media.consumerClosed(consumerId)) return;
    // A caucus move closes the old room's consumers and offers the new room's a worker round trip
    // later: drawing the closed ones' tiles in between would take the page's thread just as those
    // offers arrive. So the screen waits for the next offer (whose own hold then takes over), at
    // most CLOSE_HOLD_MS: a camera that simply stopped loses its tile that much later.
    const release = this.deps.holdScreen();
    // A close just before (the same move's other consumers) is covered by this hold from now on.
    const previous = this.afterClose;
    const done = () => {
      clearTimeout(timer);
      if (this.afterClose === done) this.afterClose = null;
      release();
    };
    const timer = setTimeout(done, CLOSE_HOLD_MS);
    this.afterClose = done;
    previous?.();
    this.deps.update((s) => withoutRemote(s, consumerId));
  }

  private onConsumerPaused(consumerId: string, paused: boolean): void {
    if (!this.deps.media.consumerPaused(consumerId, paused)) return;
    this.deps.update((s) => withRemotePaused(s, consumerId, paused));
  }

  private onJoined(p: Presence): void {
    const { self, others } = this.deps.read();
    const isNew = !(self && p.id === self.id) && !others.some((o) => o.id === p.id);
    this.onPresence(p);
    if (isNew && self && p.roomId === self.roomId) this.deps.announce(`${p.displayName} joined the room.`);
  }

  /** The server's latest word on someone; for this person, also what follows from it (hold, move). */
  private onPresence(p: Presence): void {
    const { self: before, others } = this.deps.read();
    if (before && p.id === before.id) {
      this.deps.update((s) => withPerson(s, p));
      this.deps.selfChanged(before, p);
      return;
    }
    const previous = others.find((o) => o.id === p.id);
    this.deps.update((s) => withAwaySeen(withPerson(s, p), previous, p, Date.now()));
    this.deps.otherChanged(p);
    // Someone in a room I cannot see (roomId null for a party) is not mine to hear about.
    const text = p.roomId !== null ? connectionAnnouncement(previous, p) : null;
    if (text) this.deps.announce(text);
  }

  private onLeft({ participantId, reason }: Notifications['participant:left']): void {
    const s = this.deps.read();
    const person = s.others.find((o) => o.id === participantId);
    if (!person) return;
    for (const m of s.remote) if (m.participantId === participantId) this.dropConsumer(m.consumerId);
    this.deps.update((st) => withoutAwaySeen(withoutPerson(st, participantId), participantId));
    const text = leftAnnouncement(person, reason);
    if (text) this.deps.announce(text);
  }
}
