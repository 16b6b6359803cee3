import type { JoinResult, Notifications, Presence } from '@parley/shared';
import type { ClosedReason, RemoteMedia, SessionState } from './store.ts';

/**
 * How each event changes the session state, as pure functions so that SessionClient only decides
 * when they apply. Each returns a new object for whatever it changes (see store.ts).
 */

export function afterJoin(s: SessionState, joined: JoinResult): SessionState {
  return {
    ...s,
    caseId: joined.caseId,
    caseTitle: joined.caseTitle,
    self: joined.self,
    others: joined.participants.filter((p) => p.id !== joined.self.id),
    // Older servers may not send rooms; keep what we knew rather than show nothing.
    rooms: joined.rooms ?? s.rooms,
    agreement: joined.agreement ?? null,
    // The server's list at join replaces what this page knew (older servers send none).
    consentAnswers: joined.consentAnswers ?? s.consentAnswers,
  };
}

/** The server's latest word on one person: this person, someone known, or someone new (appended). */
export function withPerson(s: SessionState, p: Presence): SessionState {
  if (s.self && s.self.id === p.id) return { ...s, self: p };
  const known = s.others.some((o) => o.id === p.id);
  return { ...s, others: known ? s.others.map((o) => (o.id === p.id ? p : o)) : [...s.others, p] };
}

export function withoutPerson(s: SessionState, participantId: string): SessionState {
  return { ...s, others: s.others.filter((o) => o.id !== participantId) };
}

/** What to read out when someone leaves; null when the same person just reconnected elsewhere. */
export function leftAnnouncement(person: Presence, reason: Notifications['participant:left']['reason']): string | null {
  // With the breakdown procedure, 'disconnected' comes only after the grace period ran out.
  if (reason === 'disconnected') return `${person.displayName} did not reconnect in time and is no longer in the session.`;
  if (reason === 'replaced') return null;
  return `${person.displayName} left the session.`;
}

export function withRemote(s: SessionState, media: RemoteMedia): SessionState {
  return { ...s, remote: [...s.remote.filter((m) => m.consumerId !== media.consumerId), media] };
}

/** Unchanged (same object) when the consumer is not shown, so no listener is woken for nothing. */
export function withoutRemote(s: SessionState, consumerId: string): SessionState {
  return s.remote.some((m) => m.consumerId === consumerId) ? { ...s, remote: s.remote.filter((m) => m.consumerId !== consumerId) } : s;
}

export function withRemotePaused(s: SessionState, consumerId: string, paused: boolean): SessionState {
  return { ...s, remote: s.remote.map((m) => (m.consumerId === consumerId ? { ...m, producerPaused: paused } : m)) };
}

export function withSourcePaused(s: SessionState, source: 'mic' | 'camera', paused: boolean): SessionState {
  const value = paused ? ('off' as const) : ('on' as const);
  return { ...s, local: { ...s.local, [source]: value } };
}

export function withSourceEnded(s: SessionState, source: 'mic' | 'camera', warning: string): SessionState {
  return {
    ...s,
    local: {
      ...s.local,
      ...(source === 'mic' ? { mic: 'none' as const, micTrack: null } : { camera: 'none' as const, cameraTrack: null }),
      warning,
    },
  };
}

/** Final: nobody is shown any more and the stopped tracks are let go. */
export function closedState(s: SessionState, reason: ClosedReason): SessionState {
  return {
    ...s,
    connection: { status: 'closed', reason },
    others: [],
    remote: [],
    local: { ...s.local, micTrack: null, cameraTrack: null, extraCameras: [], screen: null },
    pointers: {},
    unmutePrompt: null,
  };
}
