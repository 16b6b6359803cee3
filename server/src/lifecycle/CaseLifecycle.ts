import { ErrorCode, ParleyError, type CaseDetail, type CaseState, type ConcludeBody, type RecordActor, type ReopenBody } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/Store.ts';
import type { Schedule } from '../schedule/Schedule.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CaseLifecycleOptions {
  store: Store;
  cases: CaseService;
  bus: EventBus;
  logger: Logger;
  /** Where the case's agreement stands (SignoffService.summary): concluding "with agreement" needs a signed one. */
  agreementOf: (caseId: string) => Promise<{ status: 'awaiting-signatures' | 'signed' | 'voided' } | null>;
  /** Concluding cancels the sessions still to come (their calendars are told). */
  schedule?: Pick<Schedule, 'cancelUpcoming'>;
  /** The time now; tests pass a clock they move (access periods, and later retention). */
  clock?: () => Date;
}

/**
 * The end of a case [issue 15; docs/lifecycle.md]: the mediator concludes it (an agreement was
 * signed, or it ended without one, with a reason), reopens a concluded case (with a reason), or
 * archives it. Each move is one conditional update (two mediators at once move it once), an
 * entry in the session record, and an event on the bus: a conclusion or an archiving ends every
 * connection of the case (Connections) and its live session (LiveSessions). What each state then
 * allows is decided in one place, the AccessGate (`caseAllows` in shared).
 */
export class CaseLifecycle {
  readonly #o: CaseLifecycleOptions;
  readonly #clock: () => Date;

  constructor(o: CaseLifecycleOptions) {
    this.#o = o;
    this.#clock = o.clock ?? (() => new Date());
  }

  async conclude(mediatorId: string, caseId: string, body: ConcludeBody): Promise<CaseDetail> {
    const by = await this.#o.cases.mediatorIdentity(mediatorId, caseId);
    if (body.outcome === 'agreement' && (await this.#o.agreementOf(caseId))?.status !== 'signed') {
      throw new ParleyError(ErrorCode.Conflict, 'No version of the agreement is signed by every party yet. Conclude without an agreement, or wait for the signatures.');
    }
    const now = this.#clock();
    const partyAccessUntil = new Date(now.getTime() + body.partyAccessDays * DAY_MS).toISOString();
    const reason = body.reason.trim();
    await this.#move(by, 'open', 'concluded', {
      state: 'concluded',
      concluded_at: now.toISOString(),
      outcome: body.outcome,
      reason_sealed: reason ? await this.#o.cases.sealForCase(caseId, reason) : null,
      party_access_until: partyAccessUntil,
      archived_at: null,
    });
    this.#record(by, { type: 'case.concluded', data: { outcome: body.outcome, reason, partyAccessUntil } });
    this.#o.bus.emit('case.concluded', { caseId });
    // After the move: a conclusion that is refused cancels nothing.
    await this.#o.schedule?.cancelUpcoming(mediatorId, caseId);
    this.#o.logger.info({ caseId, outcome: body.outcome, partyAccessDays: body.partyAccessDays }, 'case concluded');
    return this.#o.cases.caseDetail(mediatorId, caseId);
  }

  async reopen(mediatorId: string, caseId: string, body: ReopenBody): Promise<CaseDetail> {
    const by = await this.#o.cases.mediatorIdentity(mediatorId, caseId);
    await this.#move(by, 'concluded', 'open', { state: 'open', concluded_at: null, outcome: null, reason_sealed: null, party_access_until: null, archived_at: null });
    this.#record(by, { type: 'case.reopened', data: { reason: body.reason.trim() } });
    this.#o.logger.info({ caseId }, 'case reopened');
    return this.#o.cases.caseDetail(mediatorId, caseId);
  }

  /** Only a concluded case is archived: its parties' access ends at once. */
  async archive(mediatorId: string, caseId: string): Promise<CaseDetail> {
    const by = await this.#o.cases.mediatorIdentity(mediatorId, caseId);
    const c = (await this.#o.store.getCase(caseId))!;
    await this.#move(by, 'concluded', 'archived', {
      state: 'archived',
      concluded_at: c.concluded_at,
      outcome: c.outcome,
      reason_sealed: c.reason_sealed,
      party_access_until: c.party_access_until,
      archived_at: this.#clock().toISOString(),
    });
    this.#record(by, { type: 'case.archived', data: {} });
    this.#o.bus.emit('case.archived', { caseId });
    this.#o.logger.info({ caseId }, 'case archived');
    return this.#o.cases.caseDetail(mediatorId, caseId);
  }

  /** The conditional update; a case that is not (or no longer) in `from` is refused with where it is. */
  async #move(by: Identity, from: CaseState, to: CaseState, row: Parameters<Store['setCaseLifecycle']>[2]): Promise<void> {
    if (await this.#o.store.setCaseLifecycle(by.caseId, from, row)) return;
    const now = (await this.#o.store.getCaseHead(by.caseId))?.state;
    throw new ParleyError(ErrorCode.Conflict, `This case is ${now ?? 'gone'}, so it cannot be ${verb[to]} now.`);
  }

  #record(by: Identity, e: { type: 'case.concluded'; data: { outcome: 'agreement' | 'no-agreement'; reason: string; partyAccessUntil: string } } | { type: 'case.reopened'; data: { reason: string } } | { type: 'case.archived'; data: Record<string, never> }): void {
    const actor: RecordActor = { id: by.participantId, displayName: by.displayName, role: 'mediator' };
    this.#o.bus.emit('record.entry', { caseId: by.caseId, actor, ...e });
  }
}

const verb: Record<CaseState, string> = { open: 'reopened', concluded: 'concluded', archived: 'archived', erased: 'erased' };
