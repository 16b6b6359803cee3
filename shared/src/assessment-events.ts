import { parseRecordData, type RecordBody } from './record.ts';
import { describeEntry } from './record-words.ts';

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

/** A note's linked events are one line each: an announcement is quoted up to this many characters. */
const SUMMARY_QUOTE_MAX = 90;

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
  return [...before, ...after].sort((a, b) => a.seq - b.seq).map((e) => ({ seq: e.seq, type: e.type, at: e.at, summary: describeEntry(e, { quoteMax: SUMMARY_QUOTE_MAX }) }));
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

/** Events that say where people are. */
const PLACES = new Set<string>(['participant.joined', 'participant.moved', 'room.closed', 'assessor.present']);

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
    const parsed = parseRecordData(e.type, e.data) as Partial<Record<'room' | 'participant', string> & { participants: string[] }> | null;
    // An entry that does not fit its type's schema (written before the schemas, or of a type this
    // version does not know) is placed by its actor only; if it may have moved people, nobody's
    // room is known any more, so nothing room-bound is linked until they are placed again.
    if (!parsed && PLACES.has(e.type)) where.clear();
    const d = parsed ?? {};
    const mine = roomOf(observer.displayName);
    const actorRoom = roomOf(e.actor?.displayName);
    const actor = e.actor?.displayName;
    const names = d.participants ?? [];
    let seen: boolean;
    if (MEDIATOR_ONLY.has(e.type)) seen = false;
    else if (CASE_WIDE.has(e.type)) seen = true;
    else if (e.type === 'participant.moved') seen = !!mine && (d.room === mine || names.some((n) => roomOf(n) === mine));
    else if (e.type === 'room.closed') seen = !!mine && (actorRoom === mine || d.room === mine);
    else if (e.type === 'room.created' || e.type === 'participant.left') seen = !!mine && actorRoom === mine;
    else if (ABOUT_A_PERSON.has(e.type)) seen = !!mine && (roomOf(d.participant) ?? actorRoom) === mine;
    else seen = !!mine && (d.room ?? actorRoom) === mine;
    if (seen) visible.add(e.seq);

    if ((e.type === 'participant.joined' || e.type === 'assessor.present') && actor && d.room) where.set(actor, d.room);
    else if (e.type === 'participant.left' && actor) where.delete(actor);
    else if (e.type === 'participant.moved' && d.room) for (const n of names) where.set(n, d.room);
    else if (e.type === 'room.closed' && d.room) for (const [n, r] of where) if (r === d.room) where.set(n, 'Joint room');
  }
  return visible;
}
