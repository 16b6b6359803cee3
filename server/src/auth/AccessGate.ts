import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  canJoinSession,
  caseAllows,
  caseUseOf,
  closeCodeForError,
  CloseCode,
  draftAccess,
  ErrorCode,
  ParleyError,
  parseDraftDocName,
  type Audience,
  type CaseUse,
  type DraftAccess,
  type DraftDocRef,
  type HttpRoute,
  type RequestName,
} from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { MediatorAuth } from '../domain/MediatorAuth.ts';
import { parseCookies, SESSION_COOKIE } from '../http/cookies.ts';

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
  | { ok: false; consent: false; close: CloseCode; error: ParleyError }
  /** The store did not answer: nothing reaches them this time, and nothing is closed for it (the next check decides). */
  | { ok: false; consent: 'unknown'; error: unknown };

/** The credentials a request or connection carries: an invitation token, and/or a mediator's session cookie value. */
export interface Presented {
  token?: string | null | undefined;
  sessionToken?: string | undefined;
}

/** The credentials of an HTTP request or WebSocket upgrade: `Authorization: Bearer`, and the session cookie. */
export function presentedBy(headers: IncomingHttpHeaders): Presented {
  const h = headers.authorization;
  const token = h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
  return { token: token || undefined, sessionToken: parseCookies(headers.cookie)[SESSION_COOKIE] };
}

/** Who called an HTTP route, as its audience (shared/src/routes.ts) requires. */
export type Caller<W extends Audience> = W extends 'mediator' | 'admin'
  ? { mediatorId: string }
  : W extends 'invitee' | 'consented-invitee'
    ? { identity: Identity }
    : W extends 'draft-holder'
      ? { presented: Presented }
      : Record<string, never>;

/** Why current consent is needed: the words of the refusal differ, the rule does not. */
export type ConsentPurpose = 'join' | 'content';
const consentWords: Record<ConsentPurpose, string> = {
  join: 'Please read and agree to the protocol agreement before joining.',
  content: 'Please read and agree to the protocol agreement first.',
};

/**
 * Socket requests that need current consent (besides valid credentials, which every request
 * needs): joining the session, and the threads (case content, reachable between sessions). The
 * media and live-control requests need a joined member, who consented to join; a live session
 * continues as the mediator decided when the agreement changes meanwhile.
 */
const socketConsent: Partial<Record<RequestName, ConsentPurpose>> = {
  'session:prepare': 'join',
  'session:join': 'join',
  'thread:list': 'content',
  'thread:history': 'content',
  'message:send': 'content',
  'message:edit': 'content',
  'message:delete': 'content',
  'thread:read': 'content',
};

/**
 * Requests a connection may make before it has joined, on what it prepared on the pre-join screen,
 * and the consent each needs then (the same as for joining: it is media of the session).
 */
const socketConsentBeforeJoin: Partial<Record<RequestName, ConsentPurpose>> = {
  'transport:connect': 'join',
};

/**
 * What each socket request does with its case, for the rule of the case's state (`caseAllows`):
 * the threads are read or changed between sessions too; leaving changes nothing; everything else
 * is the live session.
 */
const socketUse: Partial<Record<RequestName, CaseUse>> = {
  'thread:list': 'read',
  'thread:history': 'read',
  'thread:read': 'read',
  'message:send': 'change',
  'message:edit': 'change',
  'message:delete': 'change',
  'session:leave': 'none',
};

/** Why a request is refused in the case's state, in the words its person reads. */
function caseRefusal(reason: 'concluded' | 'closed', mediator: boolean): ParleyError {
  if (reason === 'concluded') {
    return new ParleyError(
      ErrorCode.CaseConcluded,
      mediator
        ? 'This case is concluded, so nothing in it can change and no session can start. Reopen it to go on.'
        : 'This mediation has concluded, so nothing in it can change and no session can start. You can still read the agreement and your messages.',
    );
  }
  return new ParleyError(
    ErrorCode.CaseClosed,
    mediator ? 'This case is archived: it can be read, not changed.' : 'This mediation has ended and its documents are no longer available here. Contact your mediator if you need a copy.',
  );
}

/**
 * The one place that decides who a request or connection is and what they may do: HTTP routes
 * (by their audience), socket.io handshakes and every socket request, draft WebSocket upgrades and
 * the draft access check, and every later delivery. So a withdrawn link, an expired link, a
 * signed-out session and a stale consent are refused the same way on every channel.
 */
export class AccessGate {
  readonly #cases: CaseService;
  readonly #auth: MediatorAuth;
  /** SHA-256 of PARLEY_METRICS_TOKEN; null when metrics are off (the route answers 404). */
  readonly #metricsTokenHash: Buffer | null;

  constructor(cases: CaseService, auth: MediatorAuth, opts: { metricsToken?: string | undefined } = {}) {
    this.#cases = cases;
    this.#auth = auth;
    this.#metricsTokenHash = opts.metricsToken ? sha256(opts.metricsToken) : null;
  }

  /**
   * An invitation token, or the mediator's session cookie value plus the case they open.
   * Throws the typed refusal the client is shown.
   */
  async authenticate(c: { token?: string | null | undefined; sessionToken?: string | undefined; caseId?: string | undefined }): Promise<Principal> {
    if (c.token) {
      const identity = await this.#cases.invitations.authenticate(c.token);
      return { identity, credential: { kind: 'invite', token: c.token, expiresAt: identity.expiresAt ?? Number.POSITIVE_INFINITY } };
    }
    if (c.sessionToken !== undefined) {
      const s = await this.#auth.session(c.sessionToken);
      if (!s) throw new ParleyError(ErrorCode.Unauthorised, 'Please sign in again.');
      if (!c.caseId) throw new ParleyError(ErrorCode.BadRequest, 'No case was named.');
      const identity = await this.#cases.mediatorIdentity(s.mediatorId, c.caseId);
      return { identity, credential: { kind: 'mediator', mediatorId: s.mediatorId, sessionHash: s.sessionHash, expiresAt: s.expiresAt } };
    }
    throw new ParleyError(ErrorCode.Unauthorised, 'No credentials were presented.');
  }

  /**
   * HTTP: who calls a route of this audience. Throws the refusal the route answers with: 401
   * `unauthorised` without a mediator session, 403 `forbidden` for an administrator's route called
   * by another mediator, `link_invalid` / `link_expired` / `link_revoked` for
   * a link, 403 `consent_required` for case content without current consent.
   */
  async caller<W extends Audience>(who: W, presented: Presented): Promise<Caller<W>> {
    switch (who) {
      case 'mediator':
      case 'admin': {
        // A deactivated account has no session (MediatorAccounts.deactivate, Store.mediatorSession).
        const s = await this.#auth.session(presented.sessionToken);
        if (!s) throw new ParleyError(ErrorCode.Unauthorised, 'Please sign in.');
        if (who === 'admin' && !(await this.#auth.isActiveAdmin(s.mediatorId))) throw new ParleyError(ErrorCode.Forbidden, 'Only the platform’s administrator can do this.');
        return { mediatorId: s.mediatorId } as Caller<W>;
      }
      case 'invitee':
      case 'consented-invitee': {
        if (!presented.token) throw new ParleyError(ErrorCode.LinkInvalid, 'This link is not valid.');
        const identity = await this.#cases.invitations.authenticate(presented.token);
        if (who === 'consented-invitee') await this.requireConsent(identity, 'content');
        return { identity } as Caller<W>;
      }
      case 'draft-holder':
        // Who they are depends on the document (the mediator's case is named in it): see `draft`.
        return { presented } as Caller<W>;
      case 'metrics-scraper':
        this.#metricsScraper(presented.token);
        return {} as Caller<W>;
      case 'public':
        return {} as Caller<W>;
    }
    // A new audience must get its own case above: never let an unknown one through as public.
    throw new Error(`no rule for the audience ${String(who)}`);
  }

  /**
   * The operator's monitoring. Without a configured token the route does not exist; with one, the
   * presented token is compared in constant time (both hashed first, so the lengths match and the
   * time says nothing about the token's length either).
   */
  #metricsScraper(token: string | null | undefined): void {
    if (!this.#metricsTokenHash) throw new ParleyError(ErrorCode.NotFound, 'Not found.');
    if (!token || !timingSafeEqual(sha256(token), this.#metricsTokenHash)) throw new ParleyError(ErrorCode.Unauthorised, 'The metrics token is missing or wrong.');
  }

  /**
   * A request on an open socket: the credentials are re-checked (a withdrawn or expired link, a
   * signed-out or expired mediator session), then what the case's state allows (a concluded case
   * holds no session), then current consent where the request needs it (some only before the
   * connection has joined: socketConsentBeforeJoin).
   * Returns the identity as it stands now; throws the typed refusal the request is answered with.
   */
  async authorise(p: Principal, request: RequestName, joined: boolean): Promise<Identity> {
    const identity = await this.recheck(p);
    this.requireCaseAllows(identity, socketUse[request] ?? 'live');
    const purpose = socketConsent[request] ?? (joined ? undefined : socketConsentBeforeJoin[request]);
    if (purpose) await this.requireConsent(identity, purpose);
    return identity;
  }

  /**
   * Throws the typed refusal when the case's state does not allow `use` to this person now
   * (`caseAllows` in shared: a concluded case changes no more, an archived one is the mediators').
   */
  requireCaseAllows(identity: Pick<Identity, 'role' | 'phase'>, use: CaseUse): void {
    const decision = caseAllows(identity.phase, identity.role, use, new Date());
    if (!decision.allowed) throw caseRefusal(decision.reason, identity.role === 'mediator');
  }

  /**
   * HTTP: what the route does with its case (`caseUseOf`), against the case's state. An invitee's
   * case is their link's; a mediator's is the route's `:caseId`, read through their access to it
   * (a case they are not on stays "not found", whatever its state).
   */
  async allowsRoute(route: HttpRoute, caller: Caller<Audience>, params: Record<string, string | undefined>): Promise<void> {
    const use = caseUseOf(route);
    if (use === 'none') return;
    if ('identity' in caller) return this.requireCaseAllows(caller.identity, use);
    if ('mediatorId' in caller && params.caseId) this.requireCaseAllows(await this.#cases.mediatorIdentity(caller.mediatorId, params.caseId), use);
  }

  /**
   * A draft document (WebSocket upgrade or its HTTP access check): who, with what access. Throws
   * `unauthorised` without credentials, `not_found` for a name that is no document or another
   * case's document, `forbidden` for a document the role may not open, `consent_required` without
   * current consent, and the credential refusals of `authenticate`.
   */
  async draft(presented: Presented, docName: string | null): Promise<{ ref: DraftDocRef; principal: Principal; access: Exclude<DraftAccess, 'none'> }> {
    if (!presented.token && !presented.sessionToken) throw new ParleyError(ErrorCode.Unauthorised, 'No credentials were presented.');
    const ref = parseDraftDocName(docName);
    if (!ref) throw new ParleyError(ErrorCode.NotFound, 'There is no such document.');
    const principal = presented.token ? await this.authenticate({ token: presented.token }) : await this.authenticate({ sessionToken: presented.sessionToken, caseId: ref.caseId });
    const identity = principal.identity;
    if (identity.caseId !== ref.caseId) throw new ParleyError(ErrorCode.NotFound, 'That document belongs to another case.');
    this.requireCaseAllows(identity, 'read');
    await this.requireConsent(identity, 'content');
    const granted = draftAccess(identity.role, ref.kind);
    if (granted === 'none') throw new ParleyError(ErrorCode.Forbidden, 'You may not open this document.');
    // A concluded case's documents are read, not written, by everyone (its mediators included).
    const access = granted === 'edit' && !caseAllows(identity.phase, identity.role, 'change', new Date()).allowed ? 'read' : granted;
    return { ref, principal, access };
  }

  /** Whether this identity may see case content now: the mediator always, everyone else with current consent (3.6.8). */
  async consentCurrent(identity: Identity): Promise<boolean> {
    // The mediator needs no consent: no query for them.
    if (canJoinSession({ role: identity.role, consentCurrent: false }).allowed) return true;
    return canJoinSession({ role: identity.role, consentCurrent: await this.#cases.consent.hasCurrent(identity) }).allowed;
  }

  /** Throws `consent_required` unless `consentCurrent`. */
  async requireConsent(identity: Identity, purpose: ConsentPurpose): Promise<void> {
    if (!(await this.consentCurrent(identity))) throw new ParleyError(ErrorCode.ConsentRequired, consentWords[purpose]);
  }

  /** Re-checks the credential from the store (revocation, expiry, sign-out, case ownership). Throws the refusal. */
  async recheck(p: Principal): Promise<Identity> {
    const cr = p.credential;
    if (cr.kind === 'invite') return this.#cases.invitations.authenticate(cr.token);
    const s = await this.#auth.sessionByHash(cr.sessionHash);
    if (!s || s.mediatorId !== cr.mediatorId) throw new ParleyError(ErrorCode.Unauthorised, 'You were signed out. Sign in again to continue.');
    return this.#cases.mediatorIdentity(s.mediatorId, p.identity.caseId);
  }

  /** Whether anything may reach this principal now: valid credentials and, where needed, current consent. Never rejects. */
  async standing(p: Principal): Promise<Standing> {
    let identity: Identity;
    try {
      identity = await this.recheck(p);
    } catch (err) {
      // A refusal ends the connection; a store that did not answer says nothing about the person.
      if (!(err instanceof ParleyError) || err.code === ErrorCode.Internal) return { ok: false, consent: 'unknown', error: err };
      return { ok: false, consent: false, close: closeCodeFor(err, p.credential.kind), error: err };
    }
    try {
      if (!(await this.consentCurrent(identity))) return { ok: false, consent: true };
    } catch (err) {
      return { ok: false, consent: 'unknown', error: err };
    }
    return { ok: true, identity };
  }
}

/** The named close code for a credential that no longer holds. */
export function closeCodeFor(err: ParleyError, kind: Credential['kind']): CloseCode {
  return closeCodeForError(err.code, kind);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
