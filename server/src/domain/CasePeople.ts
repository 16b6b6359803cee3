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
import { now, type NewParticipant, type ParticipantRow, type Store, type StoreQueries } from '../store/Store.ts';
import type { CaseService, Identity } from './CaseService.ts';

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
  async add(mediatorId: string, caseId: string, body: AddParticipantBody): Promise<CaseDetail> {
    const by = await this.#cases.mediatorIdentity(mediatorId, caseId); // not found unless the caller mediates it
    const p: NewParticipant = {
      id: randomId(),
      case_id: caseId,
      display_name_sealed: await this.#cases.sealForCase(caseId, body.displayName),
      role: body.role,
      side: body.role === 'assessor' ? null : body.side,
      created_at: now(),
      removed_at: null,
    };
    // The limit and the clause naming every assessor are read and written under the case's lock:
    // two assessors added at once are both named, and cannot pass the limit together.
    await this.#store.caseTransaction(caseId, async (q) => {
      const assessors = (await q.participantsOf(caseId)).filter((x) => x.role === 'assessor');
      if (p.role === 'assessor' && assessors.length >= MAX_ASSESSORS) {
        throw new ParleyError(ErrorCode.Conflict, `A case can have at most ${MAX_ASSESSORS} assessors.`);
      }
      await q.insertParticipant(p);
      if (p.role === 'assessor') await this.#rewrite(q, caseId, (a) => withAssessorClauses(a, [...assessors.map((x) => x.id), p.id]));
    });
    if (p.role === 'assessor') this.#bus.emit('protocol.changed', { caseId });
    await this.#cases.invitations.issue(p, body.email);
    this.#record(by, 'participant.added', body.displayName, body.role);
    return this.#cases.caseDetail(mediatorId, caseId);
  }

  /**
   * Takes a party, advisor or assessor off the case. Their row stays, so their messages and the
   * session record still name them. A case keeps at least one party.
   */
  async remove(mediatorId: string, caseId: string, participantId: string): Promise<CaseDetail> {
    const by = await this.#cases.mediatorIdentity(mediatorId, caseId);
    const name = await this.#nameOf(caseId, participantId);
    // Checked and written under the case's lock: two removals at once cannot leave no party.
    const p = await this.#store.caseTransaction(caseId, async (q) => {
      const present = await q.participantsOf(caseId);
      const p = present.find((x) => x.id === participantId);
      if (!p) throw new ParleyError(ErrorCode.NotFound, 'No such participant.');
      if (p.role === 'mediator') throw new ParleyError(ErrorCode.BadRequest, 'A mediator is not taken off here: the lead mediator removes a co-mediator under “Mediators”.');
      if (p.role === 'party' && present.filter((x) => x.role === 'party').length <= 1) {
        throw new ParleyError(ErrorCode.Conflict, 'A case needs at least one party: add another before removing this one.');
      }
      await q.markParticipantRemoved(p.id);
      await q.revokeInvitations(p.id);
      if (p.role === 'assessor') await this.#rewrite(q, caseId, (a) => withAssessorClauses(a, present.filter((x) => x.role === 'assessor' && x.id !== p.id).map((x) => x.id)));
      return p;
    });
    this.#bus.emit('participant.removed', { caseId, participantId: p.id });
    if (p.role === 'assessor') this.#bus.emit('protocol.changed', { caseId });
    this.#record(by, 'participant.removed', name, p.role);
    return this.#cases.caseDetail(mediatorId, caseId);
  }

  // --- co-mediators -----------------------------------------------------------------------------

  /** The other active mediators of the platform, whom the caller could ask to co-mediate. */
  async colleagues(mediatorId: string): Promise<ColleagueList> {
    return { colleagues: (await this.#store.colleaguesOf(mediatorId)).map((m) => ({ id: m.id, displayName: m.display_name, organisation: m.organisation ?? '' })) };
  }

  /**
   * A colleague's participant row of role `mediator` naming their account: everything that gives
   * the mediator a power (the case routes, the live session's moderation, the threads) gives it
   * to them too.
   */
  async addCoMediator(leadId: string, caseId: string, body: AddCoMediatorBody): Promise<CaseDetail> {
    await this.#cases.ledCase(leadId, caseId, 'ask a colleague to co-mediate it');
    const colleague = await this.#store.getMediator(body.mediatorId);
    // An unknown or deactivated account reads the same: the list offers only active colleagues.
    if (!colleague || colleague.deactivated_at || colleague.id === leadId) {
      throw new ParleyError(ErrorCode.NotFound, 'No such colleague on this platform.', { details: [{ path: 'mediatorId', message: 'not an active colleague' }] });
    }
    const row: NewParticipant = {
      id: randomId(),
      case_id: caseId,
      display_name_sealed: await this.#cases.sealForCase(caseId, colleague.display_name),
      role: 'mediator',
      side: null,
      created_at: now(),
      removed_at: null,
      mediator_id: colleague.id,
    };
    await this.#store.caseTransaction(caseId, async (q) => {
      const mediators = (await q.participantsOf(caseId)).filter((p) => p.role === 'mediator');
      if (mediators.some((p) => p.mediator_id === colleague.id)) throw new ParleyError(ErrorCode.Conflict, `${colleague.display_name} already co-mediates this case.`);
      if (mediators.length - 1 >= MAX_CO_MEDIATORS) throw new ParleyError(ErrorCode.Conflict, `A case can have at most ${MAX_CO_MEDIATORS} co-mediators.`);
      await q.insertParticipant(row);
      await this.#discloseMediators(q, caseId);
    });
    this.#bus.emit('protocol.changed', { caseId });
    this.#record(await this.#cases.mediatorIdentity(leadId, caseId), 'participant.added', colleague.display_name, 'co-mediator');
    return this.#cases.caseDetail(leadId, caseId);
  }

  /** Takes a co-mediator off the case: the case leaves their list and every connection of theirs to it ends. */
  async removeCoMediator(leadId: string, caseId: string, participantId: string): Promise<CaseDetail> {
    await this.#cases.ledCase(leadId, caseId, 'take a co-mediator off it');
    const p = (await this.#store.participantsOf(caseId)).find((x) => x.id === participantId);
    if (!p || p.role !== 'mediator' || !p.mediator_id) throw new ParleyError(ErrorCode.NotFound, 'No such co-mediator.');
    if (p.mediator_id === leadId) throw new ParleyError(ErrorCode.BadRequest, 'The lead mediator cannot be taken off their own case.');
    const name = await this.#nameOf(caseId, p.id);
    await this.#store.caseTransaction(caseId, async (q) => {
      await q.markParticipantRemoved(p.id);
      await this.#discloseMediators(q, caseId);
    });
    this.#bus.emit('participant.removed', { caseId, participantId: p.id });
    this.#bus.emit('protocol.changed', { caseId });
    this.#record(await this.#cases.mediatorIdentity(leadId, caseId), 'participant.removed', name, 'co-mediator');
    return this.#cases.caseDetail(leadId, caseId);
  }

  /**
   * The co-mediation clause for exactly the case's co-mediators now, as this transaction sees them
   * (the row it just wrote included). Everything is read through `q`: on SQLite a query outside
   * the transaction would wait for it to end, and on Postgres would not see its rows.
   */
  async #discloseMediators(q: StoreQueries, caseId: string): Promise<void> {
    const c = (await q.getCaseHead(caseId))!;
    const mediators = (await q.participantsOf(caseId)).filter((p) => p.role === 'mediator');
    const lead = mediators.find((p) => p.mediator_id === c.mediator_id);
    if (lead) await this.#rewrite(q, caseId, (a) => withCoMediatorClause(a, lead.id, mediators.filter((p) => p !== lead).map((p) => p.id)));
  }

  /**
   * A new version of the case's agreement: earlier consents stop being current (the caller
   * announces protocol.changed). Inside the caller's transaction.
   */
  async #rewrite(q: StoreQueries, caseId: string, change: (a: ProtocolAgreement) => ProtocolAgreement): Promise<void> {
    const c = (await q.getCase(caseId))!;
    const agreement = ProtocolAgreement.parse(JSON.parse(c.agreement_json));
    const versioned = { ...change(agreement), version: agreement.version + 1 };
    await q.setCaseAgreement(caseId, JSON.stringify(versioned), this.#cases.clauseSetHash(versioned));
  }

  async #nameOf(caseId: string, participantId: string): Promise<string> {
    return (await this.#cases.people(caseId)).find((x) => x.id === participantId)?.displayName ?? 'Someone';
  }

  /** Who was added to or taken off the case, by which mediator, in the session record [3.6.10]. */
  #record(by: Identity, type: 'participant.added' | 'participant.removed', participant: string, role: ParticipantRow['role'] | Added): void {
    const data = { participant, role: (role === 'mediator' ? 'co-mediator' : role) as Added };
    this.#bus.emit('record.entry', { caseId: by.caseId, type, actor: { id: by.participantId, displayName: by.displayName, role: 'mediator' }, data });
  }
}
