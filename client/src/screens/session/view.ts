import { JOINT_ROOM, OBSERVER_WAITING_ROOM, PAUSE_HOLDER, isJoint, roleLabel, type PersonRef, type Presence, type RoomInfo } from '@parley/shared';
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
  if (!roomId || isJoint(roomId)) return 'the joint room';
  const room = rooms.find((r) => r.id === roomId);
  return room ? `the caucus “${room.name}”` : 'a caucus';
}

export function roomNameOf(roomId: string | null | undefined, rooms: RoomInfo[]): string {
  if (!roomId) return 'another room';
  if (roomId === OBSERVER_WAITING_ROOM) return 'Waiting outside a caucus (not observing)';
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
}

function cameraState(p: Presence, producerId: string | undefined): 'on' | 'off' | undefined {
  return p.cameras.find((c) => c.producerId === producerId)?.state;
}

function remoteTiles(p: Presence, media: RemoteMedia[], offline: boolean, trouble: PersonTrouble | null): TileModel[] {
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
    ...people.flatMap((p) => remoteTiles(p, s.remote.filter((m) => m.participantId === p.id), offline, personTrouble(p, s.awaySeen, now))),
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
