import { ErrorCode, ParleyError, type CaseConsentAnswer, type CaseDetail, type ConsentAnswer, type ConsentAnswerKind, type InvitationView } from '@parley/shared';
import type { CaseService, Identity } from './CaseService.ts';
import type { EventBus } from '../events/EventBus.ts';
import { now, type Store } from '../store/Store.ts';
import { randomId } from '../crypto/randomId.ts';
import { AgreementStore, type ConsentAnswerRow } from './AgreementStore.ts';

/** Answers one person may leave on a case in all: enough for any real exchange, not a flood of the mediator's page. */
export const MAX_ANSWERS_PER_PERSON = 50;
/** How many the case page and the person's own page show (newest first). */
const SHOWN_ON_CASE = 200;
const SHOWN_TO_PERSON = 20;

/**
 * What a person says about the protocol agreement other than "I agree" [3.6.8]: they decline it
 * (optionally saying why), ask the mediator a question, or withdraw a consent they gave. The
 * mediator sees every answer on the case page, with who and when. Their words are mediation
 * content, sealed with the case key. The mediator answers questions outside the platform (before
 * consent the person can read no case message), then marks them answered.
 *
 * A withdrawal takes effect at once: the person counts as not consented (the store's latest consent
 * ignores withdrawn ones), the session record says so, and every connection of theirs ends
 * (Connections listens for `consent.withdrawn`). They may read the agreement and consent again.
 */
export class ConsentAnswers {
  readonly #store: Store;
  readonly #sql: AgreementStore;
  readonly #cases: CaseService;
  readonly #bus: EventBus;

  constructor(store: Store, cases: CaseService, bus: EventBus) {
    this.#store = store;
    this.#sql = new AgreementStore(store.kysely);
    this.#cases = cases;
    this.#bus = bus;
  }

  /** Not agreeing. Someone whose consent to this very agreement is in force withdraws it instead. */
  async decline(who: Identity, reason: string | undefined): Promise<InvitationView> {
    if (await this.#cases.consent.hasCurrent(who)) {
      throw new ParleyError(ErrorCode.Conflict, 'You have agreed to this protocol agreement. To take that back, withdraw your consent.');
    }
    const row = await this.#add(this.#sql, await this.#answer(who, 'declined', reason));
    this.#bus.emit('record.entry', { caseId: who.caseId, type: 'consent.declined', actor: actorOf(who), data: { clauseSetHash: row.clause_set_hash } });
    await this.#told(who, row);
    return this.#cases.invitations.view(who);
  }

  async ask(who: Identity, question: string): Promise<InvitationView> {
    await this.#told(who, await this.#add(this.#sql, await this.#answer(who, 'question', question)));
    return this.#cases.invitations.view(who);
  }

  /** Takes back the person's consent: refused when none is in force (there is nothing to withdraw). */
  async withdraw(who: Identity, reason: string | undefined): Promise<InvitationView> {
    const consent = await this.#store.latestConsent(who.participantId);
    if (!consent) throw new ParleyError(ErrorCode.Conflict, 'You have not agreed to the protocol agreement, so there is no consent to withdraw.');
    const answer = await this.#answer(who, 'withdrawn', reason);
    // The answer and the end of the consents in one transaction (both through the typed layer).
    const row = await this.#sql.transaction(async (sql) => {
      const added = await this.#add(sql, answer);
      await sql.withdrawConsents(who.participantId, now());
      return added;
    });
    this.#bus.emit('record.entry', { caseId: who.caseId, type: 'consent.withdrawn', actor: actorOf(who), data: { clauseSetHash: consent.clause_set_hash } });
    await this.#told(who, row);
    // After the record entry: the connections that close next are explained by it.
    this.#bus.emit('consent.withdrawn', { identity: who });
    return this.#cases.invitations.view(who);
  }

  /** The mediator answered a question (outside the platform) and says so. */
  async markAnswered(mediatorId: string, caseId: string, answerId: string): Promise<CaseDetail> {
    await this.#cases.mediatorIdentity(mediatorId, caseId); // not found unless it is theirs
    if (!(await this.#sql.markAnswered(caseId, answerId, now()))) {
      const a = await this.#sql.getAnswer(answerId);
      if (!a || a.case_id !== caseId || a.kind !== 'question') throw new ParleyError(ErrorCode.NotFound, 'No such question on this case.');
      // Already marked: nothing to change, the answer is the same.
    }
    return this.#cases.caseDetail(mediatorId, caseId);
  }

  /** Every answer on the case, newest first, for the mediator (CaseService's `answersOf` lookup). */
  async ofCase(caseId: string, clauseSetHash: string): Promise<CaseConsentAnswer[]> {
    const people = new Map((await this.#cases.people(caseId)).map((p) => [p.id, p]));
    const out: CaseConsentAnswer[] = [];
    for (const r of await this.#sql.answersOfCase(caseId, SHOWN_ON_CASE)) {
      const p = people.get(r.participant_id);
      out.push({ ...(await this.#view(r, clauseSetHash)), participantId: r.participant_id, displayName: p?.displayName ?? 'Someone no longer on the case', role: p?.role ?? 'party' });
    }
    return out;
  }

  /** The person's own answers, newest first (CaseService's `ownAnswersOf` lookup). */
  async ofPerson(caseId: string, participantId: string, clauseSetHash: string): Promise<ConsentAnswer[]> {
    const out: ConsentAnswer[] = [];
    for (const r of await this.#sql.answersOf(participantId, SHOWN_TO_PERSON)) if (r.case_id === caseId) out.push(await this.#view(r, clauseSetHash));
    return out;
  }

  /** The mediator, if in a live session of the case, sees the answer there too. */
  async #told(who: Identity, row: Omit<ConsentAnswerRow, 'row_order'>): Promise<void> {
    const answer = { ...(await this.#view(row, row.clause_set_hash)), participantId: who.participantId, displayName: who.displayName, role: who.role };
    this.#bus.emit('consent.answered', { caseId: who.caseId, answer });
  }

  /** One answer about the agreement as it is now, sealed, ready to store (before any transaction: it reads the case). */
  async #answer(who: Identity, kind: ConsentAnswerKind, text: string | undefined): Promise<Omit<ConsentAnswerRow, 'row_order'>> {
    if (who.role === 'mediator') throw new ParleyError(ErrorCode.Forbidden, 'The mediator does not consent to their own case.');
    const c = await this.#store.getCaseHead(who.caseId);
    if (!c) throw new ParleyError(ErrorCode.NotFound, 'No such case.');
    return {
      id: randomId(),
      case_id: c.id,
      participant_id: who.participantId,
      kind,
      text_sealed: text ? await this.#cases.sealForCase(c.id, text) : null,
      clause_set_hash: c.clause_set_hash,
      at: now(),
      answered_at: null,
    };
  }

  /** Stores the answer through `sql` (this.#sql, or a transaction's), within the person's allowance. Awaits only `sql`. */
  async #add(sql: AgreementStore, row: Omit<ConsentAnswerRow, 'row_order'>): Promise<Omit<ConsentAnswerRow, 'row_order'>> {
    if ((await sql.countAnswers(row.participant_id)) >= MAX_ANSWERS_PER_PERSON) {
      throw new ParleyError(ErrorCode.Conflict, 'You have sent the mediator many answers already. Please contact them directly.');
    }
    await sql.insertAnswer(row);
    return row;
  }

  async #view(r: Omit<ConsentAnswerRow, 'row_order'>, clauseSetHash: string): Promise<ConsentAnswer> {
    return {
      id: r.id,
      kind: r.kind,
      text: r.text_sealed ? await this.#cases.openForCase(r.case_id, r.text_sealed) : null,
      at: r.at,
      answeredAt: r.answered_at,
      current: r.clause_set_hash === clauseSetHash,
    };
  }
}

const actorOf = (who: Identity) => ({ id: who.participantId, displayName: who.displayName, role: who.role });
