import type { RecordBody, RecordEventType, RecordVerifyReport } from '@parley/shared';

/**
 * Plain-language sentences for the entries of the tamper-evident session record. Pure functions
 * (no DOM, no clock) so the wording is unit-tested for every event type. The server decides what
 * goes into `data`; we read the keys we know and tolerate missing or renamed ones, and the keys a
 * sentence does not use are shown generically next to it (`extraDetails`).
 */

export type DescribableEntry = Pick<RecordBody, 'type' | 'actor' | 'data'>;
type Data = RecordBody['data'];
type Value = Data[string];

/** The filter groups offered by the "Show" select. */
export const RECORD_FILTERS = [
  { id: 'all', label: 'All events' },
  { id: 'rooms', label: 'Rooms and moves' },
  { id: 'control', label: 'Muting and control' },
  { id: 'agreement', label: 'Consent and agreement' },
  { id: 'breakdown', label: 'Breakdowns and pauses' },
] as const;
export type RecordFilter = (typeof RECORD_FILTERS)[number]['id'];

const GROUP: Record<RecordEventType, Exclude<RecordFilter, 'all'>> = {
  'consent.recorded': 'agreement',
  'participant.joined': 'rooms',
  'participant.left': 'rooms',
  'participant.link-reused': 'rooms',
  'room.created': 'rooms',
  'room.closed': 'rooms',
  'participant.moved': 'rooms',
  'room.timer-set': 'rooms',
  'moderation.muted': 'control',
  'moderation.unmute-asked': 'control',
  'share.started': 'control',
  'share.stopped': 'control',
  'control.given': 'control',
  'control.taken': 'control',
  'announcement.sent': 'control',
  'agreement.frozen': 'agreement',
  'agreement.signed': 'agreement',
  'agreement.voided': 'agreement',
  'breakdown.settings-changed': 'breakdown',
  'breakdown.started': 'breakdown',
  'breakdown.recovered': 'breakdown',
  'breakdown.grace-expired': 'breakdown',
  'breakdown.ice-restarted': 'breakdown',
  'breakdown.media-lost': 'breakdown',
  'breakdown.media-restored': 'breakdown',
  'breakdown.audio-only': 'breakdown',
  'session.paused': 'breakdown',
  'session.resumed': 'breakdown',
  // Who was watching is part of who was present.
  'assessor.present': 'rooms',
};

export function matchesFilter(type: string, filter: RecordFilter): boolean {
  if (filter === 'all') return true;
  return (GROUP as Record<string, string | undefined>)[type] === filter;
}

// Keys that name the people an event is about, and the room it happened in, in order of preference.
// The server writes `participants` (moves), `participant` (mutes, shares) and `to` (control given to).
const PEOPLE_KEYS = ['participants', 'participantNames', 'names', 'participant', 'participantName', 'targetName', 'toName', 'displayName', 'name', 'to'];
// The server writes `room`, and `to` for the destination of a move.
const ROOM_KEYS = ['roomName', 'toRoomName', 'room', 'to'];
const SOURCE_KEYS = ['producerSource', 'source'];
const VERSION_KEYS = ['version', 'agreementVersion'];
const TEXT_KEYS = ['text', 'message'];
const REASON_KEYS = ['reason'];
const TIMER_KEYS = ['minutes', 'durationMinutes'];
const SECONDS_KEYS = ['seconds', 'pausedSeconds', 'graceSeconds'];
const MISSING_KEYS = ['missing'];
const ASSESSOR_KEYS = ['assessor'];

/** The keys each sentence may use; everything else is shown as an extra detail. */
const USED: Record<RecordEventType, string[]> = {
  'consent.recorded': [],
  'participant.joined': [...PEOPLE_KEYS, ...ROOM_KEYS],
  'participant.left': [...PEOPLE_KEYS, ...ROOM_KEYS],
  'participant.link-reused': [...PEOPLE_KEYS, ...ROOM_KEYS],
  'room.created': [...ROOM_KEYS, ...PEOPLE_KEYS],
  'room.closed': [...ROOM_KEYS],
  'participant.moved': [...PEOPLE_KEYS, ...ROOM_KEYS],
  'room.timer-set': [...ROOM_KEYS, ...TIMER_KEYS],
  'moderation.muted': [...PEOPLE_KEYS, ...SOURCE_KEYS, 'all'],
  'moderation.unmute-asked': [...PEOPLE_KEYS],
  'share.started': [...PEOPLE_KEYS, ...SOURCE_KEYS, ...ROOM_KEYS],
  'share.stopped': [...PEOPLE_KEYS, ...SOURCE_KEYS, ...ROOM_KEYS, ...REASON_KEYS],
  'control.given': [...PEOPLE_KEYS, ...ROOM_KEYS],
  'control.taken': [...ROOM_KEYS],
  'announcement.sent': [...TEXT_KEYS],
  'agreement.frozen': [...VERSION_KEYS],
  'agreement.signed': [...VERSION_KEYS],
  'agreement.voided': [...VERSION_KEYS, ...REASON_KEYS],
  'breakdown.settings-changed': [],
  'breakdown.started': [...PEOPLE_KEYS, 'cause'],
  'breakdown.recovered': [...PEOPLE_KEYS, ...SECONDS_KEYS, 'step'],
  'breakdown.grace-expired': [...PEOPLE_KEYS, ...SECONDS_KEYS],
  'breakdown.ice-restarted': [...PEOPLE_KEYS],
  'breakdown.media-lost': [...PEOPLE_KEYS],
  'breakdown.media-restored': [...PEOPLE_KEYS, ...SECONDS_KEYS],
  'breakdown.audio-only': [...PEOPLE_KEYS, 'on', ...REASON_KEYS],
  'session.paused': [...MISSING_KEYS, ...REASON_KEYS],
  'session.resumed': [...SECONDS_KEYS, ...MISSING_KEYS],
  'assessor.present': [...ASSESSOR_KEYS, 'action', ...ROOM_KEYS],
};

function first(data: Data, keys: string[]): Value | undefined {
  for (const k of keys) {
    const v = data[k];
    if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) return v;
  }
  return undefined;
}

function text(data: Data, keys: string[]): string | null {
  const v = first(data, keys);
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** "Ana", "Ana and Ben", "Ana, Ben and Carla". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function people(data: Data): string | null {
  const v = first(data, PEOPLE_KEYS);
  if (v === undefined) return null;
  if (Array.isArray(v)) return joinNames(v);
  return String(v);
}

/** The person who acted: "Mediator" for the mediator, the display name for anyone else. */
export function actorName(entry: DescribableEntry): string {
  const a = entry.actor;
  if (!a) return 'Parley';
  if (a.role === 'mediator') return 'Mediator';
  return a.displayName || 'Someone';
}

/** Whether the people named in the data are just the actor themselves. */
function isSelf(entry: DescribableEntry, names: string): boolean {
  if (!entry.actor) return false;
  return entry.actor.displayName === names || actorName(entry) === names;
}

const quoted = (s: string) => `“${s}”`;

function inRoom(data: Data): string {
  const room = text(data, ROOM_KEYS);
  return room ? ` in ${quoted(room)}` : '';
}

function versionText(data: Data): string {
  const v = text(data, VERSION_KEYS);
  return v ? `version ${v}` : 'a version';
}

function minutesText(minutes: number): string {
  if (minutes >= 1 && Number.isInteger(minutes)) return `${minutes}-minute`;
  const seconds = Math.round(minutes * 60);
  return seconds < 60 ? `${seconds}-second` : `${Math.round(minutes * 10) / 10}-minute`;
}

/** "45 seconds", "1 minute", "2 minutes 5 seconds". */
export function durationWords(totalSeconds: number): string {
  const t = Math.max(0, Math.round(totalSeconds));
  if (t < 60) return `${t} second${t === 1 ? '' : 's'}`;
  const m = Math.floor(t / 60);
  const sec = t % 60;
  const mins = `${m} minute${m === 1 ? '' : 's'}`;
  return sec ? `${mins} ${sec} second${sec === 1 ? '' : 's'}` : mins;
}

function seconds(data: Data, key: string): number | null {
  const v = data[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function nameList(data: Data, key: string): string[] {
  const v = data[key];
  if (Array.isArray(v)) return v.filter((x) => x !== '');
  return typeof v === 'string' && v ? [v] : [];
}

/** Why a connection broke, as the server records it. */
function causeWords(cause: string | null): string {
  switch (cause) {
    case 'network':
    case 'disconnected':
    case 'socket':
    case 'transport close':
    case 'ping timeout':
      return ' (network lost)';
    case 'media':
    case 'ice':
    case 'dtls':
      return ' (audio and video stopped getting through)';
    default:
      // The server writes its own plain words ("connection went silent"): show them as they are.
      return cause ? ` (${cause})` : '';
  }
}

/** Which rung of the procedure brought someone back. */
function stepWords(step: string | null): string {
  switch (step) {
    case 'ice-restart':
      return ', after the platform repaired the connection';
    case 'rejoin':
    case 'rejoined':
    case 'reconnect':
    case 'reconnected':
      return ', by reconnecting';
    default:
      return '';
  }
}

/** The four things an assessor's presence can be: joined, left, followed, held back. */
function assessorSentence(entry: DescribableEntry, d: Data): string {
  const subject = text(d, ASSESSOR_KEYS) ?? actorName(entry);
  const where = inRoom(d);
  switch (text(d, ['action'])) {
    case 'joined':
      return `${subject} began observing${where}`;
    case 'left':
      return `${subject} stopped observing${where}`;
    case 'followed':
      return `${subject} followed the mediator${text(d, ROOM_KEYS) ? ` into ${quoted(text(d, ROOM_KEYS) as string)}` : ''}`;
    case 'held-back':
      // Not everyone in that caucus consented to being observed there.
      return `${subject} stayed out${text(d, ROOM_KEYS) ? ` of ${quoted(text(d, ROOM_KEYS) as string)}` : ' of a caucus'}, as not everyone there agreed to be observed`;
    default:
      return `${subject} was present as assessor${where}`;
  }
}

function sourceWords(source: string | null): { thing: string; own: string } {
  switch (source) {
    case 'camera':
      return { thing: 'camera', own: 'their camera' };
    case 'mic':
      return { thing: 'microphone', own: 'their microphone' };
    case 'screen-audio':
      return { thing: 'screen sound', own: 'their screen sound' };
    default:
      return { thing: 'screen', own: 'their screen' };
  }
}

/** One plain sentence for a record entry. */
export function describeEntry(entry: DescribableEntry): string {
  const who = actorName(entry);
  const d = entry.data ?? {};
  const names = people(d);
  const room = text(d, ROOM_KEYS);
  const type = entry.type as string;

  switch (entry.type) {
    case 'consent.recorded':
      return `${who} agreed to the protocol agreement`;
    case 'participant.joined': {
      const subject = names ?? who;
      return room ? `${subject} joined ${quoted(room)}` : `${subject} joined the session`;
    }
    case 'participant.left': {
      const subject = names ?? who;
      return room ? `${subject} left ${quoted(room)}` : `${subject} left the session`;
    }
    case 'participant.link-reused': {
      // The server records it without an actor: whoever opened the link is not known.
      const subject = names ?? (entry.actor ? who : 'A participant');
      return `${subject} was disconnected because their invitation link was opened in another browser or device`;
    }
    case 'room.created': {
      const base = room ? `${who} opened the room ${quoted(room)}` : `${who} opened a room`;
      return names ? `${base} for ${names}` : base;
    }
    case 'room.closed':
      return room ? `${who} closed the room ${quoted(room)}` : `${who} closed a room`;
    case 'participant.moved': {
      const subject = names ?? 'a participant';
      return room ? `${who} moved ${subject} to ${quoted(room)}` : `${who} moved ${subject} to another room`;
    }
    case 'room.timer-set': {
      const m = first(d, TIMER_KEYS);
      const minutes = typeof m === 'number' ? m : typeof m === 'string' ? Number(m) : NaN;
      if (!Number.isFinite(minutes) || minutes <= 0) return `${who} cleared the timer${inRoom(d)}`;
      return `${who} set a ${minutesText(minutes)} timer${inRoom(d)}`;
    }
    case 'moderation.muted': {
      const subject = d.all === true || names === 'all' ? 'everyone' : (names ?? 'a participant');
      const source = text(d, SOURCE_KEYS);
      if (source === 'camera') return `${who} turned off the camera of ${subject}`;
      if (source === 'screen' || source === 'screen-audio') return `${who} stopped the screen share of ${subject}`;
      return `${who} muted ${subject}`;
    }
    case 'moderation.unmute-asked':
      return `${who} asked ${names ?? 'a participant'} to unmute`;
    case 'share.started': {
      const { own } = sourceWords(text(d, SOURCE_KEYS));
      return `${names && !isSelf(entry, names) ? names : who} started sharing ${own}${inRoom(d)}`;
    }
    case 'share.stopped': {
      const { own, thing } = sourceWords(text(d, SOURCE_KEYS));
      // Ended by what happened to the sharer (left, lost the connection, moved), not by a person.
      const reason = text(d, REASON_KEYS);
      if (reason) return `${names ?? who}’s ${thing} share ended${inRoom(d)} (${reason})`;
      // The mediator may stop someone else's share; otherwise people stop their own.
      if (names && !isSelf(entry, names)) return `${who} stopped the ${thing} share of ${names}${inRoom(d)}`;
      return `${who} stopped sharing ${own}${inRoom(d)}`;
    }
    case 'control.given': {
      const target = names ?? 'a participant';
      return room ? `${who} gave control of ${quoted(room)} to ${target}` : `${who} gave control of the room to ${target}`;
    }
    case 'control.taken':
      return room ? `${who} took back control of ${quoted(room)}` : `${who} took back control of the room`;
    case 'announcement.sent': {
      const t = text(d, TEXT_KEYS);
      return t ? `${who} announced to everyone: ${quoted(t)}` : `${who} sent an announcement to everyone`;
    }
    case 'agreement.frozen':
      return `${who} froze ${versionText(d)} of the agreement for signing`;
    case 'agreement.signed':
      return `${who} signed ${versionText(d)} of the agreement`;
    case 'agreement.voided': {
      const reason = text(d, REASON_KEYS);
      return `${who} voided ${versionText(d)} of the agreement${reason ? ` (${reason})` : ''}`;
    }
    case 'breakdown.settings-changed':
      return `${who} changed the breakdown procedure (everyone is asked to consent again)`;
    case 'breakdown.started':
      return `${names ?? who} lost their connection${causeWords(text(d, ['cause']))}`;
    case 'breakdown.recovered': {
      const secs = seconds(d, 'seconds');
      return `${names ?? who} was back${secs !== null ? ` after ${durationWords(secs)}` : ''}${stepWords(text(d, ['step']))}`;
    }
    case 'breakdown.grace-expired': {
      const grace = seconds(d, 'graceSeconds');
      return `${names ?? who} was still not back after the grace period${grace !== null ? ` of ${durationWords(grace)}` : ''}`;
    }
    case 'breakdown.ice-restarted':
      return `${names ?? who} had their audio and video connection restarted`;
    case 'breakdown.media-lost':
      return `${names ?? who} could not get audio and video through`;
    case 'breakdown.media-restored': {
      const secs = seconds(d, 'seconds');
      return `${names ?? who} had audio and video back${secs !== null ? ` after ${durationWords(secs)}` : ''}`;
    }
    case 'breakdown.audio-only': {
      const subject = names ?? who;
      if (d.on === false) return `${subject} turned video back on`;
      const reason = text(d, REASON_KEYS);
      return `${subject} continued with audio only${reason ? ` (${reason})` : ''}`;
    }
    case 'session.paused': {
      const missing = nameList(d, 'missing');
      if (!missing.length) return `${who} paused the joint session`;
      const reason = text(d, REASON_KEYS);
      return `${who} paused the joint session: ${joinNames(missing)} ${missing.length === 1 ? 'was' : 'were'} not connected${reason ? ` (${reason})` : ''}`;
    }
    case 'session.resumed': {
      const secs = seconds(d, 'pausedSeconds');
      const missing = nameList(d, 'missing');
      const base = `${who} resumed the joint session${secs !== null ? ` after a pause of ${durationWords(secs)}` : ''}`;
      return missing.length ? `${base}, without ${joinNames(missing)}` : base;
    }
    case 'assessor.present':
      return assessorSentence(entry, d);
    default:
      // A type this client does not know yet (a newer server): say what we can.
      return `${who}: ${type.replace(/[.-]/g, ' ')}`;
  }
}

const LABELS: Record<string, string> = {
  textHash: 'Text fingerprint',
  producerSource: 'Source',
  roomName: 'Room',
  fromRoomName: 'From room',
  participants: 'People',
  version: 'Version',
  minutes: 'Minutes',
  reason: 'Reason',
  warnSeconds: 'Warning (seconds)',
  allowMultipleShares: 'Several shares allowed',
  graceSeconds: 'Grace period (seconds)',
  pauseJointSession: 'Pause the joint session',
  audioOnlyFallback: 'Audio only by itself',
  textFallback: 'Point to the messages',
  reschedulingContact: 'Contact for a new time',
};

/** "textHash" → "Text hash"; known keys get a friendlier label. */
export function detailLabel(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function detailValue(value: Value): string {
  if (value === null) return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** The data an entry's sentence does not already say, as label/value pairs. */
export function extraDetails(entry: DescribableEntry): Array<{ key: string; label: string; value: string }> {
  const used = new Set((USED as Record<string, string[] | undefined>)[entry.type] ?? []);
  return Object.entries(entry.data ?? {})
    .filter(([k, v]) => !used.has(k) && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([key, v]) => ({ key, label: detailLabel(key), value: detailValue(v) }));
}

/** The status line above the timeline, from the server's check of the whole chain. */
export function statusSentence(v: RecordVerifyReport): string {
  if (v.valid) {
    if (v.entries === 0) return 'The record is intact. Nothing has been recorded for this case yet.';
    if (v.entries === 1) return 'The record is intact: 1 entry, signed';
    return `The record is intact: ${v.entries} entries, each signed and chained to the one before`;
  }
  return `The record does not check out: ${v.problems.length === 1 ? 'we found a problem' : `we found ${v.problems.length} problems`} in its ${v.entries} ${v.entries === 1 ? 'entry' : 'entries'}`;
}
