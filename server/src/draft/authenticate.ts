import type http from 'node:http';
import { closeMessages, CloseCode, draftAccess, ErrorCode, errorCodeForClose, type DraftAccessAnswer, ParleyError, parseDraftDocName, requiresConsent, DRAFT_PATH_PREFIX, type DraftAccess, type DraftDocRef } from '@parley/shared';
import { closeCodeFor, type AccessGate, type Principal } from '../auth/AccessGate.ts';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import { parseCookies, SESSION_COOKIE } from '../http/cookies.ts';

export interface DraftAuthDeps {
  gate: AccessGate;
  cases: CaseService;
  isAllowedOrigin: (origin: string | undefined) => boolean;
}

export interface DraftGrant {
  ref: DraftDocRef;
  principal: Principal;
  identity: Identity;
  access: Exclude<DraftAccess, 'none'>;
}

/** A refused draft connection, with its named close code (and the HTTP status used before an upgrade). */
export class DraftRefusal extends Error {
  readonly closeCode: number;
  constructor(closeCode: number, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DraftRefusal';
    this.closeCode = closeCode;
  }

  /** The refusal as the access check answers it: a typed error code and the words for a person. */
  toAnswer(): Extract<DraftAccessAnswer, { closeCode: number }> {
    const code = errorCodeForClose(this.closeCode) ?? ErrorCode.Internal;
    const message = this.closeCode in closeMessages ? closeMessages[this.closeCode as CloseCode] : 'The draft cannot be opened right now. Please try again.';
    return { error: { code, message }, closeCode: this.closeCode };
  }

  /** Refusals happen before the WebSocket upgrade, so they are answered in HTTP. */
  get httpStatus(): number {
    switch (this.closeCode) {
      case CloseCode.Unauthorised:
      case CloseCode.Expired:
      case CloseCode.SignedOut:
        return 401;
      case CloseCode.Forbidden:
      case CloseCode.ConsentChanged:
        return 403;
      case CloseCode.Revoked:
        return 410;
      case CloseCode.ServerRestart:
        return 503;
      case 1013:
        return 429;
      default:
        return 500;
    }
  }
}

const forbidden = (reason: string) => new DraftRefusal(CloseCode.Forbidden, reason);

/**
 * onAuthenticate for a WebSocket upgrade: origin allow-list (cross-site WebSocket hijacking,
 * docs/threats.md #6), then the credentials in the URL (`?token=`) or the mediator's cookie.
 */
export function authenticateDraft(req: http.IncomingMessage, deps: DraftAuthDeps): DraftGrant {
  if (!deps.isAllowedOrigin(req.headers.origin)) throw forbidden('origin not allowed');
  const url = new URL(req.url ?? '/', 'http://parley.invalid');
  const docName = url.pathname.startsWith(DRAFT_PATH_PREFIX) ? url.pathname.slice(DRAFT_PATH_PREFIX.length) : null;
  return authoriseDraft({ token: url.searchParams.get('token'), sessionToken: parseCookies(req.headers.cookie)[SESSION_COOKIE] }, docName, deps);
}

/**
 * Decides, once per connection, who this is and what they may do with which document. Same rules
 * as the socket.io handshake (through the AccessGate; consent before any contact), plus
 * per-document access from `draftAccess`. Also answers the HTTP access check a browser uses to
 * learn why an upgrade was refused (a browser cannot read a refused upgrade's status).
 */
export function authoriseDraft(creds: { token?: string | null; sessionToken?: string | undefined }, docName: string | null, deps: Omit<DraftAuthDeps, 'isAllowedOrigin'>): DraftGrant {
  if (!creds.token && !creds.sessionToken) throw new DraftRefusal(CloseCode.Unauthorised, 'no credentials');
  const ref = parseDraftDocName(docName);
  if (!ref) throw forbidden('no such document');
  let principal: Principal;
  try {
    principal = creds.token ? deps.gate.authenticate({ token: creds.token }) : deps.gate.authenticate({ sessionToken: creds.sessionToken, caseId: ref.caseId });
  } catch (err) {
    if (!(err instanceof ParleyError)) throw err;
    const code = err.code === ErrorCode.NotFound ? CloseCode.Forbidden : closeCodeFor(err, creds.token ? 'invite' : 'mediator');
    throw new DraftRefusal(code, err.code === ErrorCode.NotFound ? 'not your case' : err.code, { cause: err });
  }
  const identity = principal.identity;
  if (identity.caseId !== ref.caseId) throw forbidden('another case');
  if (requiresConsent(identity.role) && !deps.cases.hasCurrentConsent(identity)) throw new DraftRefusal(CloseCode.ConsentChanged, 'consent required');
  const access = draftAccess(identity.role, ref.kind);
  if (access === 'none') throw forbidden('not allowed to open this document');
  return { ref, principal, identity, access };
}
