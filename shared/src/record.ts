import { z } from 'zod';
import type { Role } from './domain.ts';
import { SessionPurpose } from './schedule.ts';

/**
 * The tamper-evident session record [3.6.13, 3.7.17, ODR-QAP]: an append-only log per case where
 * each entry carries the hash of the previous one and is signed by the server's Ed25519 key, so a
 * removed, reordered or altered entry is detected by `verify`.
 */
export const RECORD_EVENT_TYPES = [
  'consent.recorded',
  // instead of agreeing, or taking an agreement back [3.6.8]; the person's words stay on the case page
  'consent.declined',
  'consent.withdrawn',
  // the mediator moved the case to another protocol agreement template version: everyone consents again
  'protocol.template-changed',
  'participant.joined',
  'participant.left',
  // someone's invitation link opened in another browser or device took over their connection
  'participant.link-reused',
  // the mediator put someone on the case, or took them off it
  'participant.added',
  'participant.removed',
  'room.created',
  'room.closed',
  'participant.moved',
  'room.timer-set',
  'room.waiting-changed',
  'moderation.muted',
  'moderation.unmute-asked',
  'share.started',
  'share.stopped',
  'control.given',
  'control.taken',
  'announcement.sent',
  'agreement.frozen',
  'agreement.signed',
  'agreement.voided',
  // technology breakdown [3.6.13, 3.7.17]: who, when, how long, which rung of the ladder
  'breakdown.settings-changed',
  'breakdown.started',
  'breakdown.recovered',
  'breakdown.grace-expired',
  'breakdown.ice-restarted',
  'breakdown.media-lost',
  'breakdown.media-restored',
  'breakdown.audio-only',
  'session.paused',
  'session.resumed',
  // the mediator ended the session for everyone: back to the waiting room, or out
  'session.ended',
  // assessor observation (ODR-QAP)
  'assessor.present',
  // scheduling across time zones [issue 13; 2.8]: what was set for when, and each change
  'session.scheduled',
  'session.rescheduled',
  'session.cancelled',
  // the end of a case [issue 15]: concluded (with or without agreement), reopened, archived
  'case.concluded',
  'case.reopened',
  'case.archived',
] as const;
export type RecordEventType = (typeof RECORD_EVENT_TYPES)[number];

/*
 * What each entry type says, one schema per type. Every key means one thing across all types: a
 * room is always `room` (for a move, the room people were moved to), the one person an event is
 * about is always `participant`, several people are `participants` or, for a pause, `missing`.
 * Strict objects: a key a type does not have is refused by the parse and, at the writers'
 * call sites, by the compiler.
 */
const room = z.string();
const participant = z.string();
const names = z.array(z.string());
const seconds = z.number().nonnegative();
const reason = z.string();
const version = z.number().int().positive();
const textHash = z.string();

export const RECORD_DATA = {
  'consent.recorded': z.strictObject({ clauseSetHash: z.string(), optionalAccepted: names.optional(), optionalDeclined: names.optional() }),
  // `clauseSetHash`: the agreement declined, or the one whose consent was withdrawn.
  'consent.declined': z.strictObject({ clauseSetHash: z.string() }),
  'consent.withdrawn': z.strictObject({ clauseSetHash: z.string() }),
  // `template`: the template's name (the built-in one's too); `version` null for the built-in one.
  'protocol.template-changed': z.strictObject({ template: z.string(), version: z.number().int().positive().nullable() }),
  'participant.joined': z.strictObject({ room }),
  // Same words as the `participant:left` notification.
  'participant.left': z.strictObject({ reason: z.enum(['left', 'disconnected', 'replaced', 'removed']) }),
  'participant.link-reused': z.strictObject({ participant, room }),
  'participant.added': z.strictObject({ participant, role: z.enum(['party', 'advisor', 'assessor', 'co-mediator']) }),
  'participant.removed': z.strictObject({ participant, role: z.enum(['party', 'advisor', 'assessor', 'co-mediator']) }),
  'room.created': z.strictObject({ room }),
  'room.closed': z.strictObject({ room }),
  // `room` is where they were moved to; without an actor, `reason` says why the platform moved them.
  'participant.moved': z.strictObject({ room, participants: names, reason: reason.optional() }),
  // null minutes: the timer was cleared.
  'room.timer-set': z.strictObject({ room, minutes: z.number().positive().nullable() }),
  'room.waiting-changed': z.strictObject({ on: z.boolean() }),
  'moderation.muted': z.strictObject({ participant }),
  'moderation.unmute-asked': z.strictObject({ participant }),
  // The actor is the person sharing.
  'share.started': z.strictObject({ room }),
  // `participant` is whose share ended; `reason` when it ended by what happened to them, not by a person.
  'share.stopped': z.strictObject({ participant, room, reason: reason.optional() }),
  'control.given': z.strictObject({ room, participant }),
  'control.taken': z.strictObject({ room }),
  'announcement.sent': z.strictObject({ text: z.string() }),
  'agreement.frozen': z.strictObject({ version, textHash }),
  'agreement.signed': z.strictObject({ version, textHash }),
  'agreement.voided': z.strictObject({ version, reason }),
  'breakdown.settings-changed': z.strictObject({ graceSeconds: seconds, pauseJointSession: z.boolean(), audioOnlyFallback: z.boolean(), textFallback: z.boolean() }),
  // `cause` is the server's plain words for why the connection went ("connection went silent").
  'breakdown.started': z.strictObject({ participant, cause: z.string(), graceSeconds: seconds }),
  'breakdown.recovered': z.strictObject({ participant, seconds, step: z.enum(['rejoined']) }),
  'breakdown.grace-expired': z.strictObject({ participant, graceSeconds: seconds }),
  'breakdown.ice-restarted': z.strictObject({ participant }),
  // Which detector saw it (StallDetector's no packets, ICE consent, DTLS) and on which transport;
  // optional because records written before they were named lack them.
  'breakdown.media-lost': z.strictObject({ participant, cause: z.enum(['no-packets', 'ice', 'dtls']).optional(), direction: z.enum(['send', 'recv']).optional() }),
  'breakdown.media-restored': z.strictObject({ participant, seconds }),
  // on false: video came back.
  'breakdown.audio-only': z.strictObject({ participant, on: z.boolean(), reason }),
  'session.paused': z.strictObject({ missing: names, reason }),
  'session.resumed': z.strictObject({ pausedSeconds: seconds, missing: names }),
  // `outcome`: everyone went back to the waiting room, or every connection was closed; `participants` are those it ended for.
  'session.ended': z.strictObject({ outcome: z.enum(['back-to-waiting-room', 'disconnected']), participants: names, reason }),
  // The actor is the assessor; `room` is where they are now (or the waiting place outside).
  'assessor.present': z.strictObject({ participant, action: z.enum(['joined', 'followed', 'held-back']), room }),
  // A scheduled item: `startsAt` is the UTC instant, `timeZone` the zone the mediator set it in
  // (the sentence reads the time back in that zone); `side` is the caucus's or the deadline's.
  'session.scheduled': z.strictObject({ purpose: SessionPurpose, side: z.string().nullable(), startsAt: z.string(), durationMinutes: z.number().int().nonnegative(), timeZone: z.string() }),
  'session.rescheduled': z.strictObject({
    purpose: SessionPurpose,
    side: z.string().nullable(),
    startsAt: z.string(),
    durationMinutes: z.number().int().nonnegative(),
    timeZone: z.string(),
    previousStartsAt: z.string(),
  }),
  'session.cancelled': z.strictObject({ purpose: SessionPurpose, side: z.string().nullable(), startsAt: z.string(), timeZone: z.string() }),
  // `partyAccessUntil`: until when the others may read the agreement and their threads.
  'case.concluded': z.strictObject({ outcome: z.enum(['agreement', 'no-agreement']), reason, partyAccessUntil: z.string() }),
  'case.reopened': z.strictObject({ reason }),
  'case.archived': z.strictObject({}),
} as const satisfies Record<RecordEventType, z.ZodType<Record<string, string | number | boolean | null | string[] | undefined>>>;

/** The data an entry of type T carries. */
export type RecordData<T extends RecordEventType> = z.infer<(typeof RECORD_DATA)[T]>;

/** An entry's data as its type's schema reads it, or null (an older record, or a type this version does not know). */
export function parseRecordData<T extends RecordEventType>(type: T, data: unknown): RecordData<T> | null;
export function parseRecordData(type: string, data: unknown): RecordData<RecordEventType> | null;
export function parseRecordData(type: string, data: unknown): RecordData<RecordEventType> | null {
  const schema = (RECORD_DATA as Record<string, z.ZodType<RecordData<RecordEventType>> | undefined>)[type];
  const parsed = schema?.safeParse(data);
  return parsed?.success ? parsed.data : null;
}

export interface RecordActor {
  id: string;
  displayName: string;
  role: Role;
}

/** The part of an entry that is hashed (canonical JSON of exactly these fields). */
export interface RecordBody {
  v: 1;
  caseId: string;
  seq: number;
  at: string;
  type: RecordEventType;
  actor: RecordActor | null;
  /** RecordData<type> as written today; read it with parseRecordData, as older records may differ. */
  data: Record<string, string | number | boolean | null | string[]>;
  /** Hash of the previous entry; 64 zeros for the first. */
  prevHash: string;
}

export interface RecordEntry extends RecordBody {
  /** SHA-256 hex of canonicalJson(body). */
  hash: string;
  /** Ed25519 signature of the hash (as UTF-8 hex text) by the server key, base64url. */
  signature: string;
}

export interface RecordExport {
  format: 'parley.session-record/1';
  caseId: string;
  caseTitle: string;
  exportedAt: string;
  publicKey: string;
  entries: RecordEntry[];
}

export interface RecordVerifyReport {
  valid: boolean;
  entries: number;
  /** Plain-language findings with the entry number they concern. */
  problems: string[];
}

export const GENESIS_HASH = '0'.repeat(64);
