import { ErrorCode, ParleyError, type MediatorProfile, type Me } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import { now, type MediatorRow, type Store } from '../store/Store.ts';
import type { EventBus } from '../events/EventBus.ts';
import { randomId } from '../crypto/randomId.ts';

export const SIGNIN_TTL_MS = 24 * 3600_000;
export const SESSION_TTL_MS = 14 * 24 * 3600_000;

/**
 * Mediator sign-in. The first account (the administrator) is created on first start and signed in
 * through a one-time link printed on the console; other accounts come from the administrator's
 * invitations (MediatorAccounts). Then a session cookie. Only hashes of links and cookies are stored.
 */
export class MediatorAuth {
  readonly #store: Store;
  readonly #keys: Keyring;
  /** Where a sign-out is announced (the connection registry closes what was opened with it). */
  readonly #bus: EventBus;

  constructor(store: Store, keys: Keyring, bus: EventBus) {
    this.#store = store;
    this.#keys = keys;
    this.#bus = bus;
  }

  /** Creates the account if needed and a fresh one-time sign-in token (older unused ones die). */
  async bootstrap(displayName: string): Promise<{ mediatorId: string; created: boolean; signinToken: string }> {
    const admin = await this.#store.firstAdmin();
    let id = admin?.id;
    if (!id) {
      id = randomId();
      await this.#store.insertMediator({ id, display_name: displayName, created_at: now(), is_admin: 1 });
    }
    return { mediatorId: id, created: !admin, signinToken: (await this.newSigninToken(id)).token };
  }

  /** A fresh one-time sign-in link token for an account (older unused ones die); only its hash is kept. */
  async newSigninToken(mediatorId: string): Promise<{ token: string; expiresAt: string }> {
    const token = randomId(32);
    const expiresAt = new Date(Date.now() + SIGNIN_TTL_MS).toISOString();
    await this.#store.replaceSigninToken(mediatorId, this.#keys.hashHex(token), expiresAt);
    return { token, expiresAt };
  }

  /** Exchanges a one-time sign-in token for a session token (the cookie value). */
  async signIn(token: string): Promise<{ sessionToken: string; mediatorId: string }> {
    const mediatorId = await this.#store.consumeSigninToken(this.#keys.hashHex(token));
    if (!mediatorId) {
      throw new ParleyError(ErrorCode.Unauthorised, 'This sign-in link was already used or has expired. Ask the platform’s administrator for a new one (the administrator gets one by restarting the platform).');
    }
    return this.openSession(mediatorId);
  }

  /**
   * A new session for a mediator whose sign-in was proven (a one-time link, a passkey, an accepted
   * invitation): the same cookie whichever way they signed in, so sign-out and every check treat them alike.
   */
  async openSession(mediatorId: string): Promise<{ sessionToken: string; mediatorId: string }> {
    const sessionToken = randomId(32);
    await this.#store.insertMediatorSession(this.#keys.hashHex(sessionToken), mediatorId, new Date(Date.now() + SESSION_TTL_MS).toISOString());
    return { sessionToken, mediatorId };
  }

  /**
   * The session behind a cookie value: who, its hash (how connections opened with it are found
   * again at sign-out; the cookie itself is never kept) and when it ends.
   */
  async session(sessionToken: string | undefined): Promise<{ mediatorId: string; sessionHash: string; expiresAt: number } | undefined> {
    if (!sessionToken || sessionToken.length > 128) return undefined;
    return this.sessionByHash(this.#keys.hashHex(sessionToken));
  }

  async sessionByHash(sessionHash: string): Promise<{ mediatorId: string; sessionHash: string; expiresAt: number } | undefined> {
    const s = await this.#store.mediatorSession(sessionHash);
    return s && { mediatorId: s.mediatorId, sessionHash, expiresAt: Date.parse(s.expiresAt) };
  }

  /** Ends the session; every connection opened with it ends too (the connection registry listens). */
  async signOut(sessionToken: string | undefined): Promise<void> {
    if (!sessionToken || sessionToken.length > 128) return;
    const hash = this.#keys.hashHex(sessionToken);
    await this.#store.deleteMediatorSession(hash);
    this.sessionsEnded([hash]);
  }

  /** Sessions deleted from the store (sign-out, a deactivated account): their connections close now. */
  sessionsEnded(sessionHashes: string[]): void {
    for (const sessionHash of sessionHashes) this.#bus.emit('mediator.signed-out', { sessionHash });
  }

  /**
   * Sets the name the mediator goes by (already validated: DisplayName, trimmed). `resealed` is
   * their participant name on each existing case, sealed with that case's key
   * (CaseService.resealMediatorName); account and cases change in one transaction.
   */
  async setDisplayName(id: string, displayName: string, resealed: Array<{ id: string; display_name_sealed: string }>): Promise<Me['mediator']> {
    if (!(await this.#store.getMediator(id))) throw new ParleyError(ErrorCode.Unauthorised, 'Please sign in.');
    await this.#store.renameMediator(id, displayName, resealed);
    return (await this.mediator(id))!;
  }

  /** The account as its owner sees it (GET /api/me). */
  async mediator(id: string): Promise<Me['mediator'] | undefined> {
    const m = await this.#store.getMediator(id);
    return m && { id: m.id, ...profileOf(m), isAdmin: m.is_admin === 1, email: m.email_sealed ? this.#keys.openAccountText(m.email_sealed) : null };
  }

  /** Whether this account administers the platform now (the AccessGate's `admin` audience). */
  async isActiveAdmin(id: string): Promise<boolean> {
    const m = await this.#store.getMediator(id);
    return m?.is_admin === 1 && !m.deactivated_at;
  }
}

/** What the people a mediator invites read about them, in the mediator's own words [3.6.14]. */
export function profileOf(m: Pick<MediatorRow, 'display_name' | 'organisation' | 'statement'>): MediatorProfile {
  return { displayName: m.display_name, organisation: m.organisation ?? '', statement: m.statement ?? '' };
}
