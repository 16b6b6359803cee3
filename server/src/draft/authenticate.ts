import type http from 'node:http';
import { closeMessages, CloseCode, ErrorCode, errorCodeForClose, type DraftAccessAnswer, ParleyError, DRAFT_PATH_PREFIX, type DraftAccess, type DraftDocRef } from '@parley/shared';
import { closeCodeFor, presentedBy, type AccessGate, type Presented, type Principal } from '../auth/AccessGate.ts';
import type { Identity } from '../domain/CaseService.ts';

export interface DraftAuthDeps {
  gate: AccessGate;
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
  /** With `moved`: where the case runs. */
  readonly moveTo: string | undefined;
  constructor(closeCode: number, reason: string, options?: { cause?: unknown; moveTo?: string }) {
    super(reason, options);
    this.name = 'DraftRefusal';
    this.closeCode = closeCode;
    this.moveTo = options?.moveTo;
  }

  /** The refusal as the access check answers it: a typed error code and the words for a person. */
  toAnswer(): Extract<DraftAccessAnswer, { closeCode: number }> {
    const code = errorCodeForClose(this.closeCode) ?? ErrorCode.Internal;
    const message = this.closeCode in closeMessages ? closeMessages[this.closeCode as CloseCode] : 'The draft cannot be opened right now. Please try again.';
    return { error: { code, message }, closeCode: this.closeCode, ...(this.moveTo ? { moveTo: this.moveTo } : {}) };
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
      case CloseCode.Moved:
        return 307;
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
export async function authenticateDraft(req: http.IncomingMessage, deps: DraftAuthDeps): Promise<DraftGrant> {
  if (!deps.isAllowedOrigin(req.headers.origin)) throw new DraftRefusal(CloseCode.Forbidden, 'origin not allowed');
  const url = new URL(req.url ?? '/', 'http://parley.invalid');
  const docName = url.pathname.startsWith(DRAFT_PATH_PREFIX) ? url.pathname.slice(DRAFT_PATH_PREFIX.length) : null;
  return authoriseDraft({ token: url.searchParams.get('token'), sessionToken: presentedBy(req.headers).sessionToken }, docName, deps);
}

/**
 * Decides, once per connection, who this is and what they may do with which document: the
 * AccessGate's decision (same rules as the socket.io handshake, consent before any contact, plus
 * per-document access from `draftAccess`), answered as a named close code. Also answers the HTTP
 * access check a browser uses to learn why an upgrade was refused (a browser cannot read a refused
 * upgrade's status).
 */
export async function authoriseDraft(presented: Presented, docName: string | null, deps: Pick<DraftAuthDeps, 'gate'>): Promise<DraftGrant> {
  try {
    const { ref, principal, access } = await deps.gate.draft(presented, docName);
    return { ref, principal, identity: principal.identity, access };
  } catch (err) {
    if (!(err instanceof ParleyError)) throw err;
    // Not this person's document (another case, not for their role) is "forbidden", not "signed out".
    const code = err.code === ErrorCode.NotFound || err.code === ErrorCode.Forbidden ? CloseCode.Forbidden : closeCodeFor(err, !presented.token && presented.sessionToken ? 'mediator' : 'invite');
    throw new DraftRefusal(code, err.message, { cause: err });
  }
}
