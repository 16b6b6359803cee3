import {
  DEFAULT_BREAKDOWN,
  type AgreementStatus,
  type BreakdownSettings,
  type MediaSource,
  type NetworkQuality,
  type NetworkSample,
  type NetworkVerdict,
  type Notifications,
  type Presence,
  type RoomInfo,
  type SessionPause,
} from '@parley/shared';
import type { SourceKey } from './sources.ts';

/**
 * The one store a SessionClient writes into; components read it with `useSessionState`
 * (useSyncExternalStore). Every update replaces the state object (and any sub-object it changes),
 * so a snapshot can be compared by reference.
 *
 * Shape of `SessionState`:
 *
 *   connection   ConnectionState
 *                  { status: 'idle' }                         not started yet
 *                  { status: 'connecting', message? }         first connection + join in progress
 *                  { status: 'joined' }                       in the room, media flowing
 *                  { status: 'reconnecting', message }        non-terminal drop; socket.io retries
 *                  { status: 'closed', reason: ClosedReason } final; nothing is retried
 *   caseId       string | null                 from session:join
 *   caseTitle    string | null                 from session:join
 *   self         Presence | null               this person, as the server sees them (roomId, mic,
 *                                              micHeldBy, cameras, sharing)
 *   others       Presence[]                    everyone else the server reported, in arrival order;
 *                                              for parties, people in other rooms have roomId null
 *   rooms        RoomInfo[]                    the rooms I may know about (all for the mediator);
 *                                              my room = rooms.find(r => r.id === self.roomId)
 *   remote       RemoteMedia[]                 one per live consumer: { consumerId, producerId,
 *                                              participantId, kind, source, label, track, producerPaused }
 *   local        LocalMedia                    { mic, camera: 'on' | 'off' | 'none',
 *                                                micTrack, cameraTrack: MediaStreamTrack | null,
 *                                                extraCameras: ExtraCamera[]  { key, label, deviceId,
 *                                                  track, state: 'on' | 'off', producerId | null },
 *                                                screen: { track, audioTrack, producerId } | null,
 *                                                warning: string | null   device trouble
 *                                                notice: { id, text } | null  e.g. share refused }
 *   announcement { id: number, text: string }  the latest change to read out (aria-live), e.g. "Ana joined"
 *   announcements Broadcast[]                  mediator's announcements, newest first (max MAX_ANNOUNCEMENTS),
 *                                              also from the join snapshot:
 *                                              { id, text, from: PersonRef, at, receivedAt (ms; 0 = history) }
 *   assistance   AssistanceRequest[]           mediator: open "ask for the mediator" requests
 *                                              { requestId, from, roomId, roomName, at }
 *   askedForMediator { requestId } | null      party: my own open request, until resolved
 *   controlRequests  ControlRequest[]          mediator: { from: PersonRef, roomId, receivedAt }
 *   linkReuses   LinkReuse[]                   mediator: someone's link opened in another browser or
 *                                              device took over their connection { participant, at },
 *                                              until dismissed
 *   consentAnswers ConsentAnswerAlert[]        mediator: someone declined the protocol agreement, asked
 *                                              about it or withdrew consent while the mediator was in
 *                                              the session (newest last), until dismissed
 *   controlAsked string | null                 the room where I asked for control, until it changes hands
 *   pointers     Record<roomId, { participantId, x, y }>   the controller's pointer (fractions of
 *                                              the main stage's picture); absent = hidden
 *   timerWarnings Record<roomId, { secondsLeft, receivedAt }>  from room:timer-warning, until the
 *                                              timer ends, changes, or the room closes
 *   unmutePrompt { id, by: PersonRef } | null  the mediator asked me to unmute (I decide)
 *   agreement    AgreementStatus | null        the agreement version frozen for signature (no text),
 *                                              from session:join, then agreement:updated
 *
 * The breakdown procedure [3.6.13, 3.7.17] (breakdown-transitions.ts):
 *   breakdown    BreakdownSettings              the case's procedure, from session:join (default before)
 *   outage       Outage | null                  my own connection trouble until I am back:
 *                                              { since (ms, this device's clock), step: 'offline' |
 *                                                'reconnecting' | 'repairing-media' | 'rejoining' }
 *   recovered    { at, seconds } | null         my last outage ended ("Back in the session", shown briefly)
 *   pause        SessionPause | null            the joint session is paused: { since, missing, by }
 *   resumed      { at, by, pausedSeconds } | null  the last pause ended (shown briefly)
 *   awaySeen     Record<participantId, number>  when this device first saw someone reconnecting or
 *                                              with media lost (counters use the viewer's clock)
 *   arriving     boolean                        true until this client's first join has built the media it
 *                                              was offered (or OFFERS_BUILT_MAX_MS passed): the
 *                                              screen shows a light "joining" view meanwhile, so that
 *                                              drawing the whole session does not hold up the first pictures
 *                                              (for later arrivals of media, e.g. a caucus move, see Store.hold)
 *   network      NetworkState                   the audio-only rung: { sample, verdict, history
 *                                              (last qualities), audioOnly: { by: 'auto' | 'person',
 *                                              reason } | null, suggestion: string | null }
 *
 * Time left in a room is not stored: views derive it from room.timer.endsAt every second.
 *
 * ClosedReason = { why: 'left' | 'terminal' | 'refused' | 'failed', message, code, canRejoin }
 *   why 'left'      the person pressed Leave
 *   why 'terminal'  the server ended the session with a 44xx close code (code = that number)
 *   why 'refused'   handshake or session:join was refused (code = the wire error code)
 *   why 'failed'    something broke on this device that retrying will not fix
 */

export type DeviceState = 'on' | 'off' | 'none';

export interface ClosedReason {
  why: 'left' | 'terminal' | 'refused' | 'failed';
  /** Plain words for the person. */
  message: string;
  /** For programs and tests only; never shown. */
  code: number | string | null;
  /** Whether offering a "Rejoin"/"Join again" button makes sense. */
  canRejoin: boolean;
}

export type ConnectionState =
  | { status: 'idle' }
  | { status: 'connecting'; message?: string }
  | { status: 'joined' }
  | { status: 'reconnecting'; message: string }
  | { status: 'closed'; reason: ClosedReason };

export interface RemoteMedia {
  consumerId: string;
  producerId: string;
  participantId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  /** Cameras: what the sender called it ("Camera", "Document camera"). */
  label: string | null;
  track: MediaStreamTrack;
  /** The sender paused their producer (muted themselves or turned their camera off). */
  producerPaused: boolean;
}

/** A camera added during the session, besides the primary one [2.11-vi]. */
export interface ExtraCamera {
  key: SourceKey;
  label: string;
  deviceId: string;
  track: MediaStreamTrack;
  state: 'on' | 'off';
  /** Null until produced (and again while reconnecting). */
  producerId: string | null;
}

export interface LocalScreen {
  track: MediaStreamTrack;
  /** Tab or system sound, when the person chose to share it. */
  audioTrack: MediaStreamTrack | null;
  producerId: string | null;
}

export interface LocalMedia {
  mic: DeviceState;
  camera: DeviceState;
  micTrack: MediaStreamTrack | null;
  cameraTrack: MediaStreamTrack | null;
  extraCameras: ExtraCamera[];
  screen: LocalScreen | null;
  /** Something about this device's camera/microphone the person should know. */
  warning: string | null;
  /** Feedback on something the person just tried (sharing refused, camera could not start). */
  notice: { id: number; text: string } | null;
}

export type PersonRef = Notifications['announcement:made']['from'];
export type Broadcast = Notifications['announcement:made'] & { receivedAt: number };
export type AssistanceRequest = Notifications['assistance:requested'];
export type LinkReuse = Notifications['participant:link-reused'];
export type ConsentAnswerAlert = Notifications['consent:answered'];
export interface ControlRequest {
  from: PersonRef;
  roomId: string;
  receivedAt: number;
}
export interface StagePointer {
  participantId: string;
  x: number;
  y: number;
}

/** Which rung of the ladder is running for my own connection (see MESSAGES for the words). */
export type OutageStep = 'offline' | 'reconnecting' | 'repairing-media' | 'rejoining';

export interface Outage {
  /** Milliseconds, this device's clock. */
  since: number;
  step: OutageStep;
}

export interface NetworkState {
  sample: NetworkSample | null;
  verdict: NetworkVerdict | null;
  /** The latest measurement windows' qualities, oldest first (bounded). */
  history: NetworkQuality[];
  /** My video is off because of my network: switched by the platform or chosen by me. */
  audioOnly: { by: 'auto' | 'person'; reason: string } | null;
  /** A weak connection the case does not act on by itself: offered to me as a choice. */
  suggestion: string | null;
}

export interface SessionState {
  connection: ConnectionState;
  caseId: string | null;
  caseTitle: string | null;
  self: Presence | null;
  others: Presence[];
  rooms: RoomInfo[];
  remote: RemoteMedia[];
  local: LocalMedia;
  announcement: { id: number; text: string };
  announcements: Broadcast[];
  assistance: AssistanceRequest[];
  askedForMediator: { requestId: string } | null;
  controlRequests: ControlRequest[];
  linkReuses: LinkReuse[];
  consentAnswers: ConsentAnswerAlert[];
  controlAsked: string | null;
  pointers: Record<string, StagePointer>;
  timerWarnings: Record<string, { secondsLeft: number; receivedAt: number }>;
  unmutePrompt: { id: number; by: PersonRef } | null;
  agreement: AgreementStatus | null;
  breakdown: BreakdownSettings;
  outage: Outage | null;
  recovered: { at: number; seconds: number } | null;
  pause: SessionPause | null;
  resumed: { at: number; by: PersonRef | null; pausedSeconds: number } | null;
  awaySeen: Record<string, number>;
  arriving: boolean;
  network: NetworkState;
}

export const initialSessionState: SessionState = {
  connection: { status: 'idle' },
  caseId: null,
  caseTitle: null,
  self: null,
  others: [],
  rooms: [],
  remote: [],
  local: { mic: 'none', camera: 'none', micTrack: null, cameraTrack: null, extraCameras: [], screen: null, warning: null, notice: null },
  announcement: { id: 0, text: '' },
  announcements: [],
  assistance: [],
  askedForMediator: null,
  controlRequests: [],
  linkReuses: [],
  consentAnswers: [],
  controlAsked: null,
  pointers: {},
  timerWarnings: {},
  unmutePrompt: null,
  agreement: null,
  breakdown: DEFAULT_BREAKDOWN,
  outage: null,
  recovered: null,
  pause: null,
  resumed: null,
  awaySeen: {},
  arriving: true,
  network: { sample: null, verdict: null, history: [], audioOnly: null, suggestion: null },
};

/** A minimal external store: enough for useSyncExternalStore, nothing more. */
export class Store<T> {
  private state: T;
  private readonly listeners = new Set<() => void>();
  /** Holds in force (see hold), and whether an update came while one was. */
  private holds = 0;
  private changedWhileHeld = false;

  constructor(initial: T) {
    this.state = initial;
  }

  getSnapshot = (): T => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  update(change: (prev: T) => T): void {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    if (this.holds > 0) this.changedWhileHeld = true;
    else this.notify();
  }

  /**
   * Until the returned function is called (or `maxMs` has passed), updates still change the state
   * but listeners (the screen) hear of them only at the end, once. For the moments when the
   * browser needs the page's main thread to build received media: drawing the screen for the
   * room change that came with it would make the person wait longer for the sound. (A first
   * join does the same with a lighter screen instead: SessionState.arriving.)
   */
  hold(maxMs: number): () => void {
    this.holds++;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.holds--;
      if (this.holds === 0 && this.changedWhileHeld) {
        this.changedWhileHeld = false;
        this.notify();
      }
    };
    const timer = setTimeout(release, maxMs);
    return release;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

export type SessionStore = Store<SessionState>;

/** The store without MediaStreamTracks, safe for JSON (used by window.__parleyDebug.state()). */
export function serialisableState(s: SessionState) {
  const trackInfo = (t: MediaStreamTrack | null) =>
    t ? { id: t.id, kind: t.kind, enabled: t.enabled, readyState: t.readyState, muted: t.muted } : null;
  const { local } = s;
  return {
    ...s,
    remote: s.remote.map(({ track, ...rest }) => ({ ...rest, track: trackInfo(track) })),
    local: {
      ...local,
      micTrack: trackInfo(local.micTrack),
      cameraTrack: trackInfo(local.cameraTrack),
      extraCameras: local.extraCameras.map(({ track, ...rest }) => ({ ...rest, track: trackInfo(track) })),
      screen: local.screen
        ? { producerId: local.screen.producerId, track: trackInfo(local.screen.track), audioTrack: trackInfo(local.screen.audioTrack) }
        : null,
    },
  };
}
