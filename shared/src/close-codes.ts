import { ErrorCode } from './errors.ts';

/**
 * Named reasons for ending a connection. The 44xx range is terminal: a client that receives one must
 * not reconnect automatically (a revoked link retried forever is a retry storm, docs/threats.md #14).
 */
export const CloseCode = {
  /** Credentials missing or unreadable. */
  Unauthorised: 4401,
  /** Valid identity, but not allowed here (wrong case, consent missing). */
  Forbidden: 4403,
  /** The invitation link was revoked by the mediator. */
  Revoked: 4410,
  /** The invitation link expired. */
  Expired: 4411,
  /** The mediator signed out, or the mediator's sign-in session ended. */
  SignedOut: 4419,
  /** The protocol agreement changed after this person consented: they must read and agree again. */
  ConsentChanged: 4412,
  /** The person withdrew their consent to the protocol agreement: they are out until they agree again. */
  ConsentWithdrawn: 4414,
  /** The same person connected again from this browser (another tab, a reload); this connection was replaced. */
  Replaced: 4409,
  /** The person's link was opened in another browser or on another device; this connection was replaced. */
  ReplacedElsewhere: 4408,
  /** The mediator removed this participant from the case. */
  Removed: 4404,
  /** A message or document passed its size limit (Hocuspocus' 1009 "message too big", made terminal: resending it would fail again). */
  TooLarge: 4413,
  /** The mediator ended the session for everyone; the message carries their reason. Joining again later is allowed. */
  SessionEnded: 4420,
  /** The mediator concluded the case: the live session and the draft end for good (until they reopen it). */
  CaseConcluded: 4421,
  /** The case was archived: nobody but its mediators reaches it any more. */
  CaseClosed: 4422,
  /** Server is shutting down; clients may reconnect (not terminal). */
  ServerRestart: 4503,
  /**
   * Another node runs this case now (several nodes: its lease moved). Not terminal: the client
   * connects again, and the node it reaches tells it where the case is (ErrorCode.Moved).
   */
  Moved: 4307,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const isTerminalClose = (code: number): boolean => code >= 4400 && code < 4500;

/** The person is in the session elsewhere now: they may take it back here ("Join here instead"). */
export const isReplacedClose = (code: number | string | null): boolean => code === CloseCode.Replaced || code === CloseCode.ReplacedElsewhere;

/** socket.io has no close codes: the server sends `session:closed` with one of these, then disconnects. */
export const closeMessages: Record<CloseCode, string> = {
  4401: 'We could not confirm who you are. Open your invitation link again.',
  4403: 'You are not allowed into this session.',
  4410: 'This invitation link was withdrawn by the mediator. Ask the mediator for a new link.',
  4411: 'This invitation link has expired. Ask the mediator for a new link.',
  4419: 'You were signed out. Sign in again to continue.',
  4412: 'The protocol agreement changed. Open your invitation link again to read it and agree before you continue.',
  4414: 'You withdrew your consent to the protocol agreement, so you were taken out of the session. To come back, read it again and agree.',
  4409: 'You opened this session in another tab or window, so this one was disconnected.',
  4408: 'Your link was opened in another browser or device, so this window was disconnected. If that was not you, tell your mediator.',
  4404: 'The mediator removed you from this case.',
  4413: 'That change is too large to save. Reload the page; your last change was not kept.',
  4420: 'The mediator ended the session.',
  4421: 'The mediation was concluded, so the session is over. Open the case again to read the agreement and the messages.',
  4422: 'This mediation was closed by the mediator.',
  4503: 'The service is restarting. You will be reconnected.',
  4307: 'The session moved to another server. You will be reconnected.',
};

/** WebSocket "try again later": a draft connection over its message or connection budget (not terminal). */
const TRY_AGAIN_LATER = 1013;

/**
 * Refusals that say the person's credentials no longer hold: the link is withdrawn, expired or
 * unreadable, the mediator is signed out, or the person has not agreed to the current protocol
 * agreement. A connection can do nothing more with them; the person needs a new link, to sign in
 * again, or to agree first.
 */
const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  ErrorCode.Unauthorised,
  ErrorCode.LinkExpired,
  ErrorCode.LinkRevoked,
  ErrorCode.LinkInvalid,
  ErrorCode.ConsentRequired,
]);

/**
 * Refusals after which sending the same again cannot help, so a client must not retry: the
 * credential ones, and requests the server will always refuse (not allowed, gone, malformed).
 * Everything else (rate_limited, internal, conflict, not_in_session, a timeout) may pass later.
 */
const FINAL_ERRORS: ReadonlySet<string> = new Set<string>([
  ...CREDENTIAL_ERRORS,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.BadRequest,
  ErrorCode.CaseConcluded,
  ErrorCode.CaseClosed,
]);

export const endsCredentials = (code: string | null): boolean => code !== null && CREDENTIAL_ERRORS.has(code);
export const isFinalError = (code: string | null): boolean => code !== null && FINAL_ERRORS.has(code);

/** What a long-lived connection was opened with: an invitation link, or a mediator's sign-in session. */
export type CredentialKind = 'invite' | 'mediator';

/** The close code that ends a connection whose credentials were refused with `code`. */
export function closeCodeForError(code: ErrorCode, kind: CredentialKind): CloseCode {
  switch (code) {
    case ErrorCode.LinkRevoked:
      return CloseCode.Revoked;
    case ErrorCode.LinkExpired:
      return CloseCode.Expired;
    case ErrorCode.Unauthorised:
      return kind === 'mediator' ? CloseCode.SignedOut : CloseCode.Unauthorised;
    case ErrorCode.ConsentRequired:
      return CloseCode.ConsentChanged;
    case ErrorCode.CaseConcluded:
      return CloseCode.CaseConcluded;
    case ErrorCode.CaseClosed:
      return CloseCode.CaseClosed;
    default:
      return kind === 'mediator' ? CloseCode.Forbidden : CloseCode.Unauthorised;
  }
}

/** The error code that tells a program why a connection was (or would be) closed with `code`; null when no refusal explains it. */
export function errorCodeForClose(code: number): ErrorCode | null {
  switch (code) {
    case CloseCode.Unauthorised:
    case CloseCode.SignedOut:
      return ErrorCode.Unauthorised;
    case CloseCode.Forbidden:
      return ErrorCode.Forbidden;
    case CloseCode.Revoked:
      return ErrorCode.LinkRevoked;
    case CloseCode.Expired:
      return ErrorCode.LinkExpired;
    case CloseCode.ConsentChanged:
    case CloseCode.ConsentWithdrawn:
      return ErrorCode.ConsentRequired;
    case TRY_AGAIN_LATER:
      return ErrorCode.RateLimited;
    case CloseCode.Moved:
      return ErrorCode.Moved;
    case CloseCode.CaseConcluded:
      return ErrorCode.CaseConcluded;
    case CloseCode.CaseClosed:
      return ErrorCode.CaseClosed;
    default:
      return null;
  }
}
