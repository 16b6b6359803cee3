import { ASSESSOR_CAUCUS_CLAUSE_ID, ErrorCode, ParleyError, ProtocolAgreement, type CaseConsentAnswer, type ConsentBody } from '@parley/shared';
import type { EventBus } from '../events/EventBus.ts';
import { now, type Store } from '../store/Store.ts';
import type { Identity } from './identity.ts';

export interface ConsentOptions {
  bus: EventBus;
  /** Declines, questions and withdrawals on a case, newest first (ConsentAnswers.ofCase). */
  answersOf?: (caseId: string, clauseSetHash: string) => CaseConsentAnswer[] | Promise<CaseConsentAnswer[]>;
}

/**
 * Consent to the protocol agreement [3.6.8]: recorded against the exact clause set read, and the
 * questions the rest of the server asks of it (may this person go live, may the assessor follow).
 */
export class Consent {
  readonly #store: Store;
  readonly #opts: ConsentOptions;

  constructor(store: Store, opts: ConsentOptions) {
    this.#store = store;
    this.#opts = opts;
  }

  /** Records consent to the exact clause set the person read. */
  async record(identity: Identity, body: ConsentBody): Promise<void> {
    const c = (await this.#store.getCase(identity.caseId))!;
    if (body.clauseSetHash !== c.clause_set_hash) {
      throw new ParleyError(ErrorCode.Conflict, 'The protocol agreement was changed by the mediator while you were reading it. Please read it again.');
    }
    const agreement = ProtocolAgreement.parse(JSON.parse(c.agreement_json));
    const accepted = new Set(body.acceptedClauseIds);
    // Required clauses must all be ticked; optional ones (the assessor in caucuses) may be declined.
    const missing = agreement.clauses.filter((cl) => !cl.optional && !accepted.has(cl.id));
    const unknown = [...accepted].filter((id) => !agreement.clauses.some((cl) => cl.id === id));
    if (missing.length > 0 || unknown.length > 0) {
      throw new ParleyError(ErrorCode.BadRequest, 'Every clause must be agreed to before you can continue.', {
        details: [
          ...missing.map((m) => ({ path: `clauses.${m.id}`, message: `not agreed: ${m.title}` })),
          ...unknown.map((id) => ({ path: `clauses.${id}`, message: 'not a clause of this agreement' })),
        ],
      });
    }
    await this.#store.insertConsent({
      participant_id: identity.participantId,
      case_id: c.id,
      clause_set_hash: c.clause_set_hash,
      // Which clauses were accepted, optional ones included: mayAssessorFollowInto reads this.
      accepted_clause_ids: JSON.stringify(agreement.clauses.filter((x) => accepted.has(x.id)).map((x) => x.id)),
      at: now(),
    });
    const optional = agreement.clauses.filter((x) => x.optional);
    this.#opts.bus.emit('consent.recorded', {
      identity,
      clauseSetHash: c.clause_set_hash,
      optionalAccepted: optional.filter((x) => accepted.has(x.id)).map((x) => x.id),
      optionalDeclined: optional.filter((x) => !accepted.has(x.id)).map((x) => x.id),
    });
  }

  /** Whether the person's newest consent is to this clause set. */
  async isCurrent(participantId: string, clauseSetHash: string): Promise<boolean> {
    return (await this.#store.latestConsent(participantId))?.clause_set_hash === clauseSetHash;
  }

  /** Whether the person consented to the case's agreement as it stands now. */
  async hasCurrent(identity: Identity): Promise<boolean> {
    const c = await this.#store.getCaseHead(identity.caseId);
    return !!c && (await this.isCurrent(identity.participantId, c.clause_set_hash));
  }

  /**
   * Consented at least once, to any version. The assessor's scorecard needs this (they accepted the
   * rules on notes) but not a current consent: a later change of the agreement must not lock them
   * out of reviewing their own notes.
   */
  async hasAny(identity: Identity): Promise<boolean> {
    return !!(await this.#store.latestConsent(identity.participantId));
  }

  /**
   * What a mediator joining a live session is shown of the answers about the agreement: each
   * person's newest decline, open question or withdrawal on the current agreement that no consent
   * given since settled. The case page keeps the whole history.
   */
  async openAnswers(caseId: string): Promise<CaseConsentAnswer[]> {
    const c = await this.#store.getCaseHead(caseId);
    if (!c) return [];
    const newest = new Map<string, CaseConsentAnswer>();
    // Newest first: the first seen of each person is their newest.
    for (const a of (await this.#opts.answersOf?.(caseId, c.clause_set_hash)) ?? []) if (!newest.has(a.participantId)) newest.set(a.participantId, a);
    const open: CaseConsentAnswer[] = [];
    for (const a of newest.values()) {
      if (!a.current || (a.kind === 'question' && a.answeredAt)) continue;
      const consent = await this.#store.latestConsent(a.participantId);
      if (!(consent && consent.clause_set_hash === c.clause_set_hash && consent.at > a.at)) open.push(a);
    }
    return open;
  }

  /**
   * Whether the assessor may follow the mediator into a room with these occupants [3.6.10, 3.6.14]:
   * only if every party and advisor there has a current consent that accepted the optional caucus
   * clause. The mediator and assessors do not count; anyone unknown counts as a refusal.
   */
  async mayAssessorFollowInto(caseId: string, occupantIds: string[]): Promise<boolean> {
    const c = await this.#store.getCaseHead(caseId);
    if (!c) return false;
    for (const id of occupantIds) {
      const p = await this.#store.getParticipant(id);
      if (!p || p.case_id !== caseId || p.removed_at) return false;
      if (p.role === 'mediator' || p.role === 'assessor') continue;
      const consent = await this.#store.latestConsent(p.id);
      if (!consent || consent.clause_set_hash !== c.clause_set_hash) return false;
      if (!(JSON.parse(consent.accepted_clause_ids) as string[]).includes(ASSESSOR_CAUCUS_CLAUSE_ID)) return false;
    }
    return true;
  }
}
