import {
  BUILT_IN_TEMPLATE,
  composeAgreement,
  type CaseMediator,
  type PlatformFacts,
  BREAKDOWN_CLAUSE_ID,
  breakdownClause,
  BreakdownSettings,
  canonicalJson,
  DEFAULT_BREAKDOWN,
  ErrorCode,
  ParleyError,
  ProtocolAgreement,
  requiresConsent,
  type CaseConsentAnswer,
  type CaseDetail,
  type CaseSummary,
  type CaseTemplateRef,
  type ConsentAnswer,
  type ConsentBody,
  type CreateCaseBody,
  type InvitationView,
  type ParticipantSummary,
  type ResolvedTemplate,
  type Role,
} from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import type { Identity } from './identity.ts';
import { now, type CaseHead, type CaseRow, type NewParticipant, type ParticipantRow, type Store, type StoreQueries } from '../store/Store.ts';
import { CaseKeys } from './CaseKeys.ts';
import { Consent } from './Consent.ts';
import { Invitations } from './Invitations.ts';
import type { EventBus } from '../events/EventBus.ts';
import { randomId } from '../crypto/randomId.ts';

export type { Identity } from './identity.ts';

/**
 * What the case list and case detail ask of layers built on top of this one (the live sessions,
 * the sign-off). They are constructed after it, so the server passes functions that look them up
 * when called. Left out (unit tests): nobody is online and no agreement was frozen.
 */
export interface CaseLookups {
  /** Who is connected to the case's live session now, on whichever node runs it. */
  onlineIn?: (caseId: string) => Later<ReadonlySet<string>>;
  /** Where the newest frozen agreement stands (null: none frozen). */
  agreementOf?: (caseId: string) => Later<CaseSummary['agreement']>;
  /** The mediator's template version a new case is written from (Templates.resolve); absent: only the built-in one. */
  templateFor?: (mediatorId: string, versionId: string | null | undefined) => Later<ResolvedTemplate>;
  /** Which template version a case uses (Templates.refOf). */
  templateOf?: (caseId: string) => Later<CaseTemplateRef | null>;
  /** Declines, questions and withdrawals on a case, and one person's own (ConsentAnswers). */
  answersOf?: (caseId: string, clauseSetHash: string) => Later<CaseConsentAnswer[]>;
  ownAnswersOf?: (caseId: string, participantId: string, clauseSetHash: string) => Later<ConsentAnswer[]>;
}

/** An answer now or once the store has given it. */
type Later<T> = T | Promise<T>;

/**
 * On: nobody meets the other side unsupervised unless the mediator chose otherwise [2.11, 3.7.1].
 * A new case stores its choice; only cases older than the setting follow this default.
 */
export const DEFAULT_WAITING_ROOM = true;

/**
 * Cases, participants, invitations and consent: the rules around them, on top of the store.
 * Decrypts sealed fields only here; nothing above this layer sees a sealed value.
 */
export class CaseService {
  readonly #store: Store;
  readonly #keys: Keyring;
  readonly #caseKeys: CaseKeys;
  /** Links: issued, checked on every use, withdrawn, and what a person sees on opening theirs. */
  readonly invitations: Invitations;
  /** Consent to the protocol agreement and the questions asked of it. */
  readonly consent: Consent;
  /** Where consents, breakdown changes, rewritten agreements and withdrawn links are announced. */
  readonly #bus: EventBus;
  readonly #onlineIn: NonNullable<CaseLookups['onlineIn']>;
  readonly #agreementOf: NonNullable<CaseLookups['agreementOf']>;
  readonly #lookups: CaseLookups;

  constructor(store: Store, keys: Keyring, opts: { inviteTtlMs: number; baseUrl: () => string; bus: EventBus; lookups?: CaseLookups }) {
    this.#store = store;
    this.#keys = keys;
    this.#caseKeys = new CaseKeys(store, keys);
    this.invitations = new Invitations(store, keys, this.#caseKeys, { ...opts, ownAnswersOf: opts.lookups?.ownAnswersOf });
    this.consent = new Consent(store, { bus: opts.bus, answersOf: opts.lookups?.answersOf });
    this.#bus = opts.bus;
    this.#onlineIn = opts.lookups?.onlineIn ?? (() => new Set());
    this.#agreementOf = opts.lookups?.agreementOf ?? (() => null);
    this.#lookups = opts.lookups ?? {};
  }

  clauseSetHash(agreement: ProtocolAgreement): string {
    return this.#keys.hashHex(canonicalJson(agreement));
  }

  async createCase(mediatorId: string, body: CreateCaseBody): Promise<CaseDetail> {
    const mediator = await this.#store.getMediator(mediatorId);
    if (!mediator) throw new ParleyError(ErrorCode.Unauthorised, 'Sign in again.');
    // Resolved first: a template version that is not theirs refuses the case before anything is stored.
    const template = await this.#templateFor(mediatorId, body.templateVersionId);
    const caseId = randomId();
    const { key, wrapped } = this.#caseKeys.create(caseId);
    const createdAt = now();
    const people: NewParticipant[] = [
      { id: randomId(), case_id: caseId, display_name_sealed: this.#keys.sealText(key, mediator.display_name), role: 'mediator', side: null, created_at: createdAt, removed_at: null, mediator_id: mediatorId },
      ...body.participants.map((p) => ({
        id: randomId(),
        case_id: caseId,
        display_name_sealed: this.#keys.sealText(key, p.displayName),
        role: p.role,
        side: p.side,
        created_at: createdAt,
        removed_at: null,
      })),
    ];
    // The template's clauses, then the platform's from the settings; assessors on the case from the
    // start are disclosed in the agreement from the start [3.6.10, 3.6.14].
    const agreement = composeAgreement(template, { breakdown: DEFAULT_BREAKDOWN, assessorIds: people.filter((p) => p.role === 'assessor').map((p) => p.id) });
    const row = {
      id: caseId,
      mediator_id: mediatorId,
      wrapped_key: wrapped,
      title_sealed: this.#keys.sealText(key, body.title),
      agreement_json: JSON.stringify(agreement),
      clause_set_hash: this.clauseSetHash(agreement),
      created_at: createdAt,
      waiting_room: (body.waitingRoom ?? DEFAULT_WAITING_ROOM) ? 1 : 0,
      template_version_id: template.versionId,
    };
    await this.#store.insertCase(row, people);
    for (const [i, p] of people.slice(1).entries()) await this.invitations.issue(p, body.participants[i]!.email);
    return this.caseDetail(mediatorId, caseId);
  }

  /**
   * A mediator's new name sealed for their participant row on each case they lead or co-mediate
   * (each with that case's key), for MediatorAuth.setDisplayName to store with the account. Every case is
   * renamed: there is no closed case, and the mediator wants one name everywhere. What was already
   * written keeps its name: signatures and session-record entries hold the name they were made
   * with, and people already in a live session see the new name when they next join.
   */
  async resealMediatorName(mediatorId: string, displayName: string): Promise<Array<{ id: string; display_name_sealed: string }>> {
    const out: Array<{ id: string; display_name_sealed: string }> = [];
    for (const c of await this.#store.casesOf(mediatorId)) {
      for (const p of await this.#store.participantsOf(c.id)) {
        if (p.role === 'mediator' && p.mediator_id === mediatorId) out.push({ id: p.id, display_name_sealed: this.#caseKeys.seal(c, displayName) });
      }
    }
    return out;
  }

  async listCases(mediatorId: string): Promise<CaseSummary[]> {
    const out: CaseSummary[] = [];
    for (const c of await this.#store.casesOf(mediatorId)) {
      const everyone = await this.#store.participantsOf(c.id);
      const people = everyone.filter((p) => requiresConsent(p.role));
      let consentedCount = 0;
      for (const p of people) if (await this.consent.isCurrent(p.id, c.clause_set_hash)) consentedCount++;
      const online = await this.#onlineIn(c.id);
      out.push({
        id: c.id,
        title: this.#open(c, c.title_sealed),
        createdAt: c.created_at,
        participantCount: people.length,
        consentedCount,
        onlineCount: everyone.filter((p) => online.has(p.id)).length,
        mediatorRole: c.mediator_id === mediatorId ? ('lead' as const) : ('co' as const),
        agreement: await this.#agreementOf(c.id),
        lifecycle: this.#caseKeys.lifecycleOf(c),
      });
    }
    return out;
  }

  async caseDetail(mediatorId: string, caseId: string): Promise<CaseDetail> {
    const { c, me } = await this.#access(mediatorId, caseId);
    const people = await this.#store.participantsOf(c.id);
    const participants: ParticipantSummary[] = [];
    const online = await this.#onlineIn(c.id);
    for (const p of people) participants.push(await this.#summary(c, p, online.has(p.id)));
    return {
      id: c.id,
      title: this.#open(c, c.title_sealed),
      createdAt: c.created_at,
      agreement: this.#caseKeys.agreementShown(c, people),
      clauseSetHash: c.clause_set_hash,
      participants,
      breakdown: breakdownOf(c),
      waitingRoom: waitingRoomOf(c),
      template: (await this.#lookups.templateOf?.(c.id)) ?? null,
      consentAnswers: (await this.#lookups.answersOf?.(c.id, c.clause_set_hash)) ?? [],
      mediators: await this.#mediatorsOf(c, people),
      you: me.id,
      lifecycle: this.#caseKeys.lifecycleOf(c),
    };
  }

  /** The lead first, then the co-mediators in the order added, with the organisation each gives. */
  async #mediatorsOf(c: CaseRow, people: ParticipantRow[]): Promise<CaseMediator[]> {
    const rows = people.filter((p) => p.role === 'mediator');
    const lead = (p: ParticipantRow) => p.mediator_id === c.mediator_id;
    const out: CaseMediator[] = [];
    for (const p of [...rows.filter(lead), ...rows.filter((p) => !lead(p))]) {
      out.push({
        participantId: p.id,
        accountId: p.mediator_id ?? '',
        displayName: this.#nameOf(c, p),
        organisation: (p.mediator_id ? (await this.#store.getMediator(p.mediator_id))?.organisation : undefined) ?? '',
        lead: lead(p),
      });
    }
    return out;
  }

  async #templateFor(mediatorId: string, versionId: string | null | undefined): Promise<ResolvedTemplate> {
    if (this.#lookups.templateFor) return this.#lookups.templateFor(mediatorId, versionId);
    if (versionId) throw new ParleyError(ErrorCode.NotFound, 'No such template version.');
    return BUILT_IN_TEMPLATE;
  }

  // --- the waiting room [issue 13; 2.11-iii, 3.7.2] ---------------------------------------------

  /** Whether the case's parties and advisors wait to be let in; off where the mediator never chose. */
  async waitingRoomOn(caseId: string): Promise<boolean> {
    return waitingRoomOf(await this.#store.getCase(caseId));
  }

  /** Turns the waiting room on or off; a live session follows at once (LiveSessions). */
  async setWaitingRoom(mediatorId: string, caseId: string, on: boolean): Promise<CaseDetail> {
    const by = await this.mediatorIdentity(mediatorId, caseId);
    await this.#store.setCaseWaitingRoom(caseId, on);
    this.#bus.emit('waiting-room.changed', { caseId, on, by });
    return this.caseDetail(mediatorId, caseId);
  }

  // --- technology-breakdown procedure [3.6.6, 3.6.13, 3.7.17] ----------------------------------

  async breakdownSettings(caseId: string): Promise<BreakdownSettings> {
    return breakdownOf(await this.#store.getCase(caseId));
  }

  /**
   * Sets the case's breakdown procedure and rewrites the agreement clause that states it, so the
   * parties consent to the procedure that will actually run. A real change alters the clause set
   * hash: everyone consents again before their next live contact.
   */
  async setBreakdown(mediatorId: string, caseId: string, settings: BreakdownSettings): Promise<CaseDetail> {
    const by = await this.mediatorIdentity(mediatorId, caseId);
    const clause = breakdownClause(settings);
    // The agreement is read and written under the case's lock: a clause rewritten meanwhile (an
    // assessor or co-mediator added) is kept.
    const changed = await this.#store.caseTransaction(caseId, async (q) => {
      const agreement = ProtocolAgreement.parse(JSON.parse((await q.getCase(caseId))!.agreement_json));
      const at = agreement.clauses.findIndex((cl) => cl.id === BREAKDOWN_CLAUSE_ID);
      const clauses = at >= 0 ? agreement.clauses.map((cl, i) => (i === at ? { ...cl, title: clause.title, body: clause.body, imi: clause.imi } : cl)) : [...agreement.clauses, clause];
      const next = { ...agreement, clauses };
      const changed = canonicalJson(next) !== canonicalJson(agreement);
      await q.setCaseBreakdown(caseId, JSON.stringify(settings), changed ? { json: JSON.stringify(next), clauseSetHash: this.clauseSetHash(next) } : undefined);
      return changed;
    });
    this.#bus.emit('breakdown.changed', { caseId, settings, by });
    // Earlier consents are stale now: whatever connections depended on them must end.
    if (changed) this.#bus.emit('protocol.changed', { caseId });
    return this.caseDetail(mediatorId, caseId);
  }

  /** Withdraws a person's link; every connection they opened with it ends (the registry listens). */
  async revokeInvitation(mediatorId: string, caseId: string, participantId: string): Promise<CaseDetail> {
    const p = await this.#ownedParticipant(mediatorId, caseId, participantId);
    await this.invitations.withdraw(p);
    const detail = await this.caseDetail(mediatorId, caseId);
    this.invitations.announceWithdrawn(p);
    return detail;
  }

  /** A new link replaces the old one, which is withdrawn like any other. */
  async reissueInvitation(mediatorId: string, caseId: string, participantId: string): Promise<CaseDetail> {
    const p = await this.#ownedParticipant(mediatorId, caseId, participantId);
    await this.invitations.withdraw(p);
    await this.invitations.issue(p);
    const detail = await this.caseDetail(mediatorId, caseId);
    this.invitations.announceWithdrawn(p);
    return detail;
  }

  /** The mediator's own participant identity in a case they lead or co-mediate. */
  async mediatorIdentity(mediatorId: string, caseId: string): Promise<Identity> {
    const { c, me } = await this.#access(mediatorId, caseId);
    return { caseId: c.id, participantId: me.id, role: 'mediator', displayName: this.#nameOf(c, me), side: null, phase: { state: c.state, partyAccessUntil: c.party_access_until } };
  }

  /** The lead mediator's participant id (the room controller by default, whom the assessor follows). */
  async mediatorParticipantId(caseId: string): Promise<string> {
    const c = await this.#store.getCaseHead(caseId);
    const p = c && (await this.#store.mediatorParticipant(caseId, c.mediator_id));
    if (!p) throw new ParleyError(ErrorCode.Internal, 'The case has no mediator.');
    return p.id;
  }

  /**
   * A case only its lead may change this way (who co-mediates it): a co-mediator is refused with
   * the reason, anyone else is told there is no such case.
   */
  async ledCase(mediatorId: string, caseId: string, what: string): Promise<CaseRow> {
    const { c } = await this.#access(mediatorId, caseId);
    if (c.mediator_id !== mediatorId) {
      const lead = (await this.#store.getMediator(c.mediator_id))?.display_name ?? 'the lead mediator';
      throw new ParleyError(ErrorCode.Forbidden, `Only ${lead}, who leads this case, can ${what}.`);
    }
    return c;
  }

  /** What the platform writes the case's own clauses from (Templates.useOnCase writes the agreement again). */
  async platformFacts(caseId: string, q: StoreQueries = this.#store): Promise<PlatformFacts> {
    const c = await q.getCase(caseId);
    if (!c) throw new ParleyError(ErrorCode.NotFound, 'No such case.');
    const people = await q.participantsOf(caseId);
    const lead = people.find((p) => p.role === 'mediator' && p.mediator_id === c.mediator_id);
    const coIds = people.filter((p) => p.role === 'mediator' && p !== lead).map((p) => p.id);
    return {
      breakdown: breakdownOf(c),
      assessorIds: people.filter((p) => p.role === 'assessor').map((p) => p.id),
      ...(lead ? { mediators: { leadId: lead.id, coIds } } : {}),
    };
  }

  /** Records consent to the exact clause set the person read (3.6.8), answered with what they now see. */
  async recordConsent(identity: Identity, body: ConsentBody): Promise<InvitationView> {
    await this.consent.record(identity, body);
    return this.invitations.view(identity);
  }

  // --- assessors (ODR-QAP observers of the mediator) [3.6.10, 3.6.14] ---------------------------

  async hasAssessor(caseId: string): Promise<boolean> {
    return (await this.#store.participantsOf(caseId)).some((p) => p.role === 'assessor');
  }

  // --- sealed fields ------------------------------------------------------------------------------

  async caseTitle(caseId: string): Promise<string> {
    const c = await this.#store.getCase(caseId);
    return c ? this.#open(c, c.title_sealed) : '';
  }

  /** Seals text with the case's data key (XSalsa20-Poly1305); used for every confidential field. */
  async sealForCase(caseId: string, text: string): Promise<string> {
    return this.#keys.sealText(await this.#caseKeys.of(caseId), text);
  }

  async openForCase(caseId: string, sealed: string): Promise<string> {
    return this.#keys.openText(await this.#caseKeys.of(caseId), sealed);
  }

  /** Who is in the case and in which role, without opening their sealed names (cheap: no decryption). */
  async roster(caseId: string): Promise<Array<{ id: string; role: Role }>> {
    return (await this.#store.participantsOf(caseId)).map((p) => ({ id: p.id, role: p.role }));
  }

  /** Everyone on a case with their (decrypted) names, for threads and presence. */
  async people(caseId: string): Promise<Array<{ id: string; displayName: string; role: Role; side: string | null }>> {
    const c = await this.#store.getCaseHead(caseId);
    if (!c) return [];
    return (await this.#store.participantsOf(caseId)).map((p) => ({ id: p.id, displayName: this.#nameOf(c, p), role: p.role, side: p.side }));
  }

  async #summary(c: CaseRow, p: ParticipantRow, online: boolean): Promise<ParticipantSummary> {
    const consent = await this.#store.latestConsent(p.id);
    return {
      id: p.id,
      displayName: this.#nameOf(c, p),
      role: p.role,
      side: p.side as never,
      invitation: await this.invitations.summaryOf(p),
      consent: consent ? { at: consent.at, clauseSetHash: consent.clause_set_hash, current: consent.clause_set_hash === c.clause_set_hash } : null,
      online,
    };
  }

  /** A case the mediator leads or co-mediates, with their own participant row on it. */
  async #access(mediatorId: string, caseId: string): Promise<{ c: CaseRow; me: ParticipantRow }> {
    const c = await this.#store.getCase(caseId);
    const me = c && (await this.#store.mediatorParticipant(c.id, mediatorId));
    // Another mediator's case is reported as missing, not forbidden: no hint that it exists.
    if (!c || !me) throw new ParleyError(ErrorCode.NotFound, 'No such case.');
    return { c, me };
  }

  async #ownedParticipant(mediatorId: string, caseId: string, participantId: string): Promise<ParticipantRow> {
    await this.#access(mediatorId, caseId);
    const p = await this.#store.getParticipant(participantId);
    if (!p || p.case_id !== caseId || p.removed_at) throw new ParleyError(ErrorCode.NotFound, 'No such participant.');
    if (p.role === 'mediator') throw new ParleyError(ErrorCode.BadRequest, 'The mediator has no invitation link.');
    return p;
  }

  /** The case's data key, for modules that seal their own records (CaseKeys). */
  caseKey(caseId: string): Promise<Uint8Array> {
    return this.#caseKeys.of(caseId);
  }

  #open(c: CaseHead, sealed: string): string {
    return this.#caseKeys.open(c, sealed);
  }

  #nameOf(c: CaseHead, p: ParticipantRow): string {
    return this.#caseKeys.nameOf(c, p);
  }
}

/** The case's breakdown procedure as stored; the defaults where none was set (or it no longer parses). */
function breakdownOf(c: Pick<CaseRow, 'breakdown_json'> | undefined): BreakdownSettings {
  if (!c?.breakdown_json) return DEFAULT_BREAKDOWN;
  const parsed = BreakdownSettings.safeParse(JSON.parse(c.breakdown_json));
  return parsed.success ? parsed.data : DEFAULT_BREAKDOWN;
}

/** Whether the case's parties and advisors wait to be let in; the platform's default where the mediator never chose. */
function waitingRoomOf(c: Pick<CaseRow, 'waiting_room'> | undefined): boolean {
  const v = c?.waiting_room;
  return v === null || v === undefined ? DEFAULT_WAITING_ROOM : v === 1;
}
