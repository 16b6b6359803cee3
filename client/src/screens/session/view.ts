import { JOINT_ROOM, OBSERVER_WAITING_ROOM, PAUSE_HOLDER, canModerate, canPublish, isJoint, isWaitingRoom, roleLabel, type PersonRef, type Presence, type RoomInfo } from '@parley/shared';
import { capitalise, listNames } from '../../format.ts';
import { isPrimaryCamera } from '../../session/sources.ts';
import type { RemoteMedia, SessionState } from '../../session/store.ts';

/** What the session screens derive from the store, as pure functions (one vocabulary for all views). */

/** The joint room is always called "Joint room"; caucuses by the name the mediator gave them. */
export function roomTitle(room: Pick<RoomInfo, 'kind' | 'name'>): string {
  return room.kind === 'joint' ? 'Joint room' : room.name;
}

/** "the joint room" / "the caucus “Side A”", for sentences. */
export function roomPhrase(roomId: string | null | undefined, rooms: RoomInfo[]): string {
  if (roomId === OBSERVER_WAITING_ROOM) return 'no room (waiting outside a caucus)';
  if (isWaitingRoom(roomId)) return 'the waiting room';
  if (!roomId || isJoint(roomId)) return 'the joint room';
  const room = rooms.find((r) => r.id === roomId);
  return room ? `the caucus “${room.name}”` : 'a caucus';
}

export function roomNameOf(roomId: string | null | undefined, rooms: RoomInfo[]): string {
  if (!roomId) return 'another room';
  if (roomId === OBSERVER_WAITING_ROOM) return 'Waiting outside a caucus (not observing)';
  if (isWaitingRoom(roomId)) return 'Waiting room';
  const room = rooms.find((r) => r.id === roomId);
  return room ? roomTitle(room) : isJoint(roomId) ? 'Joint room' : 'a caucus';
}

export function myRoom(s: SessionState): RoomInfo | null {
  return s.rooms.find((r) => r.id === s.self?.roomId) ?? null;
}

/** Everyone (me included) in a room, as far as I may know. */
export function peopleIn(s: SessionState, roomId: string): Presence[] {
  return [...(s.self ? [s.self] : []), ...s.others].filter((p) => p.roomId === roomId);
}

export function personName(s: SessionState, id: string | null | undefined): string | null {
  if (!id) return null;
  if (s.self?.id === id) return s.self.displayName;
  return s.others.find((o) => o.id === id)?.displayName ?? null;
}

/**
 * "Party · Side A" under a person's name. A name that is just the role label (the default
 * mediator is called "Mediator") is not followed by the same word again: only the side is left,
 * or nothing ('' means: show no role line).
 */
export function describeRole(p: Pick<Presence, 'role' | 'side'> & { displayName?: string }): string {
  const sameAsName = p.displayName?.trim().toLowerCase() === roleLabel[p.role].toLowerCase();
  return [sameAsName ? null : roleLabel[p.role], p.side ? `Side ${p.side}` : null].filter(Boolean).join(' · ');
}

/** Rooms in a stable order: the joint room first, then caucuses as created. */
export function orderedRooms(rooms: RoomInfo[]): RoomInfo[] {
  return [...rooms.filter((r) => r.id === JOINT_ROOM), ...rooms.filter((r) => r.id !== JOINT_ROOM)];
}

/** "4:07": minutes and seconds left, never below 0:00. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** "0:07", "12:30": time elapsed since something began, never below 0:00. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

// -------------------------------------------------------------------------------------------------
// Who can see and hear me, who steers the stage, and why my room is empty

/** "see and hear you", "see you", "hear you and see your shared screen"; null when nothing goes out. */
function reach(seen: boolean, screen: boolean, heard: boolean): string | null {
  if (seen) return heard ? 'see and hear you' : 'see you';
  if (screen) return heard ? 'hear you and see your shared screen' : 'see your shared screen';
  return heard ? 'hear you' : null;
}

/** "your microphone is off", "you have no camera", "your microphone and camera are off". */
function whatIsOff(mic: SessionState['local']['mic'], cameraOn: boolean, camera: SessionState['local']['camera']): string | null {
  const micOff = mic !== 'on';
  const camOff = !cameraOn;
  if (micOff && camOff && mic === 'off' && camera === 'off') return 'your microphone and camera are off';
  const parts = [micOff ? (mic === 'none' ? 'you have no microphone' : 'your microphone is off') : null, camOff ? (camera === 'none' ? 'you have no camera' : 'your camera is off') : null];
  return parts.filter(Boolean).join(' and ') || null;
}

/**
 * The line always on top: which room I am in and exactly who can see and hear me, as things are
 * (my microphone and camera included: a muted person is seen, not heard).
 */
export function roomLineText(s: SessionState): string {
  const self = s.self;
  if (!self) return 'Connecting to the session…';
  const where = roomPhrase(self.roomId, s.rooms);
  if (s.connection.status === 'connecting') return `Joining ${where}…`;
  // Honest while the connection is down: nobody receives this person's camera or microphone.
  if (s.connection.status !== 'joined' || s.outage) return `You are in ${where} · Reconnecting: nobody can see or hear you right now`;
  if (isWaitingRoom(self.roomId)) {
    const mediator = s.others.find((o) => o.role === 'mediator');
    return `You are in the waiting room · Nobody can see or hear you. ${mediator ? `${mediator.displayName} will let you in` : 'The mediator has not arrived yet; they will let you in'}.`;
  }
  if (self.roomId === OBSERVER_WAITING_ROOM)
    return 'Not observing: the mediator is in a private meeting where not everyone agreed to be observed. You see and hear nothing until the mediator leaves it.';
  // Said with their role so nobody mistakes the assessor for someone who just cannot be seen.
  const names = s.others.filter((o) => o.roomId !== null && o.roomId === self.roomId).map((p) => (p.role === 'assessor' ? `${p.displayName} (assessor)` : p.displayName));
  if (!canPublish(self.role, 'mic')) return `You are in ${where} · You are observing: nobody can see or hear you${names.length ? `. In this room: ${names.join(', ')}` : ''}`;
  if (names.length === 0) {
    // "yet" only before anyone else arrived; mid-session the others are elsewhere.
    return s.others.some((o) => o.role !== 'assessor') ? `You are in ${where} · Nobody else is in this room right now: nobody can see or hear you` : `You are in ${where} · Nobody else is in this room yet`;
  }
  const { mic, camera, screen, extraCameras } = s.local;
  if (isPauseHold(self.micHeldBy) && mic !== 'on') return `You are in ${where} · The session is paused: your microphone stays off. Everyone in this room can see you: ${names.join(', ')}`;
  const cameraOn = camera === 'on' || extraCameras.some((c) => c.state === 'on');
  const caucus = !isJoint(self.roomId ?? JOINT_ROOM);
  const what = reach(cameraOn, !!screen, mic === 'on');
  const off = whatIsOff(mic, cameraOn, camera);
  if (!what) return `You are in ${where} · ${capitalise(off ?? '')}: nobody can see or hear you. In this room: ${names.join(', ')}`;
  return `You are in ${where} · ${caucus ? 'Only these people' : 'Everyone in this room'} can ${what}${off ? ` (${off})` : ''}: ${names.join(', ')}`;
}

/** Whether this person steers the stage of the room they are in (as far as the viewer may know). */
export function hasControl(p: Pick<Presence, 'id' | 'roomId'>, rooms: RoomInfo[]): boolean {
  return p.roomId !== null && rooms.some((r) => r.id === p.roomId && r.controllerId === p.id);
}

/**
 * The control chip of my room: only about someone who is here. The joint room keeps the mediator
 * as its controller while they are in a caucus, but nobody steers a room its controller left.
 */
export function controlChipText(s: SessionState): string | null {
  const self = s.self;
  const room = myRoom(s);
  if (!self || !room?.controllerId) return null;
  if (room.controllerId === self.id) return canModerate(self.role) ? null : 'You have control of the stage';
  const controller = s.others.find((o) => o.id === room.controllerId && o.roomId === room.id);
  return controller ? `${controller.displayName} has control` : null;
}

/**
 * What the empty stage says. Alone in the joint room while the mediator is elsewhere, that is a
 * private meeting (a caucus): said with only what the server told this viewer, namely who is not
 * in this room, never who is with whom.
 */
export function emptyStageText(s: SessionState): { text: string; hint: string | null } {
  const self = s.self;
  if (s.connection.status !== 'joined' || !self) return { text: 'Connecting…', hint: null };
  if (self.roomId === OBSERVER_WAITING_ROOM)
    return { text: 'Not observing: the mediator is in a private meeting.', hint: 'You see and hear the room again as soon as the mediator leaves it. Your notes still work meanwhile.' };
  if (isWaitingRoom(self.roomId)) {
    const mediatorHere = s.others.some((o) => o.role === 'mediator');
    return {
      text: mediatorHere ? 'You are in the waiting room. The mediator will let you in.' : 'You are in the waiting room. The mediator has not arrived yet.',
      hint: 'Nobody can see or hear you here, and you see and hear nobody. Meanwhile you can check your camera and microphone, and write to the mediator in Messages.',
    };
  }
  if (self.roomId && !isJoint(self.roomId)) return { text: 'Nobody else is in this caucus yet.', hint: null };
  const away = s.others.filter((o) => o.roomId !== self.roomId);
  const mediator = away.find((o) => o.role === 'mediator');
  const othersAway = away.filter((o) => o.role !== 'mediator' && o.role !== 'assessor').map((o) => o.displayName);
  if (mediator && !canModerate(self.role)) {
    const alsoAway = othersAway.length ? ` ${listNames(othersAway)} ${othersAway.length === 1 ? 'is' : 'are'} not in this room either.` : '';
    return {
      text: `The mediator is in a private meeting in another room.${alsoAway}`,
      hint: 'You will be back together in this room when the private meeting ends. Until then nobody can see or hear you here.',
    };
  }
  if (away.length) return { text: 'Nobody else is in this room right now.', hint: null };
  return { text: 'Waiting for the others to join…', hint: null };
}

// -------------------------------------------------------------------------------------------------
// The breakdown procedure [3.6.13]: other people's connection trouble, holds of the paused session

/** What is wrong with someone's connection, as far as this viewer can tell. */
export type PersonTrouble =
  | { kind: 'reconnecting'; since: number }
  | { kind: 'media-lost'; since: number }
  | { kind: 'audio-only' };

export function personTrouble(p: Presence, awaySeen: Record<string, number>, now: number): PersonTrouble | null {
  if (p.connection === 'reconnecting') return { kind: 'reconnecting', since: awaySeen[p.id] ?? now };
  if (p.connection === 'media-lost') return { kind: 'media-lost', since: awaySeen[p.id] ?? now };
  if (p.audioOnly) return { kind: 'audio-only' };
  return null;
}

/** "Ana’s connection dropped — reconnecting, 0:23", measured on the viewer's clock. */
export function troubleText(name: string, t: PersonTrouble, now: number): string {
  switch (t.kind) {
    case 'reconnecting':
      return `${name}’s connection dropped — reconnecting, ${formatElapsed(now - t.since)}`;
    case 'media-lost':
      return `${name}’s audio and video are not getting through`;
    case 'audio-only':
      return `${name} is on audio only (weak connection)`;
  }
}

export function isPauseHold(held: Pick<PersonRef, 'id'> | null | undefined): boolean {
  return held?.id === PAUSE_HOLDER.id;
}

/** Why a microphone is held, for a tile or a list: by the mediator, or by the paused session. */
export function heldWords(held: PersonRef, selfId: string | undefined): string {
  if (isPauseHold(held)) return 'Muted while the joint session is paused';
  return `Muted by ${held.id === selfId ? 'you' : held.displayName}`;
}

export function msLeft(room: RoomInfo, now: number): number | null {
  if (!room.timer) return null;
  const end = Date.parse(room.timer.endsAt);
  return Number.isNaN(end) ? null : end - now;
}

/** Warn a minute before the end, or a third of the time for short timers (at least 5 s). */
export function warnSecondsFor(minutes: number): number {
  return minutes >= 2 ? 60 : Math.min(60, Math.max(5, Math.round((minutes * 60) / 3)));
}

export function nextCaucusName(rooms: RoomInfo[]): string {
  const names = new Set(rooms.map((r) => r.name.toLowerCase()));
  for (let n = 1; ; n++) if (!names.has(`caucus ${n}`)) return `Caucus ${n}`;
}

// -------------------------------------------------------------------------------------------------
// Tiles and the stage

export interface TileModel {
  key: string;
  kind: 'camera' | 'extra' | 'screen';
  person: Presence;
  /** Used in "Show {name} on main stage". */
  name: string;
  /** The video's accessible name. */
  videoLabel: string;
  /** Shown on the tile (extra cameras, shares). */
  label: string | null;
  producerId: string | null;
  track: MediaStreamTrack | null;
  showVideo: boolean;
  placeholder: string;
  local: boolean;
  /** Remote only: microphone state to show on the person's main tile. */
  muted: boolean;
  /** Remote main tiles only: their connection trouble (timed on the viewer's clock). */
  trouble: PersonTrouble | null;
  /** Main camera tiles only: this person steers the room's stage. */
  control: boolean;
}

function cameraState(p: Presence, producerId: string | undefined): 'on' | 'off' | undefined {
  return p.cameras.find((c) => c.producerId === producerId)?.state;
}

function remoteTiles(p: Presence, media: RemoteMedia[], offline: boolean, trouble: PersonTrouble | null, control: boolean): TileModel[] {
  const videos = media.filter((m) => m.kind === 'video');
  const primary = videos.find((m) => isPrimaryCamera(m.source, m.label));
  const sound = media.find((m) => m.kind === 'audio' && m.source === 'mic');
  const primaryOn = !!primary && !primary.producerPaused && (cameraState(p, primary.producerId) ?? p.camera) !== 'off';
  let placeholder = 'Camera off';
  if (p.camera === 'none' && !primary) placeholder = 'No camera';
  else if (!primary && p.camera === 'on') placeholder = offline ? 'Reconnecting…' : 'Video starting…';
  if (trouble?.kind === 'audio-only') placeholder = 'Audio only';
  // An assessor never has a camera or microphone: "No camera", "No microphone" would read as a fault.
  const observer = p.role === 'assessor';
  if (observer) placeholder = 'Observing: no camera or microphone';
  const tiles: TileModel[] = [
    {
      key: `${p.id}:camera`,
      kind: 'camera',
      person: p,
      name: p.displayName,
      videoLabel: `Video of ${p.displayName}`,
      label: null,
      producerId: primary?.producerId ?? null,
      track: primary?.track ?? null,
      showVideo: primaryOn,
      placeholder,
      local: false,
      muted: !observer && (p.mic !== 'on' || (sound?.producerPaused ?? false)),
      trouble,
      control,
    },
  ];
  for (const m of videos) {
    if (m === primary) continue;
    const screen = m.source === 'screen';
    const label = screen ? 'Screen' : (m.label ?? 'Camera');
    tiles.push({
      key: m.consumerId,
      kind: screen ? 'screen' : 'extra',
      person: p,
      name: screen ? `screen shared by ${p.displayName}` : `${p.displayName} — ${label}`,
      videoLabel: screen ? `Screen shared by ${p.displayName}` : `Video of ${p.displayName} — ${label}`,
      label,
      producerId: m.producerId,
      track: m.track,
      showVideo: !m.producerPaused && cameraState(p, m.producerId) !== 'off',
      placeholder: screen ? 'Screen share paused' : `${label} off`,
      local: false,
      muted: false,
      trouble: null,
      control: false,
    });
  }
  return tiles;
}

function localTiles(s: SessionState): TileModel[] {
  const self = s.self;
  if (!self) return [];
  const tiles: TileModel[] = s.local.extraCameras.map((c) => ({
    key: c.key,
    kind: 'extra' as const,
    person: self,
    name: `your ${c.label}`,
    videoLabel: `Your ${c.label} (what others see)`,
    label: c.label,
    producerId: c.producerId,
    track: c.track,
    showVideo: c.state === 'on',
    placeholder: `${c.label} off`,
    local: true,
    muted: false,
    trouble: null,
    control: false,
  }));
  const screen = s.local.screen;
  if (screen) {
    tiles.push({
      key: 'screen:self',
      kind: 'screen',
      person: self,
      name: 'your shared screen',
      videoLabel: 'Your shared screen (what others see)',
      label: 'Your screen',
      producerId: screen.producerId,
      track: screen.track,
      showVideo: true,
      placeholder: 'Starting…',
      local: true,
      muted: false,
      trouble: null,
      control: false,
    });
  }
  return tiles;
}

/** Every tile of my room: each person's main camera, their extra cameras and shares, then mine. */
export function roomTiles(s: SessionState, now = Date.now()): TileModel[] {
  const roomId = s.self?.roomId;
  if (!roomId) return [];
  const offline = s.connection.status !== 'joined';
  const people = s.others.filter((o) => o.roomId === roomId);
  return [
    ...people.flatMap((p) => remoteTiles(p, s.remote.filter((m) => m.participantId === p.id), offline, personTrouble(p, s.awaySeen, now), hasControl(p, s.rooms))),
    ...localTiles(s),
  ];
}

/**
 * The tile shown large for everyone in the room: the controller's choice, otherwise a screen
 * someone else shares (my own share stays small for me), otherwise none (a grid).
 */
export function stageTile(tiles: TileModel[], room: RoomInfo | null): TileModel | null {
  if (room?.stageProducerId) {
    const chosen = tiles.find((t) => t.producerId === room.stageProducerId);
    if (chosen) return chosen;
  }
  return tiles.find((t) => t.kind === 'screen' && !t.local) ?? null;
}
