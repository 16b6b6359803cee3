import type { MediaSource, Presence } from '@parley/shared';

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
 *   self         Presence | null               this person, as the server sees them (roomId, mic, camera)
 *   others       Presence[]                    everyone else the server reported, in arrival order
 *   remote       RemoteMedia[]                 one per live consumer: { consumerId, producerId,
 *                                              participantId, kind, source, track, producerPaused }
 *   local        LocalMedia                    { mic, camera: 'on' | 'off' | 'none',
 *                                                micTrack, cameraTrack: MediaStreamTrack | null,
 *                                                warning: string | null }
 *   announcement { id: number, text: string }  the latest change to read out (aria-live), e.g. "Ana joined"
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
  track: MediaStreamTrack;
  /** The sender paused their producer (muted themselves or turned their camera off). */
  producerPaused: boolean;
}

export interface LocalMedia {
  mic: DeviceState;
  camera: DeviceState;
  micTrack: MediaStreamTrack | null;
  cameraTrack: MediaStreamTrack | null;
  /** Something about this device's camera/microphone the person should know. */
  warning: string | null;
}

export interface SessionState {
  connection: ConnectionState;
  caseId: string | null;
  caseTitle: string | null;
  self: Presence | null;
  others: Presence[];
  remote: RemoteMedia[];
  local: LocalMedia;
  announcement: { id: number; text: string };
}

export const initialSessionState: SessionState = {
  connection: { status: 'idle' },
  caseId: null,
  caseTitle: null,
  self: null,
  others: [],
  remote: [],
  local: { mic: 'none', camera: 'none', micTrack: null, cameraTrack: null, warning: null },
  announcement: { id: 0, text: '' },
};

/** A minimal external store: enough for useSyncExternalStore, nothing more. */
export class Store<T> {
  private state: T;
  private readonly listeners = new Set<() => void>();

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
    for (const l of [...this.listeners]) l();
  }
}

export type SessionStore = Store<SessionState>;

/** The store without MediaStreamTracks, safe for JSON (used by window.__parleyDebug.state()). */
export function serialisableState(s: SessionState) {
  const trackInfo = (t: MediaStreamTrack | null) =>
    t ? { id: t.id, kind: t.kind, enabled: t.enabled, readyState: t.readyState, muted: t.muted } : null;
  return {
    connection: s.connection,
    caseId: s.caseId,
    caseTitle: s.caseTitle,
    self: s.self,
    others: s.others,
    remote: s.remote.map(({ track, ...rest }) => ({ ...rest, track: trackInfo(track) })),
    local: { ...s.local, micTrack: trackInfo(s.local.micTrack), cameraTrack: trackInfo(s.local.cameraTrack) },
    announcement: s.announcement,
  };
}
