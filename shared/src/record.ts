import type { Role } from './domain.ts';

/**
 * The tamper-evident session record [3.6.13, 3.7.17, ODR-QAP]: an append-only log per case where
 * each entry carries the hash of the previous one and is signed by the server's Ed25519 key, so a
 * removed, reordered or altered entry is detected by `verify`.
 */
export const RECORD_EVENT_TYPES = [
  'consent.recorded',
  'participant.joined',
  'participant.left',
  // someone's invitation link opened in another browser or device took over their connection
  'participant.link-reused',
  'room.created',
  'room.closed',
  'participant.moved',
  'room.timer-set',
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
  // assessor observation (ODR-QAP)
  'assessor.present',
] as const;
export type RecordEventType = (typeof RECORD_EVENT_TYPES)[number];

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
