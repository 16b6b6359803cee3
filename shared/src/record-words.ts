import { parseRecordData, RECORD_DATA, type RecordBody, type RecordData, type RecordEventType } from './record.ts';
import { lengthWords, whenInZone, type SessionPurpose } from './schedule.ts';

/**
 * The session record in plain words: one sentence per entry, the one translator used by the
 * mediator's record screen and by the assessor's notes (the events a note is linked to). Pure
 * functions, so the wording is unit-tested for every entry type.
 *
 * Each entry's data is read with its type's schema (record.ts). An entry that does not fit it (an
 * older record, written before the schemas) gets a sentence that says only what its type means,
 * and all of its data is shown as details, so nothing is guessed and nothing is hidden.
 */

export type DescribableEntry = Pick<RecordBody, 'type' | 'actor' | 'data'>;
type Value = RecordBody['data'][string];

export interface DescribeOptions {
  /** Shorten quoted text someone wrote (an announcement) to this many characters, for one-line summaries. */
  quoteMax?: number;
}

/** "Ana", "Ana and Ben", "Ana, Ben and Carla". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The person who acted: "Mediator" for the mediator, the display name for anyone else, "Parley" for the platform. */
export function actorName(entry: Pick<DescribableEntry, 'actor'>): string {
  const a = entry.actor;
  if (!a) return 'Parley';
  if (a.role === 'mediator') return 'Mediator';
  return a.displayName || 'Someone';
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

function minutesText(minutes: number): string {
  if (minutes >= 1 && Number.isInteger(minutes)) return `${minutes}-minute`;
  const seconds = Math.round(minutes * 60);
  return seconds < 60 ? `${seconds}-second` : `${Math.round(minutes * 10) / 10}-minute`;
}

const quoted = (s: string) => `“${s}”`;
const clip = (s: string, max: number | undefined) => (max !== undefined && s.length > max ? `${s.slice(0, max - 1)}…` : s);
const paren = (s: string | undefined) => (s ? ` (${s})` : '');

/** What a type means when its data cannot be read: said of the actor, true whoever that is. */
const GENERIC: Record<RecordEventType, string> = {
  'consent.recorded': 'agreed to the protocol agreement',
  'consent.declined': 'declined the protocol agreement',
  'consent.withdrawn': 'withdrew their consent to the protocol agreement',
  'protocol.template-changed': 'changed the protocol agreement template',
  'participant.joined': 'joined the session',
  'participant.left': 'left the session',
  'participant.link-reused': 'recorded that an invitation link was opened in another browser or device',
  'participant.added': 'added someone to the case',
  'participant.removed': 'took someone off the case',
  'room.created': 'opened a room',
  'room.closed': 'closed a room',
  'participant.moved': 'moved people to another room',
  'room.timer-set': 'set or cleared a room timer',
  'room.waiting-changed': 'turned the waiting room on or off',
  'moderation.muted': 'muted a participant',
  'moderation.unmute-asked': 'asked a participant to unmute',
  'share.started': 'started sharing a screen',
  'share.stopped': 'recorded the end of a screen share',
  'control.given': 'gave control of a room to a participant',
  'control.taken': 'took back control of a room',
  'announcement.sent': 'sent an announcement to everyone',
  'agreement.frozen': 'froze a version of the agreement for signing',
  'agreement.signed': 'signed a version of the agreement',
  'agreement.voided': 'voided a version of the agreement',
  'breakdown.settings-changed': 'changed the breakdown procedure',
  'breakdown.started': 'recorded a lost connection',
  'breakdown.recovered': 'recorded a connection coming back',
  'breakdown.grace-expired': 'recorded that the grace period for a lost connection ran out',
  'breakdown.ice-restarted': 'recorded an audio and video connection being restarted',
  'breakdown.media-lost': 'recorded audio and video not getting through',
  'breakdown.media-restored': 'recorded audio and video getting through again',
  'breakdown.audio-only': 'recorded a switch between audio only and video',
  'session.paused': 'paused the joint session',
  'session.ended': 'ended the session for everyone',
  'session.resumed': 'resumed the joint session',
  'assessor.present': 'was present as assessor',
  'session.scheduled': 'scheduled a session or a deadline',
  'session.rescheduled': 'moved a scheduled session or deadline',
  'session.cancelled': 'cancelled a scheduled session or deadline',
  'case.concluded': 'concluded the case',
  'case.reopened': 'reopened the case',
  'case.archived': 'archived the case',
};

const isKnownType = (type: string): type is RecordEventType => Object.hasOwn(RECORD_DATA, type);

/** The sentence for an entry whose data does not fit its type's schema, or whose type is unknown. */
export function genericSentence(entry: Pick<DescribableEntry, 'type' | 'actor'>): string {
  const who = actorName(entry);
  const type = entry.type as string;
  // A type this version does not know yet (a newer server): say what we can.
  return isKnownType(type) ? `${who} ${GENERIC[type]}` : `${who}: ${type.replace(/[.-]/g, ' ')}`;
}

/** "a joint session", "a caucus with side A", "a deadline for side B". */
function itemWords(d: { purpose: SessionPurpose; side: string | null }): string {
  if (d.purpose === 'joint') return 'a joint session';
  if (d.purpose === 'caucus') return `a caucus with side ${d.side ?? '?'}`;
  return d.side ? `a deadline for side ${d.side}` : 'a deadline for everyone';
}
const lasting = (d: { purpose: SessionPurpose; durationMinutes: number }) => (d.purpose === 'deadline' ? '' : ` (${lengthWords(d.durationMinutes)})`);
const the = (d: { purpose: SessionPurpose; side: string | null }) => itemWords(d).replace(/^a /, 'the ');

const LEFT: Record<RecordData<'participant.left'>['reason'], string> = {
  left: 'left the session',
  removed: 'was removed from the session',
  disconnected: 'left the session: their connection did not come back in time',
  replaced: 'left the session',
};

const ROLE_WORDS: Record<RecordData<'participant.added'>['role'], string> = { party: 'a party', advisor: 'an advisor', assessor: 'an assessor', 'co-mediator': 'a co-mediator' };

type Sentences = { [T in RecordEventType]: (d: RecordData<T>, who: string, entry: DescribableEntry, o: DescribeOptions) => string };

const SENTENCES: Sentences = {
  'consent.recorded': (_d, who) => `${who} agreed to the protocol agreement`,
  'consent.declined': (_d, who) => `${who} declined the protocol agreement`,
  'consent.withdrawn': (_d, who) => `${who} withdrew their consent to the protocol agreement and was taken out of the session`,
  'protocol.template-changed': (d, who) =>
    `${who} moved the case to the protocol agreement template ${quoted(d.template)}${d.version === null ? '' : `, version ${d.version}`} (everyone is asked to consent again)`,
  'participant.joined': (d, who) => `${who} joined ${quoted(d.room)}`,
  'participant.left': (d, who) => `${who} ${LEFT[d.reason]}`,
  'participant.link-reused': (d) => `${d.participant} was disconnected because their invitation link was opened in another browser or device`,
  'participant.added': (d, who) => `${who} added ${d.participant} to the case as ${ROLE_WORDS[d.role]}`,
  'participant.removed': (d, who) => `${who} took ${d.participant}, ${ROLE_WORDS[d.role]}, off the case`,
  'room.created': (d, who) => `${who} opened the room ${quoted(d.room)}`,
  'room.closed': (d, who) => `${who} closed the room ${quoted(d.room)}`,
  'participant.moved': (d, who) => `${who} moved ${joinNames(d.participants) || 'nobody'} to ${quoted(d.room)}${paren(d.reason)}`,
  'room.waiting-changed': (d, who) =>
    d.on ? `${who} turned the waiting room on: parties wait until the mediator lets them in` : `${who} turned the waiting room off: everyone waiting was let in`,
  'room.timer-set': (d, who) =>
    d.minutes === null ? `${who} cleared the timer in ${quoted(d.room)}` : `${who} set a ${minutesText(d.minutes)} timer in ${quoted(d.room)}`,
  'moderation.muted': (d, who) => `${who} muted ${d.participant}`,
  'moderation.unmute-asked': (d, who) => `${who} asked ${d.participant} to unmute`,
  'share.started': (d, who) => `${who} started sharing their screen in ${quoted(d.room)}`,
  'share.stopped': (d, who, e) => {
    // Ended by what happened to the sharer (left, lost the connection, moved), not by a person.
    if (d.reason) return `${d.participant}’s screen share ended in ${quoted(d.room)} (${d.reason})`;
    // The mediator may stop someone else's share; otherwise people stop their own.
    if (e.actor?.displayName !== d.participant) return `${who} stopped the screen share of ${d.participant} in ${quoted(d.room)}`;
    return `${who} stopped sharing their screen in ${quoted(d.room)}`;
  },
  'control.given': (d, who) => `${who} gave control of ${quoted(d.room)} to ${d.participant}`,
  'control.taken': (d, who) => `${who} took back control of ${quoted(d.room)}`,
  'announcement.sent': (d, who, _e, o) => `${who} announced to everyone: ${quoted(clip(d.text, o.quoteMax))}`,
  'agreement.frozen': (d, who) => `${who} froze version ${d.version} of the agreement for signing`,
  'agreement.signed': (d, who) => `${who} signed version ${d.version} of the agreement`,
  // Without an actor the platform withdrew it (the text was edited after it was frozen).
  'agreement.voided': (d, who, e) =>
    e.actor ? `${who} voided version ${d.version} of the agreement (${d.reason})` : `Version ${d.version} of the agreement was withdrawn (${d.reason})`,
  'breakdown.settings-changed': (_d, who) => `${who} changed the breakdown procedure (everyone is asked to consent again)`,
  'breakdown.started': (d) => `${d.participant} lost their connection${paren(d.cause)}`,
  'breakdown.recovered': (d) => `${d.participant} was back after ${durationWords(d.seconds)}, by reconnecting`,
  'breakdown.grace-expired': (d) => `${d.participant} was still not back after the grace period of ${durationWords(d.graceSeconds)}`,
  'breakdown.ice-restarted': (d) => `${d.participant} had their audio and video connection restarted`,
  'breakdown.media-lost': (d) => `${d.participant} could not get audio and video through`,
  'breakdown.media-restored': (d) => `${d.participant} had audio and video back after ${durationWords(d.seconds)}`,
  'breakdown.audio-only': (d) => (d.on ? `${d.participant} continued with audio only${paren(d.reason)}` : `${d.participant} turned video back on`),
  'session.paused': (d, who) => {
    if (!d.missing.length) return `${who} paused the joint session`;
    return `${who} paused the joint session: ${joinNames(d.missing)} ${d.missing.length === 1 ? 'was' : 'were'} not connected${paren(d.reason)}`;
  },
  'session.resumed': (d, who) => {
    const base = `${who} resumed the joint session after a pause of ${durationWords(d.pausedSeconds)}`;
    return d.missing.length ? `${base}, without ${joinNames(d.missing)}` : base;
  },
  'session.ended': (d, who) =>
    d.outcome === 'back-to-waiting-room'
      ? `${who} ended the joint session: ${joinNames(d.participants) || 'nobody'} went back to the waiting room${paren(d.reason)}`
      : `${who} ended the session for everyone${d.participants.length ? `: ${joinNames(d.participants)} ${d.participants.length === 1 ? 'was' : 'were'} disconnected` : ''}${paren(d.reason)}`,
  'session.scheduled': (d, who) => `${who} scheduled ${itemWords(d)} for ${whenInZone(d.startsAt, d.timeZone)}${lasting(d)}`,
  'session.rescheduled': (d, who) =>
    `${who} moved ${the(d)} of ${whenInZone(d.previousStartsAt, d.timeZone)} to ${whenInZone(d.startsAt, d.timeZone)}${lasting(d)}`,
  'session.cancelled': (d, who) => `${who} cancelled ${the(d)} of ${whenInZone(d.startsAt, d.timeZone)}`,
  'case.concluded': (d, who) =>
    d.outcome === 'agreement'
      ? `${who} concluded the case with a signed agreement${paren(d.reason)}`
      : `${who} concluded the case without an agreement${paren(d.reason)}`,
  'case.reopened': (d, who) => `${who} reopened the case${paren(d.reason)}`,
  'case.archived': (_d, who) => `${who} archived the case`,
  'assessor.present': (d) => {
    switch (d.action) {
      case 'joined':
        return `${d.participant} began observing in ${quoted(d.room)}`;
      case 'followed':
        return `${d.participant} followed the mediator into ${quoted(d.room)}`;
      case 'held-back':
        // `room` is then the waiting place outside, not the caucus they stayed out of.
        return `${d.participant} stayed out of the caucus, as not everyone there agreed to be observed`;
    }
  },
};

/** The keys each sentence says; the others are shown as details next to it (extraDetails). */
const SAID: { [T in RecordEventType]: ReadonlyArray<keyof RecordData<T>> } = {
  'consent.recorded': [],
  'consent.declined': [],
  'consent.withdrawn': [],
  'protocol.template-changed': ['template', 'version'],
  'participant.joined': ['room'],
  'participant.left': ['reason'],
  'participant.link-reused': ['participant', 'room'],
  'participant.added': ['participant', 'role'],
  'participant.removed': ['participant', 'role'],
  'room.created': ['room'],
  'room.closed': ['room'],
  'participant.moved': ['room', 'participants', 'reason'],
  'room.timer-set': ['room', 'minutes'],
  'room.waiting-changed': ['on'],
  'moderation.muted': ['participant'],
  'moderation.unmute-asked': ['participant'],
  'share.started': ['room'],
  'share.stopped': ['participant', 'room', 'reason'],
  'control.given': ['room', 'participant'],
  'control.taken': ['room'],
  'announcement.sent': ['text'],
  'agreement.frozen': ['version'],
  'agreement.signed': ['version'],
  'agreement.voided': ['version', 'reason'],
  'breakdown.settings-changed': [],
  'breakdown.started': ['participant', 'cause'],
  'breakdown.recovered': ['participant', 'seconds', 'step'],
  'breakdown.grace-expired': ['participant', 'graceSeconds'],
  'breakdown.ice-restarted': ['participant'],
  'breakdown.media-lost': ['participant'],
  'breakdown.media-restored': ['participant', 'seconds'],
  'breakdown.audio-only': ['participant', 'on', 'reason'],
  'session.paused': ['missing', 'reason'],
  'session.resumed': ['pausedSeconds', 'missing'],
  'session.ended': ['outcome', 'participants', 'reason'],
  'assessor.present': ['participant', 'action', 'room'],
  'session.scheduled': ['purpose', 'side', 'startsAt', 'durationMinutes', 'timeZone'],
  'session.rescheduled': ['purpose', 'side', 'startsAt', 'durationMinutes', 'timeZone', 'previousStartsAt'],
  'session.cancelled': ['purpose', 'side', 'startsAt', 'timeZone'],
  'case.concluded': ['outcome', 'reason', 'partyAccessUntil'],
  'case.reopened': ['reason'],
  'case.archived': [],
};

/** An entry with its data read by its type's schema, or null when it does not fit (or the type is unknown). */
function typed(entry: DescribableEntry): { type: RecordEventType; data: RecordData<RecordEventType> } | null {
  const type = entry.type as string;
  if (!isKnownType(type)) return null;
  const data = parseRecordData(type, entry.data);
  return data ? { type, data } : null;
}

/** One plain sentence for a record entry. Never throws, whatever the entry holds. */
export function describeEntry(entry: DescribableEntry, options: DescribeOptions = {}): string {
  const t = typed(entry);
  if (!t) return genericSentence(entry);
  const sentence = SENTENCES[t.type] as (d: RecordData<RecordEventType>, who: string, e: DescribableEntry, o: DescribeOptions) => string;
  return sentence(t.data, actorName(entry), entry, options);
}

/** Whether an entry gets its type's own sentence (its data fits the schema), rather than the generic one. */
export function isDescribedSpecifically(entry: DescribableEntry): boolean {
  return typed(entry) !== null;
}

const LABELS: Record<string, string> = {
  textHash: 'Text fingerprint',
  clauseSetHash: 'Protocol agreement fingerprint',
  optionalAccepted: 'Optional clauses accepted',
  optionalDeclined: 'Optional clauses declined',
  version: 'Version',
  minutes: 'Minutes',
  reason: 'Reason',
  graceSeconds: 'Grace period (seconds)',
  pauseJointSession: 'Pause the joint session',
  audioOnlyFallback: 'Audio only by itself',
  textFallback: 'Point to the messages',
};

/** "clauseSetHash" → "Clause set hash"; known keys get a friendlier label. */
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

/** The data an entry's sentence does not already say, as label/value pairs (all of it, for an entry that does not fit its schema). */
export function extraDetails(entry: DescribableEntry): Array<{ key: string; label: string; value: string }> {
  const t = typed(entry);
  const said = new Set<string>(t ? (SAID[t.type] as readonly string[]) : []);
  // A damaged file may hold anything here; only an object has details to show.
  const data: unknown = entry.data;
  const fields = data && typeof data === 'object' && !Array.isArray(data) ? Object.entries(data as RecordBody['data']) : [];
  return fields
    .filter(([k, v]) => !said.has(k) && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([key, v]) => ({ key, label: detailLabel(key), value: detailValue(v) }));
}
