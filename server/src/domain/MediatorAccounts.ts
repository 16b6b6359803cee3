import {
  ErrorCode,
  MEDIATOR_INVITATION_TTL_MS,
  ParleyError,
  type InviteMediatorBody,
  type MediatorInvitationCreated,
  type MediatorInvitationView,
  type MediatorList,
  type PendingMediatorInvitation,
  type SigninLinkCreated,
} from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import { randomId } from '../crypto/randomId.ts';
import { now, type Store } from '../store/Store.ts';
import { AccountStore, type MediatorInvitationRow } from './AccountStore.ts';
import type { MediatorAuth } from './MediatorAuth.ts';

/** The purpose of the keyed hash of e-mail addresses (Keyring.lookupHash). */
const EMAIL_LOOKUP = 'mediator-email';

/**
 * Several mediators on one platform [issue 13]. The administrator (the first account) invites
 * mediators with one-time links, passes each link on themselves, and deactivates accounts; each
 * mediator keeps a profile the people they invite read before agreeing to anything [3.6.14].
 * Who may call what is the AccessGate's (`admin` audience); the rules about accounts are here.
 */
export class MediatorAccounts {
  readonly #store: Store;
  readonly #sql: AccountStore;
  readonly #keys: Keyring;
  readonly #auth: MediatorAuth;
  readonly #baseUrl: () => string;

  constructor(store: Store, keys: Keyring, auth: MediatorAuth, opts: { baseUrl: () => string }) {
    this.#store = store;
    this.#sql = new AccountStore(store.kysely, store.engine);
    this.#keys = keys;
    this.#auth = auth;
    this.#baseUrl = opts.baseUrl;
  }

  async list(): Promise<MediatorList> {
    return {
      mediators: (await this.#sql.mediators()).map((m) => ({
        id: m.id,
        displayName: m.display_name,
        organisation: m.organisation,
        isAdmin: m.is_admin === 1,
        active: !m.deactivated_at,
        createdAt: m.created_at,
        hasEmail: m.email_sealed !== null,
      })),
      invitations: (await this.#sql.pendingInvitations()).map(pending),
    };
  }

  /**
   * A one-time invitation link for a new mediator. Only the link's hash is stored; the address,
   * if given, is sealed with a platform key, with a keyed hash to find it again. Nothing is sent:
   * the administrator passes the link on.
   */
  async invite(adminId: string, body: InviteMediatorBody): Promise<MediatorInvitationCreated> {
    const email = body.email ? body.email.trim().toLowerCase() : null;
    const emailHash = email ? this.#keys.lookupHash(EMAIL_LOOKUP, email) : null;
    if (emailHash && (await this.#sql.emailTaken(emailHash))) throw new ParleyError(ErrorCode.Conflict, 'A mediator account or an open invitation already has this e-mail address.');
    const token = randomId(32);
    const row = {
      id: randomId(),
      token_hash: this.#keys.hashHex(token),
      invited_by: adminId,
      display_name: body.displayName,
      email_sealed: email ? this.#keys.sealAccountText(email) : null,
      email_hash: emailHash,
      created_at: now(),
      expires_at: new Date(Date.now() + MEDIATOR_INVITATION_TTL_MS).toISOString(),
    };
    await this.#sql.insertInvitation(row);
    return { invitation: pending(row), url: `${this.#baseUrl()}/welcome#token=${token}` };
  }

  async withdrawInvitation(invitationId: string): Promise<MediatorList> {
    if (!(await this.#sql.withdrawInvitation(invitationId))) throw new ParleyError(ErrorCode.NotFound, 'There is no open invitation with this id.');
    return await this.list();
  }

  /** What the invitee reads before accepting: their name as the administrator wrote it, and who invited them. */
  async viewInvitation(token: string): Promise<MediatorInvitationView> {
    const inv = await this.#openInvitation(token);
    return { displayName: inv.display_name, invitedBy: (await this.#store.getMediator(inv.invited_by))?.display_name ?? 'The administrator', expiresAt: inv.expires_at };
  }

  /** Creates the account with the name the invitee confirmed; the link dies. Returns the new account's id. */
  async accept(token: string, displayName: string): Promise<string> {
    const inv = await this.#openInvitation(token);
    const id = randomId();
    const created = await this.#sql.acceptInvitation(inv.id, { id, display_name: displayName, created_at: now(), email_sealed: inv.email_sealed, email_hash: inv.email_hash });
    if (!created) throw new ParleyError(ErrorCode.LinkInvalid, 'This invitation was already used.');
    return id;
  }

  /**
   * Ends the account's access at once: its sessions are deleted and every connection opened with
   * them closes (the sign-out path), its sign-in links stop working. Its cases stay as they are:
   * their co-mediators go on running them.
   */
  async deactivate(adminId: string, mediatorId: string): Promise<MediatorList> {
    const m = await this.#store.getMediator(mediatorId);
    if (!m) throw new ParleyError(ErrorCode.NotFound, 'There is no such mediator account.');
    if (mediatorId === adminId) throw new ParleyError(ErrorCode.Conflict, 'You cannot deactivate your own account.');
    if (m.deactivated_at) return this.list();
    const ended = await this.#sql.deactivate(mediatorId);
    if (ended === 'last-admin') throw new ParleyError(ErrorCode.Conflict, 'The platform needs at least one administrator.');
    this.#auth.sessionsEnded(ended);
    return await this.list();
  }

  /**
   * Lets a deactivated account sign in again, with a passkey, a mailed link or a new sign-in link
   * from the administrator (none is made here: the administrator asks for one if needed).
   */
  async reactivate(mediatorId: string): Promise<MediatorList> {
    const m = await this.#store.getMediator(mediatorId);
    if (!m) throw new ParleyError(ErrorCode.NotFound, 'There is no such mediator account.');
    if (m.deactivated_at) await this.#sql.reactivate(mediatorId);
    return await this.list();
  }

  /** A new one-time sign-in link for an active account whose owner lost theirs; the administrator passes it on. */
  async signinLink(mediatorId: string): Promise<SigninLinkCreated> {
    const m = await this.#store.getMediator(mediatorId);
    if (!m) throw new ParleyError(ErrorCode.NotFound, 'There is no such mediator account.');
    if (m.deactivated_at) throw new ParleyError(ErrorCode.Conflict, 'This account is deactivated.');
    const { token, expiresAt } = await this.#auth.newSigninToken(mediatorId);
    return { url: `${this.#baseUrl()}/signin#token=${token}`, expiresAt };
  }

  setProfile(mediatorId: string, p: { organisation?: string | undefined; statement?: string | undefined }): Promise<void> {
    return this.#sql.setProfile(mediatorId, p);
  }

  /** The address sign-in links are mailed to (null: none), sealed, with its keyed hash; one account per address. */
  async setEmail(mediatorId: string, email: string | null): Promise<void> {
    const address = email?.trim().toLowerCase() || null;
    if (!address) {
      await this.#sql.setEmail(mediatorId, null);
      return;
    }
    const hash = this.#keys.lookupHash(EMAIL_LOOKUP, address);
    if (await this.#sql.emailTaken(hash, mediatorId)) throw new ParleyError(ErrorCode.Conflict, 'Another mediator account or an open invitation already has this e-mail address.');
    await this.#sql.setEmail(mediatorId, { sealed: this.#keys.sealAccountText(address), hash });
  }

  /** The active account with this address and the address as stored, if any. */
  async activeByEmail(email: string): Promise<{ mediatorId: string; email: string } | undefined> {
    const row = await this.#sql.activeByEmail(this.#keys.lookupHash(EMAIL_LOOKUP, email.trim().toLowerCase()));
    return row && { mediatorId: row.id, email: this.#keys.openAccountText(row.email_sealed) };
  }

  async #openInvitation(token: string): Promise<MediatorInvitationRow> {
    const inv = await this.#sql.invitationByToken(this.#keys.hashHex(token));
    if (!inv || inv.used_at) throw new ParleyError(ErrorCode.LinkInvalid, 'This invitation link is not valid, or it was already used. Ask the administrator for a new one.');
    if (inv.withdrawn_at) throw new ParleyError(ErrorCode.LinkRevoked, 'This invitation was withdrawn. Ask the administrator for a new one.');
    if (inv.expires_at <= now()) throw new ParleyError(ErrorCode.LinkExpired, 'This invitation has expired. Ask the administrator for a new one.');
    return inv;
  }
}

function pending(r: Pick<MediatorInvitationRow, 'id' | 'display_name' | 'created_at' | 'expires_at'>): PendingMediatorInvitation {
  return { id: r.id, displayName: r.display_name, createdAt: r.created_at, expiresAt: r.expires_at };
}
