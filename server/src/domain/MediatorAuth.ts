import { ErrorCode, ParleyError } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import { now, type Store } from '../store/Store.ts';
import type { EventBus } from '../events/EventBus.ts';
import { randomId } from '../crypto/randomId.ts';

const SIGNIN_TTL_MS = 24 * 3600_000;
export const SESSION_TTL_MS = 14 * 24 * 3600_000;

/**
 * The local mediator account: created on first start, signed in through a one-time link printed
 * on the console, then a session cookie. Only hashes of links and cookies are stored.
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
  bootstrap(displayName: string): { mediatorId: string; created: boolean; signinToken: string } {
    let m = this.#store.firstMediator();
    let created = false;
    if (!m) {
      m = { id: randomId(), display_name: displayName, created_at: now() };
      this.#store.insertMediator(m);
      created = true;
    }
    const token = randomId(32);
    this.#store.replaceSigninToken(m.id, this.#keys.hashHex(token), new Date(Date.now() + SIGNIN_TTL_MS).toISOString());
    return { mediatorId: m.id, created, signinToken: token };
  }

  /** Exchanges a one-time sign-in token for a session token (the cookie value). */
  signIn(token: string): { sessionToken: string; mediatorId: string } {
    const mediatorId = this.#store.consumeSigninToken(this.#keys.hashHex(token));
    if (!mediatorId) throw new ParleyError(ErrorCode.Unauthorised, 'This sign-in link was already used or has expired. Restart the platform to print a new one.');
    return this.openSession(mediatorId);
  }

  /**
   * A new session for a mediator whose sign-in was proven (a one-time link, a passkey): the same
   * cookie whichever way they signed in, so sign-out and every check treat them alike.
   */
  openSession(mediatorId: string): { sessionToken: string; mediatorId: string } {
    const sessionToken = randomId(32);
    this.#store.insertMediatorSession(this.#keys.hashHex(sessionToken), mediatorId, new Date(Date.now() + SESSION_TTL_MS).toISOString());
    return { sessionToken, mediatorId };
  }

  mediatorForSession(sessionToken: string | undefined): string | undefined {
    return this.session(sessionToken)?.mediatorId;
  }

  /**
   * The session behind a cookie value: who, its hash (how connections opened with it are found
   * again at sign-out; the cookie itself is never kept) and when it ends.
   */
  session(sessionToken: string | undefined): { mediatorId: string; sessionHash: string; expiresAt: number } | undefined {
    if (!sessionToken || sessionToken.length > 128) return undefined;
    return this.sessionByHash(this.#keys.hashHex(sessionToken));
  }

  sessionByHash(sessionHash: string): { mediatorId: string; sessionHash: string; expiresAt: number } | undefined {
    const s = this.#store.mediatorSession(sessionHash);
    return s && { mediatorId: s.mediatorId, sessionHash, expiresAt: Date.parse(s.expiresAt) };
  }

  /** Ends the session; every connection opened with it ends too (the connection registry listens). */
  signOut(sessionToken: string | undefined): void {
    if (!sessionToken || sessionToken.length > 128) return;
    const hash = this.#keys.hashHex(sessionToken);
    this.#store.deleteMediatorSession(hash);
    this.#bus.emit('mediator.signed-out', { sessionHash: hash });
  }

  /**
   * Sets the name the mediator goes by (already validated: DisplayName, trimmed). `resealed` is
   * their participant name on each existing case, sealed with that case's key
   * (CaseService.resealMediatorName); account and cases change in one transaction.
   */
  setDisplayName(id: string, displayName: string, resealed: Array<{ id: string; display_name_sealed: string }>): { id: string; displayName: string } {
    if (!this.#store.getMediator(id)) throw new ParleyError(ErrorCode.Unauthorised, 'Please sign in.');
    this.#store.renameMediator(id, displayName, resealed);
    return this.mediator(id)!;
  }

  mediator(id: string): { id: string; displayName: string } | undefined {
    const m = this.#store.getMediator(id);
    return m && { id: m.id, displayName: m.display_name };
  }
}
