import type http from 'node:http';
import { CloseCode, draftAccess, ErrorCode, ParleyError, parseDraftDocName, requiresConsent, DRAFT_PATH_PREFIX, type DraftAccess, type DraftDocRef } from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { MediatorAuth } from '../domain/MediatorAuth.ts';
import { parseCookies, SESSION_COOKIE } from '../http/cookies.ts';

export interface DraftAuthDeps {
  cases: CaseService;
  auth: MediatorAuth;
  isAllowedOrigin: (origin: string | undefined) => boolean;
}

export interface DraftGrant {
  ref: DraftDocRef;
  identity: Identity;
  access: Exclude<DraftAccess, 'none'>;
}

/** A refused connection: closed right after the upgrade with a named code (no document data is sent). */
export class DraftRefusal extends Error {
  readonly closeCode: number;
  constructor(closeCode: number, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DraftRefusal';
    this.closeCode = closeCode;
  }
}

const forbidden = (reason: string) => new DraftRefusal(CloseCode.Forbidden, reason);

/**
 * onAuthenticate: decides, once per connection, who this is and what they may do with which
 * document. Same rules as the socket.io handshake (origin allow-list, invitation token or mediator
 * cookie, consent before any contact), plus per-document access from `draftAccess`.
 */
export function authenticateDraft(req: http.IncomingMessage, deps: DraftAuthDeps): DraftGrant {
  // Cross-site WebSocket hijacking: a browser sends the page's Origin with the cookie (threats.md #6).
  if (!deps.isAllowedOrigin(req.headers.origin)) throw forbidden('origin not allowed');
  const url = new URL(req.url ?? '/', 'http://parley.invalid');
  const token = url.searchParams.get('token');
  const sessionCookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (!token && !sessionCookie) throw new DraftRefusal(CloseCode.Unauthorised, 'no credentials');
  const ref = parseDraftDocName(url.pathname.startsWith(DRAFT_PATH_PREFIX) ? url.pathname.slice(DRAFT_PATH_PREFIX.length) : null);
  if (!ref) throw forbidden('no such document');

  let identity: Identity;
  if (token) {
    try {
      identity = deps.cases.authenticateInvite(token);
    } catch (err) {
      const code = err instanceof ParleyError ? err.code : undefined;
      if (code === ErrorCode.LinkRevoked) throw new DraftRefusal(CloseCode.Revoked, 'link revoked', { cause: err });
      if (code === ErrorCode.LinkExpired) throw new DraftRefusal(CloseCode.Expired, 'link expired', { cause: err });
      throw new DraftRefusal(CloseCode.Unauthorised, 'link invalid', { cause: err });
    }
    if (identity.caseId !== ref.caseId) throw forbidden('another case');
    if (requiresConsent(identity.role) && !deps.cases.hasCurrentConsent(identity)) throw forbidden('consent required');
  } else {
    const mediatorId = deps.auth.mediatorForSession(sessionCookie);
    if (!mediatorId) throw new DraftRefusal(CloseCode.Unauthorised, 'session expired');
    try {
      identity = deps.cases.mediatorIdentity(mediatorId, ref.caseId);
    } catch (err) {
      throw new DraftRefusal(CloseCode.Forbidden, 'not your case', { cause: err });
    }
  }
  const access = draftAccess(identity.role, ref.kind);
  if (access === 'none') throw forbidden('not allowed to open this document');
  return { ref, identity, access };
}
