import { PAUSE_HOLDER, isJoint, type Presence, type RequestName, type RequestPayload, type RequestResults } from '@parley/shared';
import {
  afterSelfMoved,
  withAssistance,
  withBroadcast,
  withControlRequest,
  withPointer,
  withRoom,
  withTimerExpired,
  withTimerWarning,
  withLinkReused,
  withConsentAnswer,
  withoutConsentAnswer,
  withoutAssistance,
  withoutLinkReused,
  withoutControlRequest,
  withoutRoom,
} from './room-transitions.ts';
import type { TypedSocket } from './Signalling.ts';
import { withNotice } from './source-transitions.ts';
import type { SessionState } from './store.ts';

export interface LiveRoomDeps {
  request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<RequestResults[K]>;
  /** SessionClient's store: read it, and apply a transition to it. */
  read(): SessionState;
  update(change: (s: SessionState) => SessionState): void;
  /** Read out to screen readers (the session's aria-live line). */
  announce(text: string): void;
  notice(text: string): void;
  /** Match the mediator's hold locally (microphone off, producer paused). */
  holdMic(): void;
  /** Unmute after the mediator asked, without waiting for the hold's lift to arrive first. */
  unmute(): Promise<void>;
  stopSharing(): Promise<void>;
  connected(): boolean;
}

/**
 * The rooms as one person lives them [2.10, 2.11]: which room they are in and what follows from a
 * move, the mediator's mute hold and "please unmute" prompt, "ask for the mediator", requests for
 * control, the stage pointer, timers and announcements. Writes only through `deps.update`.
 */
export class LiveRoom {
  private promptId = 0;
  /** A room I just entered whose name has not arrived yet: announced when its state does. */
  private unnamedRoom: string | null = null;

  constructor(private readonly deps: LiveRoomDeps) {}

  listen(socket: TypedSocket): void {
    const { update } = this.deps;
    socket.on('room:updated', (room) => {
      update((s) => withRoom(s, room));
      if (room.id === this.unnamedRoom) {
        this.unnamedRoom = null;
        this.deps.announce(this.roomChangeText(room.id));
      }
    });
    socket.on('room:closed', ({ roomId }) => update((s) => withoutRoom(s, roomId)));
    socket.on('room:timer-warning', (e) => update((s) => withTimerWarning(s, e, Date.now())));
    socket.on('room:timer-expired', ({ roomId }) => update((s) => withTimerExpired(s, roomId)));
    socket.on('announcement:made', (a) => update((s) => withBroadcast(s, a, Date.now())));
    socket.on('assistance:requested', (r) => update((s) => withAssistance(s, r)));
    socket.on('participant:link-reused', (e) => update((s) => withLinkReused(s, e)));
    socket.on('consent:answered', (a) => update((s) => withConsentAnswer(s, a)));
    socket.on('assistance:resolved', ({ requestId }) => update((s) => withoutAssistance(s, requestId)));
    socket.on('control:requested', (r) => update((s) => withControlRequest(s, r, Date.now())));
    socket.on('stage:pointer-moved', (e) => update((s) => withPointer(s, e)));
    socket.on('moderation:unmute-requested', ({ by }) => {
      const id = ++this.promptId;
      update((s) => ({ ...s, unmutePrompt: { id, by } }));
    });
    // A version frozen, signed or withdrawn: the in-session draft says so at once.
    socket.on('agreement:updated', ({ current }) => update((s) => ({ ...s, agreement: current })));
    // The mediator ended the joint session: the moves arrive as presence updates; this says why.
    socket.on('session:ended', ({ reason, by }) => {
      const self = this.deps.read().self;
      this.deps.notice(
        self && by.id === self.id
          ? `You ended the joint session: everyone is back in the waiting room (“${reason}”).`
          : self && (self.role === 'party' || self.role === 'advisor')
            ? `${by.displayName} ended the joint session: “${reason}”. You are back in the waiting room.`
            : `${by.displayName} ended the joint session: everyone is back in the waiting room (“${reason}”).`,
      );
    });
    socket.on('moderation:share-stopped', ({ by }) => {
      void this.deps.stopSharing();
      this.deps.notice(`${by.displayName} stopped your screen share.`);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // What the person does

  /** The answer to "{name} asks you to unmute": only the person ever unmutes themself. */
  answerUnmutePrompt(unmute: boolean): Promise<void> {
    this.deps.update((s) => ({ ...s, unmutePrompt: null }));
    return unmute ? this.deps.unmute() : Promise.resolve();
  }

  /** From a room without the mediator; acknowledged on screen until the mediator answers. */
  async askForMediator(): Promise<void> {
    const { requestId } = await this.deps.request('assistance:request', {});
    this.deps.update((s) => ({ ...s, askedForMediator: { requestId } }));
  }

  /** Mediator: answered or dismissed a request. */
  async resolveAssistance(requestId: string): Promise<void> {
    await this.deps.request('assistance:resolve', { requestId });
    this.deps.update((s) => withoutAssistance(s, requestId));
  }

  /** Mediator: go to a room (e.g. the one someone asked from) and mark the request answered. */
  async goToRoom(roomId: string, requestId?: string): Promise<void> {
    const self = this.deps.read().self;
    if (!self) return;
    await this.deps.request('room:move', { participantIds: [self.id], roomId });
    if (requestId) await this.resolveAssistance(requestId).catch(() => undefined);
  }

  async requestControl(): Promise<void> {
    const roomId = this.deps.read().self?.roomId ?? null;
    await this.deps.request('control:request', {});
    this.deps.update((s) => ({ ...s, controlAsked: roomId }));
  }

  dismissControlRequest(fromId: string): void {
    this.deps.update((s) => withoutControlRequest(s, fromId));
  }

  dismissLinkReused(participantId: string): void {
    this.deps.update((s) => withoutLinkReused(s, participantId));
  }

  dismissConsentAnswer(answerId: string): void {
    this.deps.update((s) => withoutConsentAnswer(s, answerId));
  }

  dismissNotice(): void {
    this.deps.update((s) => withNotice(s, 0, null));
  }

  /** Controller: the pointer over the main stage (fractions of the picture), null when it left. Best effort. */
  sendPointer(point: { x: number; y: number } | null): void {
    if (!this.deps.connected()) return;
    this.deps.request('stage:pointer', point).catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // What follows from the server's word on people

  /** This person's presence changed (or arrived with the join result). */
  afterSelfChanged(before: Presence | null, now: Presence): void {
    if (now.micHeldBy && !before?.micHeldBy) {
      this.deps.holdMic();
      this.deps.announce(
        now.micHeldBy.id === PAUSE_HOLDER.id
          ? 'Your microphone is off while the joint session is paused.'
          : `${now.micHeldBy.displayName} muted your microphone.`,
      );
    }
    const { screen } = this.deps.read().local;
    const moved = !!before && before.roomId !== now.roomId;
    if (screen?.producerId && (moved || (before?.sharing && !now.sharing))) {
      // The server ended the share (a share is not carried into another room, or the mediator
      // stopped it): stop capturing here too, so the browser stops saying the screen is shared.
      void this.deps.stopSharing();
      if (moved) this.deps.notice('Your screen share ended when you changed rooms.');
    }
    if (before && before.roomId !== now.roomId) {
      this.deps.update((s) => afterSelfMoved(s, before.roomId, now));
      const known = !now.roomId || isJoint(now.roomId) || this.deps.read().rooms.some((r) => r.id === now.roomId);
      this.unnamedRoom = known ? null : now.roomId;
      if (known) this.deps.announce(this.roomChangeText(now.roomId));
      if (this.deps.read().others.some((o) => o.role === 'mediator' && o.roomId === now.roomId)) this.mediatorArrived();
    }
  }

  afterOtherChanged(p: Presence): void {
    const self = this.deps.read().self;
    if (p.role === 'mediator' && p.roomId !== null && p.roomId === self?.roomId) this.mediatorArrived();
  }

  /** With the mediator in the room, an open "ask for the mediator" is answered. */
  private mediatorArrived(): void {
    if (this.deps.read().askedForMediator) this.deps.update((s) => ({ ...s, askedForMediator: null }));
  }

  private roomChangeText(roomId: string | null): string {
    if (!roomId || isJoint(roomId)) return 'You are now in the joint room.';
    const room = this.deps.read().rooms.find((r) => r.id === roomId);
    return room ? `You are now in the caucus “${room.name}”.` : 'You are now in a caucus.';
  }
}
