/**
 * Errors that cross the wire. Every refusal carries a stable `code` (for programs and tests) and a
 * plain-language `message` (for people). Never a stack trace: the cause stays in server logs.
 */
export const ErrorCode = {
  BadRequest: 'bad_request',
  Unauthorised: 'unauthorised',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  ConsentRequired: 'consent_required',
  Conflict: 'conflict',
  UnknownEvent: 'unknown_event',
  PayloadTooLarge: 'payload_too_large',
  RateLimited: 'rate_limited',
  LinkExpired: 'link_expired',
  LinkRevoked: 'link_revoked',
  LinkInvalid: 'link_invalid',
  NotInSession: 'not_in_session',
  /** Another node runs this case's live session: connect there (`WireError.moveTo`). Several nodes only. */
  Moved: 'moved',
  /** The mediator concluded the case: nothing in it changes and nobody meets in it until they reopen it. */
  CaseConcluded: 'case_concluded',
  /** The case is archived or erased, or the time to read it after it concluded is over. */
  CaseClosed: 'case_closed',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface WireError {
  code: ErrorCode;
  message: string;
  /** Which field failed validation, when that helps a client show the right state. */
  details?: { path: string; message: string }[];
  /** With `moved`: the address of the node that runs the case, for the client to connect to instead. */
  moveTo?: string;
}

export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly details?: WireError['details'];
  readonly moveTo?: string;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: WireError['details']; moveTo?: string }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ParleyError';
    this.code = code;
    this.details = options?.details;
    if (options?.moveTo !== undefined) this.moveTo = options.moveTo;
  }
  toWire(): WireError {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.moveTo !== undefined ? { moveTo: this.moveTo } : {}),
    };
  }
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
export const fail = (error: WireError): Ack<never> => ({ ok: false, error });

/** HTTP status for each error code, so the API and the socket tell the same story. */
export const httpStatusFor: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorised: 401,
  forbidden: 403,
  not_found: 404,
  consent_required: 403,
  conflict: 409,
  unknown_event: 400,
  payload_too_large: 413,
  rate_limited: 429,
  link_expired: 401,
  link_revoked: 401,
  link_invalid: 401,
  not_in_session: 409,
  moved: 307,
  case_concluded: 409,
  case_closed: 410,
  internal: 500,
};
