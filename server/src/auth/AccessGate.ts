import { canJoinSession, closeCodeForError, CloseCode, ErrorCode, ParleyError } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { MediatorAuth } from '../domain/MediatorAuth.ts';

/**
 * What a long-lived connection was opened with. Kept so that the connection can be re-checked
 * later (on every delivery, when the link or session ends, at expiry) without the client's help.
 * A mediator connection keeps the hash of its session cookie, never the cookie.
 */
export type Credential =
  | { kind: 'invite'; token: string; expiresAt: number }
  | { kind: 'mediator'; mediatorId: string; sessionHash: string; expiresAt: number };

export interface Principal {
  identity: Identity;
  credential: Credential;
}

/** Where a principal stands right now, for deciding whether something may reach them. */
export type Standing =
  | { ok: true; identity: Identity }
  /** Valid credentials, but the current protocol agreement is not accepted: nothing may reach them. */
  | { ok: false; consent: true }
  /** The credentials ended (withdrawn, expired, signed out): the connection must close with this code. */
  | { ok: false; consent: false; close: CloseCode; error: ParleyError };

/**
 * The one place where connection credentials are authenticated and re-checked: socket.io handshakes,
 * draft WebSocket upgrades and every later delivery go through here, so a withdrawn link, an
 * expired link or a signed-out session is treated the same on every channel.
 */
export class AccessGate {
  readonly #cases: CaseService;
  readonly #auth: MediatorAuth;

  constructor(cases: CaseService, auth: MediatorAuth) {
    this.#cases = cases;
    this.#auth = auth;
  }

  /**
   * An invitation token, or the mediator's session cookie value plus the case they open.
   * Throws the typed refusal the client is shown.
   */
  authenticate(c: { token?: string | null | undefined; sessionToken?: string | undefined; caseId?: string | undefined }): Principal {
    if (c.token) {
      const identity = this.#cases.authenticateInvite(c.token);
      return { identity, credential: { kind: 'invite', token: c.token, expiresAt: identity.expiresAt ?? Number.POSITIVE_INFINITY } };
    }
    if (c.sessionToken !== undefined) {
      const s = this.#auth.session(c.sessionToken);
      if (!s) throw new ParleyError(ErrorCode.Unauthorised, 'Please sign in again.');
      if (!c.caseId) throw new ParleyError(ErrorCode.BadRequest, 'No case was named.');
      const identity = this.#cases.mediatorIdentity(s.mediatorId, c.caseId);
      return { identity, credential: { kind: 'mediator', mediatorId: s.mediatorId, sessionHash: s.sessionHash, expiresAt: s.expiresAt } };
    }
    throw new ParleyError(ErrorCode.Unauthorised, 'No credentials were presented.');
  }

  /** Re-checks the credential from the store (revocation, expiry, sign-out, case ownership). Throws the refusal. */
  recheck(p: Principal): Identity {
    const cr = p.credential;
    if (cr.kind === 'invite') return this.#cases.authenticateInvite(cr.token);
    const s = this.#auth.sessionByHash(cr.sessionHash);
    if (!s || s.mediatorId !== cr.mediatorId) throw new ParleyError(ErrorCode.Unauthorised, 'You were signed out. Sign in again to continue.');
    return this.#cases.mediatorIdentity(s.mediatorId, p.identity.caseId);
  }

  /** Whether anything may reach this principal now: valid credentials and, where needed, current consent. */
  standing(p: Principal): Standing {
    let identity: Identity;
    try {
      identity = this.recheck(p);
    } catch (err) {
      const error = err instanceof ParleyError ? err : new ParleyError(ErrorCode.Internal, 'Could not re-check credentials.', { cause: err });
      return { ok: false, consent: false, close: closeCodeFor(error, p.credential.kind), error };
    }
    if (!canJoinSession({ role: identity.role, consentCurrent: this.#cases.hasCurrentConsent(identity) }).allowed) return { ok: false, consent: true };
    return { ok: true, identity };
  }
}

/** The named close code for a credential that no longer holds. */
export function closeCodeFor(err: ParleyError, kind: Credential['kind']): CloseCode {
  return closeCodeForError(err.code, kind);
}
