import type { MediaSource, Presence, Role, RoomInfo } from './domain.ts';
import { JOINT_ROOM } from './domain.ts';

/**
 * The live-room model as pure functions: who may see, hear, move, mute, share and steer what.
 * The server applies them to every request and every notification; the client uses the same
 * functions only to decide which controls to show. IMI Annex 2: 2.10, 2.11 i–vii, 3.7.
 */

export interface Actor {
  id: string;
  role: Role;
  roomId: string;
}

export const MAX_CAUCUSES = 10;

/**
 * Where an assessor waits, receiving nothing, while the mediator is in a caucus whose occupants did
 * not all agree to be observed there (ODR-QAP; protocol clause 'assessor-caucuses'). Not a room
 * anyone can enter; parties see the assessor as "elsewhere".
 */
export const OBSERVER_WAITING_ROOM = 'caucus-observers-waiting';

/**
 * Before the mediator admits them, a party or advisor waits where nobody else is: a place of their
 * own, so two people waiting never see or hear each other (the media rule is "same room"), and
 * nobody outside learns more than that they are present (presenceFor). Not a Room: no caucus
 * actions there. IMI Annex 2 2.11-iii and 3.7.2: the mediator runs the process, so nobody meets
 * the other side before the mediator lets them in.
 */
export function waitingRoomOf(participantId: string): string {
  return `waiting-${participantId}`;
}

export function isWaitingRoom(roomId: string | null | undefined): boolean {
  return typeof roomId === 'string' && roomId.startsWith('waiting-');
}

/** Who waits to be admitted when the case has a waiting room: parties and their advisors. */
export function waitsToBeAdmitted(role: Role): boolean {
  return role === 'party' || role === 'advisor';
}

/** The assessor goes where the mediator is: the joint room always, a caucus only with everyone's consent. */
export function observerRoomFor(mediatorRoomId: string | null, caucusConsented: boolean): string {
  if (mediatorRoomId === null || mediatorRoomId === JOINT_ROOM) return JOINT_ROOM;
  return caucusConsented ? mediatorRoomId : OBSERVER_WAITING_ROOM;
}

/** Only the mediator runs the process: rooms, moves, muting others, timers, announcements. */
export function canModerate(role: Role): boolean {
  return role === 'mediator';
}

/** Sees every room and its occupants at a glance (the mediator; assessors follow later). */
export function seesAllRooms(role: Role): boolean {
  return role === 'mediator';
}

export function roomsVisibleTo(viewer: Actor, rooms: RoomInfo[]): RoomInfo[] {
  return seesAllRooms(viewer.role) ? rooms : rooms.filter((r) => r.id === viewer.roomId);
}

export function mayKnowRoom(viewer: Actor, roomId: string): boolean {
  return seesAllRooms(viewer.role) || viewer.roomId === roomId;
}

/**
 * What `viewer` may know of `subject`. Outside the viewer's room, a party learns only that the
 * person is present elsewhere: no room, no media state, no share.
 */
export function presenceFor(viewer: Actor, subject: Presence): Presence {
  if (seesAllRooms(viewer.role) || subject.id === viewer.id || subject.roomId === viewer.roomId) return subject;
  return { ...subject, roomId: null, mic: 'none', micHeldBy: null, camera: 'none', cameras: [], sharing: false };
}

/** Observers never publish; everyone else may publish every source. */
export function canPublishSource(role: Role, _source: MediaSource): boolean {
  return role !== 'assessor';
}

export type ShareDecision = { allowed: true } | { allowed: false; reason: 'one_share_per_room' };

/** One active screen share per room unless the mediator allowed more [2.11-ii]. */
export function canStartShare(room: Pick<RoomInfo, 'allowMultipleShares'>, activeSharesInRoom: number): ShareDecision {
  if (!room.allowMultipleShares && activeSharesInRoom > 0) return { allowed: false, reason: 'one_share_per_room' };
  return { allowed: true };
}

/** Stage commands (main stage, pointer) come only from the room's current controller [2.11-iv]. */
export function canControlStage(actor: Actor, room: Pick<RoomInfo, 'id' | 'controllerId'>): boolean {
  return actor.roomId === room.id && room.controllerId === actor.id;
}

/** Asking for control is acting on the stage: an observer never asks (docs/threats.md #2). */
export function canRequestControl(role: Role): boolean {
  return role !== 'assessor';
}

/** A send transport exists only to publish; observers get a receiving transport only. */
export function canCreateTransport(role: Role, direction: 'send' | 'recv'): boolean {
  return direction === 'recv' || role !== 'assessor';
}

/** Control can be given only to someone in that room who may act (not an observer). */
export function canReceiveControl(target: { role: Role; roomId: string }, roomId: string): boolean {
  return target.role !== 'assessor' && target.roomId === roomId;
}

/** A participant may unmute themselves unless the mediator holds their microphone. */
export function canSelfUnmute(micHeld: boolean): boolean {
  return !micHeld;
}

/** Who may ask for the mediator: anyone not currently in a room with the mediator. */
export function canAskForMediator(actor: Actor, mediatorRoomIds: string[]): boolean {
  // An assessor observes the mediator; calling them away would change what is assessed.
  return actor.role !== 'mediator' && actor.role !== 'assessor' && !mediatorRoomIds.includes(actor.roomId);
}

export function isJoint(roomId: string): boolean {
  return roomId === JOINT_ROOM;
}
