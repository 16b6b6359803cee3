import type { RecordBody } from './record.ts';

/**
 * Ties an assessor's note to what happened in the session [ODR-QAP; IMI 3.7.16, 3.7.17]: the
 * session time it was written at, and the nearest entries of the tamper-evident session record,
 * each with a one-line plain summary. Pure functions of the entries, so the server stamps notes with
 * them and the tests pin the rules down.
 */

export type LinkableEntry = Pick<RecordBody, 'seq' | 'at' | 'type' | 'actor' | 'data'>;

export interface NoteLink {
  seq: number;
  type: string;
  at: string;
  summary: string;
}

/** Look this far back for events a note is about… */
export const LINK_BEFORE_MS = 5 * 60_000;
/** …and keep at most this many of them, the closest first… */
export const LINK_MAX_BEFORE = 3;
/** …plus whatever happened while the assessor was still typing. */
export const LINK_AFTER_MS = 30_000;

const time = (e: LinkableEntry): number => Date.parse(e.at);

/**
 * The up to three entries closest in time within the five minutes before `atMs`, plus every entry
 * within 30 seconds after it, in record order. The assessor's own entries (their join, their
 * presence) are left out: they say nothing about the mediator. With `observer`, only entries that
 * observer could have perceived are linked (see entriesVisibleTo).
 */
export function linkNearestEvents(
  entries: readonly LinkableEntry[],
  atMs: number,
  opts: { excludeActorId?: string; observer?: { displayName: string } } = {},
): NoteLink[] {
  const visible = opts.observer ? entriesVisibleTo(entries, opts.observer) : null;
  const relevant = entries.filter(
    (e) => !(opts.excludeActorId && e.actor?.id === opts.excludeActorId) && (!visible || visible.has(e.seq)) && Number.isFinite(time(e)),
  );
  const before = relevant
    .filter((e) => time(e) <= atMs && time(e) >= atMs - LINK_BEFORE_MS)
    .sort((a, b) => time(b) - time(a) || b.seq - a.seq)
    .slice(0, LINK_MAX_BEFORE);
  const after = relevant.filter((e) => time(e) > atMs && time(e) <= atMs + LINK_AFTER_MS);
  return [...before, ...after].sort((a, b) => a.seq - b.seq).map((e) => ({ seq: e.seq, type: e.type, at: e.at, summary: summariseRecordEntry(e) }));
}

/**
 * Session time, in whole seconds since the current sitting began; null when nobody is present.
 *
 * A sitting begins with the 'participant.joined' entry that found the session empty, and ends when
 * the last person leaves. We chose this over "the first join of the case's current day": a day has
 * no single boundary for people in different time zones (a 9–11 am sitting in Sydney crosses
 * midnight UTC), while an empty session is an unambiguous break between sittings.
 */
export function sessionSecondsAt(entries: readonly LinkableEntry[], atMs: number): number | null {
  const present = new Set<string>();
  let start: number | null = null;
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (time(e) > atMs) break;
    if (!e.actor) continue;
    if (e.type === 'participant.joined') {
      if (present.size === 0) start = time(e);
      present.add(e.actor.id);
    } else if (e.type === 'participant.left') present.delete(e.actor.id);
  }
  if (start === null || present.size === 0) return null;
  return Math.max(0, Math.floor((atMs - start) / 1000));
}

/** Events everyone on the case learns of, wherever they are. */
const CASE_WIDE = new Set<string>([
  'consent.recorded', 'agreement.frozen', 'agreement.signed', 'agreement.voided', 'announcement.sent', 'breakdown.settings-changed',
  'session.paused', 'session.resumed',
]);
/** Events about one person, which happen in the room that person is in. */
const ABOUT_A_PERSON = new Set<string>([
  'moderation.muted', 'moderation.unmute-asked', 'share.stopped', 'breakdown.started', 'breakdown.recovered', 'breakdown.grace-expired',
  'breakdown.ice-restarted', 'breakdown.media-lost', 'breakdown.media-restored', 'breakdown.audio-only',
]);

/** Events only the mediator is told of, wherever the observer was. */
const MEDIATOR_ONLY = new Set<string>(['participant.link-reused']);

/**
 * The entries (by seq) an observer could have perceived: case-wide events, and events in the room
 * they were in when it happened. A party who declined the assessor in their caucus [3.6.10] must
 * not find what happened there summarised under the assessor's notes. Rooms are followed through
 * the record itself (joins, moves, leaves, closed rooms, the assessor's 'assessor.present'), by the
 * names it uses; where an event's room cannot be told, it is left out rather than guessed.
 */
export function entriesVisibleTo(entries: readonly LinkableEntry[], observer: { displayName: string }): Set<number> {
  const where = new Map<string, string>();
  const visible = new Set<number>();
  const roomOf = (name: string | null | undefined) => (name ? where.get(name) : undefined);
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const d = e.data ?? {};
    const mine = roomOf(observer.displayName);
    const actorRoom = roomOf(e.actor?.displayName);
    const names = (Array.isArray(d.participants) ? d.participants : []).map(String);
    let seen: boolean;
    if (MEDIATOR_ONLY.has(e.type)) seen = false;
    else if (CASE_WIDE.has(e.type)) seen = true;
    else if (e.type === 'participant.moved') seen = !!mine && (d.to === mine || names.some((n) => roomOf(n) === mine));
    else if (e.type === 'room.closed') seen = !!mine && (actorRoom === mine || d.room === mine);
    else if (e.type === 'room.created' || e.type === 'participant.left') seen = !!mine && actorRoom === mine;
    else if (ABOUT_A_PERSON.has(e.type)) seen = !!mine && (roomOf(typeof d.participant === 'string' ? d.participant : null) ?? actorRoom) === mine;
    else seen = !!mine && (typeof d.room === 'string' ? d.room : actorRoom) === mine;
    if (seen) visible.add(e.seq);

    const actor = e.actor?.displayName;
    if ((e.type === 'participant.joined' || e.type === 'assessor.present') && actor && typeof d.room === 'string') where.set(actor, d.room);
    else if (e.type === 'participant.left' && actor) where.delete(actor);
    else if (e.type === 'participant.moved' && typeof d.to === 'string') for (const n of names) where.set(n, d.to);
    else if (e.type === 'room.closed' && typeof d.room === 'string') for (const [n, r] of where) if (r === d.room) where.set(n, 'Joint room');
  }
  return visible;
}

type Data = LinkableEntry['data'];

function str(data: Data, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = data[k];
    if (Array.isArray(v) && v.length) return joinNames(v);
    if (typeof v === 'string' && v) return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const q = (s: string) => `“${s}”`;
const clip = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * One plain sentence per record entry, short enough for a line under a note. The wording follows
 * the mediator's session-record timeline (client/src/record/describe.ts); unknown types still get
 * a readable line, so a newer server's events never break the scorecard.
 */
export function summariseRecordEntry(e: Pick<LinkableEntry, 'type' | 'actor' | 'data'>): string {
  const d = e.data ?? {};
  const who = !e.actor ? 'Parley' : e.actor.role === 'mediator' ? 'Mediator' : e.actor.displayName || 'Someone';
  const person = str(d, 'participants', 'participant', 'displayName', 'name') ?? who;
  const room = str(d, 'room', 'roomName');
  const inRoom = room ? ` in ${q(room)}` : '';
  const version = str(d, 'version');
  const ofVersion = version ? `version ${version}` : 'a version';
  switch (e.type) {
    case 'consent.recorded':
      return `${who} agreed to the protocol agreement`;
    case 'participant.joined':
      return room ? `${who} joined ${q(room)}` : `${who} joined the session`;
    case 'participant.left':
      return `${who} left the session`;
    case 'participant.link-reused':
      return `${str(d, 'participant') ?? 'A participant'}’s link was opened in another browser or device; the earlier connection was closed`;
    case 'room.created':
      return room ? `${who} opened the room ${q(room)}` : `${who} opened a room`;
    case 'room.closed':
      return room ? `${who} closed the room ${q(room)}` : `${who} closed a room`;
    case 'participant.moved': {
      const to = str(d, 'to', 'toRoomName');
      const reason = str(d, 'reason');
      return `${who} moved ${str(d, 'participants', 'participant') ?? 'a participant'} to ${to ? q(to) : 'another room'}${reason ? ` (${reason})` : ''}`;
    }
    case 'room.timer-set': {
      const m = Number(d.minutes);
      return Number.isFinite(m) && m > 0 ? `${who} set a ${m}-minute timer${inRoom}` : `${who} cleared the timer${inRoom}`;
    }
    case 'moderation.muted':
      return `${who} muted ${d.all === true ? 'everyone' : (str(d, 'participant') ?? 'a participant')}`;
    case 'moderation.unmute-asked':
      return `${who} asked ${str(d, 'participant') ?? 'a participant'} to unmute`;
    case 'share.started':
      return `${who} started sharing their screen${inRoom}`;
    case 'share.stopped': {
      const owner = str(d, 'participant');
      const reason = str(d, 'reason');
      if (reason) return `${owner ?? who}’s screen share ended${inRoom} (${reason})`;
      return owner && owner !== e.actor?.displayName ? `${who} stopped the screen share of ${owner}` : `${who} stopped sharing their screen`;
    }
    case 'control.given':
      return `${who} gave control${room ? ` of ${q(room)}` : ''} to ${str(d, 'to') ?? 'a participant'}`;
    case 'control.taken':
      return `${who} took back control${room ? ` of ${q(room)}` : ''}`;
    case 'announcement.sent': {
      const t = str(d, 'text');
      return t ? `${who} announced: ${q(clip(t))}` : `${who} sent an announcement`;
    }
    case 'agreement.frozen':
      return `${who} froze ${ofVersion} of the agreement for signing`;
    case 'agreement.signed':
      return `${who} signed ${ofVersion} of the agreement`;
    case 'agreement.voided': {
      const reason = str(d, 'reason');
      return `${ofVersion.charAt(0).toUpperCase()}${ofVersion.slice(1)} of the agreement was withdrawn${reason ? ` (${reason})` : ''}`;
    }
    case 'breakdown.settings-changed':
      return `${who} changed the procedure for technology breakdowns`;
    case 'breakdown.started':
      return `${person} lost their connection`;
    case 'breakdown.recovered':
      return `${person} reconnected`;
    case 'breakdown.grace-expired':
      return `${person} was still away when the waiting time ran out`;
    case 'breakdown.ice-restarted':
      return `${person}’s connection was restarted`;
    case 'breakdown.media-lost':
      return `${person}’s audio and video stopped getting through`;
    case 'breakdown.media-restored':
      return `${person}’s audio and video got through again`;
    case 'breakdown.audio-only':
      return d.on === false ? `${person}’s video came back` : `${person} switched to audio only`;
    case 'session.paused':
      return e.actor ? `${who} paused the joint session` : 'The joint session paused';
    case 'session.resumed':
      return e.actor ? `${who} resumed the joint session` : 'The joint session resumed';
    case 'assessor.present':
      return `${person} observes as assessor${inRoom}`;
    default:
      return `${who}: ${String(e.type).replace(/[.-]/g, ' ')}`;
  }
}
