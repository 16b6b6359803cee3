import { MAX_ANNOUNCEMENTS, roomsVisibleTo, type Announcement, type Notifications, type Presence, type RoomInfo } from '@parley/shared';
import type { SessionState } from './store.ts';

/**
 * How room, moderation and stage notifications change the session state [2.10, 2.11]. Pure, like
 * transitions.ts: SessionClient decides when they apply and is the only one to write them.
 */

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** Created or changed (timer, controller, stage, share policy). */
export function withRoom(s: SessionState, room: RoomInfo): SessionState {
  const before = s.rooms.find((r) => r.id === room.id);
  const rooms = before ? s.rooms.map((r) => (r.id === room.id ? room : r)) : [...s.rooms, room];
  let next: SessionState = { ...s, rooms };
  if (before && before.timer?.endsAt !== room.timer?.endsAt) next = { ...next, timerWarnings: omit(next.timerWarnings, room.id) };
  if (!before || before.controllerId !== room.controllerId) {
    const pointer = next.pointers[room.id];
    if (pointer && pointer.participantId !== room.controllerId) next = { ...next, pointers: omit(next.pointers, room.id) };
    if (next.controlAsked === room.id && before) next = { ...next, controlAsked: null };
    next = { ...next, controlRequests: next.controlRequests.filter((c) => !(c.roomId === room.id && c.from.id === room.controllerId)) };
  }
  return next;
}

export function withoutRoom(s: SessionState, roomId: string): SessionState {
  return {
    ...s,
    rooms: s.rooms.filter((r) => r.id !== roomId),
    timerWarnings: omit(s.timerWarnings, roomId),
    pointers: omit(s.pointers, roomId),
    controlRequests: s.controlRequests.filter((c) => c.roomId !== roomId),
    controlAsked: s.controlAsked === roomId ? null : s.controlAsked,
  };
}

/**
 * I changed rooms: what belonged to the old room's stage no longer applies, and a party forgets the
 * room they left (they may know only their own; the server sends the new one's state next).
 */
export function afterSelfMoved(s: SessionState, fromRoomId: string | null, now: Presence): SessionState {
  if (fromRoomId === null || now.roomId === null) return s;
  return {
    ...s,
    rooms: roomsVisibleTo({ id: now.id, role: now.role, roomId: now.roomId }, s.rooms),
    pointers: omit(s.pointers, fromRoomId),
    controlAsked: null,
  };
}

export function withTimerWarning(s: SessionState, { roomId, secondsLeft }: Notifications['room:timer-warning'], now: number): SessionState {
  return { ...s, timerWarnings: { ...s.timerWarnings, [roomId]: { secondsLeft, receivedAt: now } } };
}

export function withTimerExpired(s: SessionState, roomId: string): SessionState {
  return {
    ...s,
    timerWarnings: omit(s.timerWarnings, roomId),
    rooms: s.rooms.map((r) => (r.id === roomId && r.timer ? { ...r, timer: null } : r)),
  };
}

export function withBroadcast(s: SessionState, a: Notifications['announcement:made'], now: number): SessionState {
  if (s.announcements.some((b) => b.id === a.id)) return s;
  return { ...s, announcements: [{ ...a, receivedAt: now }, ...s.announcements].slice(0, MAX_ANNOUNCEMENTS) };
}

/**
 * The announcements of the join snapshot (newest first), so a reload or a late arrival shows what
 * was said. Ones I already had keep their arrival time. New ones after a reconnect were missed
 * while I was away and arrive now (shown as news); on a first join they are history (receivedAt 0,
 * no toast that would read out old messages as if new).
 */
export function withSnapshotBroadcasts(s: SessionState, snapshot: readonly Announcement[] | undefined, rejoined: boolean, now: number): SessionState {
  if (!snapshot?.length) return s;
  const known = new Map(s.announcements.map((a) => [a.id, a]));
  const merged = [...snapshot.map((a) => known.get(a.id) ?? { ...a, receivedAt: rejoined ? now : 0 }), ...s.announcements.filter((a) => !snapshot.some((b) => b.id === a.id))];
  merged.sort((a, b) => b.at.localeCompare(a.at));
  return { ...s, announcements: merged.slice(0, MAX_ANNOUNCEMENTS) };
}

/** Mediator: a person's link opened in another browser or device took over their connection. */
export function withLinkReused(s: SessionState, e: Notifications['participant:link-reused']): SessionState {
  return { ...s, linkReuses: [...s.linkReuses.filter((r) => r.participant.id !== e.participant.id), e] };
}

export function withoutLinkReused(s: SessionState, participantId: string): SessionState {
  return { ...s, linkReuses: s.linkReuses.filter((r) => r.participant.id !== participantId) };
}

/** Mediator: a decline, question or withdrawal of consent; a person's newer answer replaces their older one. */
export function withConsentAnswer(s: SessionState, a: Notifications['consent:answered']): SessionState {
  return { ...s, consentAnswers: [...s.consentAnswers.filter((x) => x.participantId !== a.participantId), a] };
}

export function withoutConsentAnswer(s: SessionState, answerId: string): SessionState {
  return { ...s, consentAnswers: s.consentAnswers.filter((x) => x.id !== answerId) };
}

export function withAssistance(s: SessionState, req: Notifications['assistance:requested']): SessionState {
  return { ...s, assistance: [...s.assistance.filter((r) => r.requestId !== req.requestId && r.from.id !== req.from.id), req] };
}

export function withoutAssistance(s: SessionState, requestId: string): SessionState {
  return {
    ...s,
    assistance: s.assistance.filter((r) => r.requestId !== requestId),
    askedForMediator: s.askedForMediator?.requestId === requestId ? null : s.askedForMediator,
  };
}

export function withControlRequest(s: SessionState, { from, roomId }: Notifications['control:requested'], now: number): SessionState {
  return { ...s, controlRequests: [...s.controlRequests.filter((c) => c.from.id !== from.id), { from, roomId, receivedAt: now }] };
}

export function withoutControlRequest(s: SessionState, fromId: string): SessionState {
  return { ...s, controlRequests: s.controlRequests.filter((c) => c.from.id !== fromId) };
}

/** The pointer arrives without a room: only the occupants of the controller's room get it, i.e. mine. */
export function withPointer(s: SessionState, e: Notifications['stage:pointer-moved']): SessionState {
  const roomId = s.self?.roomId;
  if (!roomId) return s;
  if (e.x === null || e.y === null) return { ...s, pointers: omit(s.pointers, roomId) };
  return { ...s, pointers: { ...s.pointers, [roomId]: { participantId: e.participantId, x: e.x, y: e.y } } };
}
