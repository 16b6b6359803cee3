import { ErrorCode, MAX_CO_MEDIATORS, ParleyError, type AddCoMediatorBody, type CaseDetail, type ColleagueList } from '@parley/shared';
import { randomId } from '../crypto/randomId.ts';
import type { EventBus } from '../events/EventBus.ts';
import { now, type ParticipantRow, type Store } from '../store/Store.ts';
import type { CaseService } from './CaseService.ts';

/**
 * Co-mediation [issue 13; IMI Annex 2, 3.6.10, 3.6.14]: the lead mediator of a case asks colleagues
 * on the platform to mediate it with them, and can take them off again. A co-mediator gets a
 * participant row of role `mediator` naming their account, so everything that gives the mediator
 * a power (the case routes, the live session's moderation, the threads) gives it to them too.
 * Each change rewrites the co-mediation clause of the protocol agreement: everyone consents again
 * before meeting a mediator they were not told about, and a removed co-mediator's connections end.
 */
export class CaseMediators {
  readonly #store: Store;
  readonly #cases: CaseService;
  readonly #bus: EventBus;

  constructor(store: Store, cases: CaseService, bus: EventBus) {
    this.#store = store;
    this.#cases = cases;
    this.#bus = bus;
  }

  /** The other active mediators of the platform, whom the caller could ask to co-mediate. */
  colleagues(mediatorId: string): ColleagueList {
    return { colleagues: this.#store.colleaguesOf(mediatorId).map((m) => ({ id: m.id, displayName: m.display_name, organisation: m.organisation ?? '' })) };
  }

  add(leadId: string, caseId: string, body: AddCoMediatorBody): CaseDetail {
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
      this.#cases.discloseMediators(caseId);
    });
    this.#bus.emit('protocol.changed', { caseId });
    this.#cases.recordPeople(leadId, caseId, 'participant.added', { participant: colleague.display_name, role: 'co-mediator' });
    return this.#cases.caseDetail(leadId, caseId);
  }

  /** Takes a co-mediator off the case: the case leaves their list and every connection of theirs to it ends. */
  remove(leadId: string, caseId: string, participantId: string): CaseDetail {
    this.#cases.ledCase(leadId, caseId, 'take a co-mediator off it');
    const p = this.#store.participantsOf(caseId).find((x) => x.id === participantId);
    if (!p || p.role !== 'mediator' || !p.mediator_id) throw new ParleyError(ErrorCode.NotFound, 'No such co-mediator.');
    if (p.mediator_id === leadId) throw new ParleyError(ErrorCode.BadRequest, 'The lead mediator cannot be taken off their own case.');
    const name = this.#cases.people(caseId).find((x) => x.id === p.id)?.displayName ?? 'A co-mediator';
    this.#store.tx(() => {
      this.#store.markParticipantRemoved(p.id);
      this.#cases.discloseMediators(caseId);
    });
    this.#bus.emit('participant.removed', { caseId, participantId: p.id });
    this.#bus.emit('protocol.changed', { caseId });
    this.#cases.recordPeople(leadId, caseId, 'participant.removed', { participant: name, role: 'co-mediator' });
    return this.#cases.caseDetail(leadId, caseId);
  }
}
