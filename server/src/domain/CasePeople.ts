import {
  ErrorCode,
  MAX_ASSESSORS,
  MAX_CO_MEDIATORS,
  ParleyError,
  ProtocolAgreement,
  withAssessorClauses,
  withCoMediatorClause,
  type AddCoMediatorBody,
  type AddParticipantBody,
  type CaseDetail,
  type ColleagueList,
} from '@parley/shared';
import { randomId } from '../crypto/randomId.ts';
import type { EventBus } from '../events/EventBus.ts';
import { now, type ParticipantRow, type Store } from '../store/Store.ts';
import type { CaseService } from './CaseService.ts';

type Added = 'party' | 'advisor' | 'assessor' | 'co-mediator';

/**
 * Who is on a case, changed after it was created [issue 13, scope 6; 3.6.10, 3.6.14]: parties,
 * advisors and assessors added or taken off by a mediator of the case, and co-mediators asked in
 * or taken off by its lead. What the people already on the case agreed to must stay true: a new
 * assessor or co-mediator rewrites the clause that names them, so everyone consents again before
 * meeting them; whoever is taken off loses their link and every connection at once (the registry
 * listens for `participant.removed`). Each change is in the session record, with who made it.
 */
export class CasePeople {
  readonly #store: Store;
  readonly #cases: CaseService;
  readonly #bus: EventBus;

  constructor(store: Store, cases: CaseService, bus: EventBus) {
    this.#store = store;
    this.#cases = cases;
    this.#bus = bus;
  }

  // --- parties, advisors, assessors ---------------------------------------------------------------

  /** Adds one person and issues their link; an assessor rewrites the assessor clauses. */
  add(mediatorId: string, caseId: string, body: AddParticipantBody): CaseDetail {
    this.#cases.mediatorIdentity(mediatorId, caseId); // not found unless the caller mediates it
    const assessors = this.#store.participantsOf(caseId).filter((p) => p.role === 'assessor');
    if (body.role === 'assessor' && assessors.length >= MAX_ASSESSORS) {
      throw new ParleyError(ErrorCode.Conflict, `A case can have at most ${MAX_ASSESSORS} assessors.`);
    }
    const p: ParticipantRow = {
      id: randomId(),
      case_id: caseId,
      display_name_sealed: this.#cases.sealForCase(caseId, body.displayName),
      role: body.role,
      side: body.role === 'assessor' ? null : body.side,
      created_at: now(),
      removed_at: null,
    };
    this.#store.tx(() => {
      this.#store.insertParticipant(p);
      if (p.role === 'assessor') this.#rewrite(caseId, (a) => withAssessorClauses(a, [...assessors.map((x) => x.id), p.id]));
    });
    if (p.role === 'assessor') this.#bus.emit('protocol.changed', { caseId });
    this.#cases.issueInvitation(p, body.email);
    this.#record(mediatorId, caseId, 'participant.added', body.displayName, body.role);
    return this.#cases.caseDetail(mediatorId, caseId);
  }

  /**
   * Takes a party, advisor or assessor off the case. Their row stays, so their messages and the
   * session record still name them. A case keeps at least one party.
   */
  remove(mediatorId: string, caseId: string, participantId: string): CaseDetail {
    this.#cases.mediatorIdentity(mediatorId, caseId);
    const present = this.#store.participantsOf(caseId);
    const p = present.find((x) => x.id === participantId);
    if (!p) throw new ParleyError(ErrorCode.NotFound, 'No such participant.');
    if (p.role === 'mediator') throw new ParleyError(ErrorCode.BadRequest, 'A mediator is not taken off here: the lead mediator removes a co-mediator under “Mediators”.');
    if (p.role === 'party' && present.filter((x) => x.role === 'party').length <= 1) {
      throw new ParleyError(ErrorCode.Conflict, 'A case needs at least one party: add another before removing this one.');
    }
    const name = this.#nameOf(caseId, p.id);
    this.#store.tx(() => {
      this.#store.markParticipantRemoved(p.id);
      this.#store.revokeInvitations(p.id);
      if (p.role === 'assessor') this.#rewrite(caseId, (a) => withAssessorClauses(a, present.filter((x) => x.role === 'assessor' && x.id !== p.id).map((x) => x.id)));
    });
    this.#bus.emit('participant.removed', { caseId, participantId: p.id });
    if (p.role === 'assessor') this.#bus.emit('protocol.changed', { caseId });
    this.#record(mediatorId, caseId, 'participant.removed', name, p.role);
    return this.#cases.caseDetail(mediatorId, caseId);
  }

  // --- co-mediators -----------------------------------------------------------------------------

  /** The other active mediators of the platform, whom the caller could ask to co-mediate. */
  colleagues(mediatorId: string): ColleagueList {
    return { colleagues: this.#store.colleaguesOf(mediatorId).map((m) => ({ id: m.id, displayName: m.display_name, organisation: m.organisation ?? '' })) };
  }

  /**
   * A colleague's participant row of role `mediator` naming their account: everything that gives
   * the mediator a power (the case routes, the live session's moderation, the threads) gives it
   * to them too.
   */
  addCoMediator(leadId: string, caseId: string, body: AddCoMediatorBody): CaseDetail {
    this.#cases.ledCase(leadId, caseId, 'ask a colleague to co-mediate it');
    const colleague = this.#store.getMediator(body.mediatorId);
    // An unknown or deactivated account reads the same: the list offers only active colleagues.
    if (!colleague || colleague.deactivated_at || colleague.id === leadId) {
      throw new ParleyError(ErrorCode.NotFound, 'No such colleague on this platform.', { details: [{ path: 'mediatorId', message: 'not an active colleague' }] });
    }
    const mediators = this.#store.participantsOf(caseId).filter((p) => p.role === 'mediator');
    if (mediators.some((p) => p.mediator_id === colleague.id)) throw new ParleyError(ErrorCode.Conflict, `${colleague.display_name} already co-mediates this case.`);
    if (mediators.length - 1 >= MAX_CO_MEDIATORS) throw new ParleyError(ErrorCode.Conflict, `A case can have at most ${MAX_CO_MEDIATORS} co-mediators.`);
    const row: ParticipantRow = {
      id: randomId(),
      case_id: caseId,
      display_name_sealed: this.#cases.sealForCase(caseId, colleague.display_name),
      role: 'mediator',
      side: null,
      created_at: now(),
      removed_at: null,
      mediator_id: colleague.id,
    };
    this.#store.tx(() => {
      this.#store.insertParticipant(row);
      this.#discloseMediators(caseId);
    });
    this.#bus.emit('protocol.changed', { caseId });
    this.#record(leadId, caseId, 'participant.added', colleague.display_name, 'co-mediator');
    return this.#cases.caseDetail(leadId, caseId);
  }

  /** Takes a co-mediator off the case: the case leaves their list and every connection of theirs to it ends. */
  removeCoMediator(leadId: string, caseId: string, participantId: string): CaseDetail {
    this.#cases.ledCase(leadId, caseId, 'take a co-mediator off it');
    const p = this.#store.participantsOf(caseId).find((x) => x.id === participantId);
    if (!p || p.role !== 'mediator' || !p.mediator_id) throw new ParleyError(ErrorCode.NotFound, 'No such co-mediator.');
    if (p.mediator_id === leadId) throw new ParleyError(ErrorCode.BadRequest, 'The lead mediator cannot be taken off their own case.');
    const name = this.#nameOf(caseId, p.id);
    this.#store.tx(() => {
      this.#store.markParticipantRemoved(p.id);
      this.#discloseMediators(caseId);
    });
    this.#bus.emit('participant.removed', { caseId, participantId: p.id });
    this.#bus.emit('protocol.changed', { caseId });
    this.#record(leadId, caseId, 'participant.removed', name, 'co-mediator');
    return this.#cases.caseDetail(leadId, caseId);
  }

  /** The co-mediation clause for exactly the case's co-mediators now. */
  #discloseMediators(caseId: string): void {
    const m = this.#cases.platformFacts(caseId).mediators;
    if (m) this.#rewrite(caseId, (a) => withCoMediatorClause(a, m.leadId, m.coIds));
  }

  /**
   * A new version of the case's agreement: earlier consents stop being current (the caller
   * announces protocol.changed). Inside the caller's transaction.
   */
  #rewrite(caseId: string, change: (a: ProtocolAgreement) => ProtocolAgreement): void {
    const c = this.#store.getCase(caseId)!;
    const agreement = ProtocolAgreement.parse(JSON.parse(c.agreement_json));
    const versioned = { ...change(agreement), version: agreement.version + 1 };
    this.#store.setCaseAgreement(caseId, JSON.stringify(versioned), this.#cases.clauseSetHash(versioned));
  }

  #nameOf(caseId: string, participantId: string): string {
    return this.#cases.people(caseId).find((x) => x.id === participantId)?.displayName ?? 'Someone';
  }

  /** Who was added to or taken off the case, by which mediator, in the session record [3.6.10]. */
  #record(mediatorId: string, caseId: string, type: 'participant.added' | 'participant.removed', participant: string, role: ParticipantRow['role'] | Added): void {
    const by = this.#cases.mediatorIdentity(mediatorId, caseId);
    const data = { participant, role: (role === 'mediator' ? 'co-mediator' : role) as Added };
    this.#bus.emit('record.entry', { caseId, type, actor: { id: by.participantId, displayName: by.displayName, role: 'mediator' }, data });
  }
}
