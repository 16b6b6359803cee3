import type { AgreementStatus, BreakdownSettings, CaseConsentAnswer, RecordActor, RecordData, RecordEventType } from '@parley/shared';
import type { Identity } from '../domain/identity.ts';

/**
 * Everything one part of the server tells the others, in one typed map. A feature that reacts to
 * another (the record to a move, threads to a new caucus, connections to a rewritten agreement)
 * subscribes to the bus here instead of being wired into the emitter by hand.
 */
export interface ServerEvents {
  /** A person agreed to the protocol agreement (optional clauses accepted or declined by id). */
  'consent.recorded': { identity: Identity; clauseSetHash: string; optionalAccepted: string[]; optionalDeclined: string[] };
  /** A person withdrew their consent to the protocol agreement: everything of theirs that is open ends. */
  'consent.withdrawn': { identity: Identity };
  /** A person declined the protocol agreement, asked about it or withdrew their consent (the mediator is told live). */
  'consent.answered': { caseId: string; answer: CaseConsentAnswer };
  /** The mediator changed a case's technology-breakdown procedure. */
  'breakdown.changed': { caseId: string; settings: BreakdownSettings; by: Identity };
  'waiting-room.changed': { caseId: string; on: boolean; by: Identity };
  /** A case's protocol agreement was rewritten: consents given to the old text are stale. */
  'protocol.changed': { caseId: string };
  /** A new invitation link (a person added, or their link reissued); `email` when the mediator gave one with the person. */
  'invitation.issued': { caseId: string; participantId: string; url: string; expiresAt: string; email?: string | null | undefined };
  /** A session or deadline was scheduled, moved or cancelled; `previous` is its time before a move. */
  'session.changed': { caseId: string; sessionId: string; change: 'scheduled' | 'rescheduled' | 'cancelled'; previous: { startsAt: string; durationMinutes: number } | null };
  /** A person's invitation link was withdrawn (also when it is replaced by a new one). */
  'invitation.revoked': { caseId: string; participantId: string };
  /** A person was taken off a case: every connection of theirs ends. */
  'participant.removed': { caseId: string; participantId: string };
  /** A mediator signed out (an expired session is ended by each connection's own expiry timer). */
  'mediator.signed-out': { sessionHash: string };
  /** A caucus room was opened in a live session. */
  'room.created': { caseId: string; roomId: string; name: string };
  /** People were placed in a room (a move, a timer ending, a room closing). */
  'room.placed': { caseId: string; roomId: string; participantIds: string[] };
  /** Something happened that belongs in the case's session record. */
  'record.entry': RecordEntryEvent;
  /** A version of the agreement was frozen, signed or withdrawn; `current` is where it stands now. */
  'agreement.changed': { caseId: string; current: AgreementStatus | null };
  /** The agreement draft was edited (pending signatures of a frozen version may be void now). */
  'draft.edited': { caseId: string };
  /** The mediator concluded the case: its live session, drafts and sockets end; nothing in it changes until it is reopened. */
  'case.concluded': { caseId: string };
  /** The mediator archived the case: nobody but its mediators reaches it. */
  'case.archived': { caseId: string };
}

export type ServerEventName = keyof ServerEvents;

/** One entry for the session record, its data typed by its entry type (a union over every type). */
export type RecordEntryEvent = { [T in RecordEventType]: { caseId: string; type: T; actor: RecordActor | null; data: RecordData<T> } }[RecordEventType];
