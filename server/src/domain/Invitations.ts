import { ErrorCode, ParleyError, type ConsentAnswer, type InvitationView, type ParticipantSummary } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import { InviteVerifier, signInvite, type InvitePayload } from '../crypto/tokens.ts';
import { randomId } from '../crypto/randomId.ts';
import type { EventBus } from '../events/EventBus.ts';
import { now, type InvitationRow, type ParticipantRow, type Store } from '../store/Store.ts';
import type { CaseKeys } from './CaseKeys.ts';
import type { Identity } from './identity.ts';
import { profileOf } from './MediatorAuth.ts';

type Invitee = Pick<ParticipantRow, 'id' | 'case_id' | 'role'>;

export interface InvitationsOptions {
  inviteTtlMs: number;
  baseUrl: () => string;
  bus: EventBus;
  /** One person's own answers about the agreement (ConsentAnswers), shown with their invitation. */
  ownAnswersOf?: (caseId: string, participantId: string, clauseSetHash: string) => ConsentAnswer[] | Promise<ConsentAnswer[]>;
}

/**
 * Invitation links: issued signed (Ed25519), checked in full on every use, withdrawn by the
 * mediator, and what a person sees when they open theirs.
 */
export class Invitations {
  readonly #store: Store;
  readonly #keys: Keyring;
  readonly #caseKeys: CaseKeys;
  readonly #verifier: InviteVerifier;
  readonly #opts: InvitationsOptions;

  constructor(store: Store, keys: Keyring, caseKeys: CaseKeys, opts: InvitationsOptions) {
    this.#store = store;
    this.#keys = keys;
    this.#caseKeys = caseKeys;
    this.#verifier = new InviteVerifier(keys);
    this.#opts = opts;
  }

  /** Announced with its URL: the only moment the link can be mailed (server/src/mail), with the address given with the person. */
  async issue(p: Invitee, email?: string | null): Promise<void> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + Math.floor(this.#opts.inviteTtlMs / 1000);
    const inv = { jti: randomId(), issued_at: new Date(iat * 1000).toISOString(), expires_at: new Date(exp * 1000).toISOString() };
    await this.#store.insertInvitation({ ...inv, participant_id: p.id, case_id: p.case_id, revoked_at: null, opened_at: null });
    this.#opts.bus.emit('invitation.issued', { caseId: p.case_id, participantId: p.id, url: this.#urlOf(p, inv), expiresAt: inv.expires_at, email });
  }

  /** Withdraws every link of the person (announceWithdrawn then tells the registry, which ends their connections). */
  async withdraw(p: Invitee): Promise<void> {
    await this.#store.revokeInvitations(p.id);
  }

  /** Announces a withdrawal, once the caller has finished what it answers with. */
  announceWithdrawn(p: Invitee): void {
    this.#opts.bus.emit('invitation.revoked', { caseId: p.case_id, participantId: p.id });
  }

  /**
   * Full check of an invitation token: signature, expiry, revocation, participant still on the case.
   * Used on every HTTP call and every socket handshake, so a revoked link dies everywhere at once.
   */
  async authenticate(token: unknown): Promise<Identity> {
    const payload: InvitePayload = this.#verifier.verify(token);
    const inv = await this.#store.getInvitation(payload.jti);
    if (!inv || inv.participant_id !== payload.pid || inv.case_id !== payload.cid) {
      throw new ParleyError(ErrorCode.LinkInvalid, 'This link is not valid. Ask the mediator for a new one.');
    }
    const [p, c] = await Promise.all([this.#store.getParticipant(payload.pid), this.#store.getCaseHead(payload.cid)]);
    // Taken off the case says more than "withdrawn" (their link was withdrawn with it).
    if (p?.removed_at) throw new ParleyError(ErrorCode.LinkRevoked, 'The mediator took you off this case, so this link no longer works. If you think this is a mistake, contact the mediator.');
    if (inv.revoked_at) throw new ParleyError(ErrorCode.LinkRevoked, 'This link was withdrawn by the mediator. Ask the mediator for a new link.');
    if (!p || !c || p.case_id !== c.id || p.role !== payload.role) {
      throw new ParleyError(ErrorCode.LinkRevoked, 'You are no longer a participant of this case.');
    }
    return {
      caseId: c.id,
      participantId: p.id,
      role: p.role,
      displayName: this.#caseKeys.nameOf(c, p),
      side: p.side,
      jti: inv.jti,
      expiresAt: payload.exp * 1000,
      phase: { state: c.state, partyAccessUntil: c.party_access_until },
    };
  }

  /** The person's newest link as the mediator's case page shows it (none for a mediator). */
  async summaryOf(p: ParticipantRow): Promise<ParticipantSummary['invitation']> {
    const inv = p.role === 'mediator' ? undefined : await this.#store.latestInvitation(p.id);
    if (!inv) return null;
    return {
      url: this.#urlOf(p, inv),
      expiresAt: inv.expires_at,
      status: inv.revoked_at ? 'revoked' : inv.expires_at <= now() ? 'expired' : 'active',
      openedAt: inv.opened_at,
    };
  }

  /** What a person sees on opening their link: the case, who leads it, the agreement to read. Marks the link opened. */
  async view(identity: Identity): Promise<InvitationView> {
    const c = (await this.#store.getCase(identity.caseId))!;
    if (identity.jti) await this.#store.markInvitationOpened(identity.jti);
    const mediator = await this.#store.getMediator(c.mediator_id);
    const people = await this.#store.participantsOf(c.id);
    const coMediators: InvitationView['coMediators'] = [];
    for (const p of people) {
      if (p.role !== 'mediator' || !p.mediator_id || p.mediator_id === c.mediator_id) continue;
      const m = await this.#store.getMediator(p.mediator_id);
      if (m) coMediators.push(profileOf(m));
    }
    const inv = identity.jti ? await this.#store.getInvitation(identity.jti) : undefined;
    const consent = await this.#store.latestConsent(identity.participantId);
    return {
      caseId: c.id,
      caseTitle: this.#caseKeys.open(c, c.title_sealed),
      participant: { id: identity.participantId, displayName: identity.displayName, role: identity.role, side: identity.side as never },
      invitedBy: mediator?.display_name ?? 'Your mediator',
      mediator: mediator ? profileOf(mediator) : { displayName: 'Your mediator', organisation: '', statement: '' },
      coMediators,
      expiresAt: inv?.expires_at ?? '',
      agreement: this.#caseKeys.agreementShown(c, people),
      clauseSetHash: c.clause_set_hash,
      lifecycle: this.#caseKeys.lifecycleOf(c),
      consent: consent ? { at: consent.at, current: consent.clause_set_hash === c.clause_set_hash } : null,
      answers: (await this.#opts.ownAnswersOf?.(c.id, identity.participantId, c.clause_set_hash)) ?? [],
      others: people
        .filter((p) => p.id !== identity.participantId)
        .map((p) => ({ displayName: this.#caseKeys.nameOf(c, p), role: p.role, side: p.side as never })),
    };
  }

  /** The link's URL, derived again from the stored invitation (Ed25519 signatures are deterministic). */
  #urlOf(p: Invitee, inv: Pick<InvitationRow, 'jti' | 'issued_at' | 'expires_at'>): string {
    const token = signInvite(this.#keys, {
      v: 1,
      typ: 'invite',
      cid: p.case_id,
      pid: p.id,
      role: p.role,
      jti: inv.jti,
      iat: Math.floor(Date.parse(inv.issued_at) / 1000),
      exp: Math.floor(Date.parse(inv.expires_at) / 1000),
    });
    return `${this.#opts.baseUrl()}/join#t=${token}`;
  }
}
