import {
  httpRoutes,
  type AddPasskeyBody,
  type PasskeySigninBody,
  pathOf,
  type AddParticipantBody,
  type AddCoMediatorBody,
  type BreakdownSettings,
  type CaseTemplateBody,
  type ConcludeBody,
  type ConsentBody,
  type CreateCaseBody,
  type ErrorCode,
  type HttpRoute,
  type InviteMediatorBody,
  type PathParamNames,
  type PathParams,
  type ReopenBody,
  type RouteBody,
  type RouteResult,
  type SignBody,
  type TemplateBody,
  type UpdateMeBody,
  type WaitingRoomBody,
  type WireError,
} from '@parley/shared';

/**
 * Typed access to the HTTP API (docs/protocol.md). JSON in and out; the mediator's cookie travels
 * with `credentials: 'include'`, invitees send their link token as a Bearer header. Any
 * `{ error: { code, message } }` answer becomes a thrown `ApiError`; so does a network failure, with
 * a plain message, so screens can always show `error.message` to a person.
 */

/** Codes of the wire plus two the client produces itself. */
export type ApiErrorCode = ErrorCode | 'network' | 'unexpected';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: WireError['details'];
  constructor(code: ApiErrorCode, message: string, status: number, details?: WireError['details'], cause?: unknown) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export const NETWORK_MESSAGE =
  'We could not reach Parley. Check your internet connection, then try again.';
const UNEXPECTED_MESSAGE = 'Something went wrong on our side. Please try again in a moment.';

interface RequestOptions {
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
}

function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** One HTTP request; callers go through `send` with a route of the table. */
async function call<T>(method: HttpRoute['method'], path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'include',
      cache: 'no-store',
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError('network', NETWORK_MESSAGE, 0, undefined, cause);
  }

  if (res.status === 204) return undefined as T;
  let data: unknown = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (cause) {
      throw new ApiError('unexpected', UNEXPECTED_MESSAGE, res.status, undefined, cause);
    }
  }
  if (!res.ok) {
    const err = (data as { error?: unknown } | null)?.error;
    if (isWireError(err)) throw new ApiError(err.code, err.message, res.status, err.details);
    throw new ApiError(res.status === 401 ? 'unauthorised' : 'unexpected', UNEXPECTED_MESSAGE, res.status);
  }
  return data as T;
}

/** What a call of one route needs: its path parameters, its body, the invitee's token. */
export type RouteRequest<R extends HttpRoute> = ([PathParamNames<R['path']>] extends [never] ? { params?: undefined } : { params: PathParams<R> }) &
  ([RouteBody<R>] extends [never] ? { body?: undefined } : { body: RouteBody<R> }) & { token?: string; signal?: AbortSignal };

/** Calls one route of the table (shared/src/routes.ts): method and path come from it, never spelled here. */
export function send<R extends HttpRoute>(route: R, request: RouteRequest<R>): Promise<RouteResult<R>> {
  const { params, ...options } = request as RequestOptions & { params?: PathParams<R> };
  return call<RouteResult<R>>(route.method, pathOf(route, (params ?? {}) as PathParams<R>), options);
}

/** The address of a route, for a download link (the mediator's cookie goes with it). */
export const urlOf = <R extends HttpRoute>(route: R, params: PathParams<R>): string => pathOf(route, params);

const r = httpRoutes;

export const api = {
  me: (signal?: AbortSignal) => send(r.me, { signal }),
  /** The name the mediator goes by, on new cases and on their existing ones. */
  updateMe: (body: UpdateMeBody) => send(r.updateMe, { body }),
  signin: (token: string) => send(r.signin, { body: { token } }),
  signinMethods: (signal?: AbortSignal) => send(r.signinMethods, { signal }),
  emailSigninLink: (email: string) => send(r.emailSigninLink, { body: { email } }),
  signout: () => send(r.signout, {}),
  listCases: (signal?: AbortSignal) => send(r.listCases, { signal }),
  createCase: (body: CreateCaseBody) => send(r.createCase, { body }),
  getCase: (caseId: string, signal?: AbortSignal) => send(r.getCase, { params: { caseId }, signal }),
  revokeLink: (caseId: string, participantId: string) => send(r.revokeLink, { params: { caseId, pid: participantId } }),
  /** Takes the person off the case: link dead, connections closed, recorded. */
  removeParticipant: (caseId: string, participantId: string) => send(r.removeParticipant, { params: { caseId, pid: participantId } }),
  /** One more person on an existing case, e.g. an assessor [3.6.10]. */
  addParticipant: (caseId: string, body: AddParticipantBody) => send(r.addParticipant, { params: { caseId }, body }),
  /** The platform's other mediators, whom the lead can ask to co-mediate [3.6.10]. */
  listColleagues: (signal?: AbortSignal) => send(r.listColleagues, { signal }),
  addCoMediator: (caseId: string, body: AddCoMediatorBody) => send(r.addCoMediator, { params: { caseId }, body }),
  removeCoMediator: (caseId: string, participantId: string) => send(r.removeCoMediator, { params: { caseId, pid: participantId } }),
  reissueLink: (caseId: string, participantId: string) => send(r.reissueLink, { params: { caseId, pid: participantId } }),
  /** The case's breakdown procedure; rewrites the agreement clause. */
  setBreakdown: (caseId: string, body: BreakdownSettings) => send(r.setBreakdown, { params: { caseId }, body }),
  /** Whether parties and advisors wait to be let in; applies at once to a live session. */
  setWaitingRoom: (caseId: string, body: WaitingRoomBody) => send(r.setWaitingRoom, { params: { caseId }, body }),
  // The end of a case [issue 15]: conclude (the session and the drafts end), reopen, archive.
  concludeCase: (caseId: string, body: ConcludeBody) => send(r.concludeCase, { params: { caseId }, body }),
  reopenCase: (caseId: string, body: ReopenBody) => send(r.reopenCase, { params: { caseId }, body }),
  archiveCase: (caseId: string) => send(r.archiveCase, { params: { caseId } }),
  invitation: (token: string, signal?: AbortSignal) => send(r.invitation, { token, signal }),
  consent: (token: string, body: ConsentBody) => send(r.consent, { token, body }),
  // Instead of agreeing, or after [3.6.8]: the mediator sees each answer on the case page.
  declineConsent: (token: string, reason: string) => send(r.declineConsent, { token, body: reason ? { reason } : {} }),
  askQuestion: (token: string, question: string) => send(r.askQuestion, { token, body: { question } }),
  withdrawConsent: (token: string, reason: string) => send(r.withdrawConsent, { token, body: reason ? { reason } : {} }),
  markAnswered: (caseId: string, answerId: string) => send(r.markAnswered, { params: { caseId, answerId } }),
  // Protocol agreement templates [3.5, 3.6.8, 3.6.12, 3.6.14]: each save is a new version.
  listTemplates: (signal?: AbortSignal) => send(r.listTemplates, { signal }),
  createTemplate: (body: TemplateBody) => send(r.createTemplate, { body }),
  getTemplate: (templateId: string, signal?: AbortSignal) => send(r.getTemplate, { params: { templateId }, signal }),
  saveTemplate: (templateId: string, body: TemplateBody) => send(r.saveTemplate, { params: { templateId }, body }),
  setCaseTemplate: (caseId: string, body: CaseTemplateBody) => send(r.setCaseTemplate, { params: { caseId }, body }),
  // Sign-off of the agreement [3.8.1, 3.8.2]: the mediator freezes, the parties sign.
  caseAgreement: (caseId: string, signal?: AbortSignal) => send(r.caseAgreement, { params: { caseId }, signal }),
  freezeAgreement: (caseId: string) => send(r.freezeAgreement, { params: { caseId } }),
  /** Not fetched: used as a download link's address (the mediator's cookie goes with it). */
  caseAgreementExportUrl: (caseId: string) => urlOf(r.caseAgreementExport, { caseId }),
  invitationAgreement: (token: string, signal?: AbortSignal) => send(r.invitationAgreement, { token, signal }),
  signAgreement: (token: string, body: SignBody) => send(r.signAgreement, { token, body }),
  agreementPublicKey: (signal?: AbortSignal) => send(r.agreementPublicKey, { signal }),
  // The tamper-evident session record [3.6.13, 3.7.17]: read, download, and check an exported file.
  caseRecord: (caseId: string, signal?: AbortSignal) => send(r.caseRecord, { params: { caseId }, signal }),
  /** Not fetched: used as a download link's address (the mediator's cookie goes with it). */
  caseRecordExportUrl: (caseId: string) => urlOf(r.caseRecordExport, { caseId }),
  verifyRecord: (exported: unknown) => send(r.verifyRecord, { body: exported }),
  // Passkeys [issue 13]: each ceremony's options, then the authenticator's answer to that attempt.
  listPasskeys: (signal?: AbortSignal) => send(r.listPasskeys, { signal }),
  passkeyRegistrationOptions: () => send(r.passkeyRegistrationOptions, {}),
  addPasskey: (body: AddPasskeyBody) => send(r.addPasskey, { body }),
  removePasskey: (passkeyId: string) => send(r.removePasskey, { params: { passkeyId } }),
  passkeySigninOptions: () => send(r.passkeySigninOptions, {}),
  passkeySignin: (body: PasskeySigninBody) => send(r.passkeySignin, { body }),
  // Mediator accounts [issue 13]: the administrator's page, and the invitee's link.
  listMediators: (signal?: AbortSignal) => send(r.listMediators, { signal }),
  inviteMediator: (body: InviteMediatorBody) => send(r.inviteMediator, { body }),
  withdrawMediatorInvitation: (invitationId: string) => send(r.withdrawMediatorInvitation, { params: { invitationId } }),
  deactivateMediator: (mediatorId: string) => send(r.deactivateMediator, { params: { mediatorId } }),
  reactivateMediator: (mediatorId: string) => send(r.reactivateMediator, { params: { mediatorId } }),
  mediatorSigninLink: (mediatorId: string) => send(r.mediatorSigninLink, { params: { mediatorId } }),
  mediatorInvitation: (token: string, signal?: AbortSignal) => send(r.mediatorInvitation, { body: { token }, signal }),
  acceptMediatorInvitation: (token: string, displayName: string) => send(r.acceptMediatorInvitation, { body: { token, displayName } }),
};

/** A message safe to show a person, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return UNEXPECTED_MESSAGE;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * Fetches a file route with the Bearer token and hands it to the browser as a download: the token
 * must never go into a URL the server (or a proxy's log) sees.
 */
export async function saveWithToken<R extends HttpRoute>(route: R, params: PathParams<R>, token: string, filename: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(urlOf(route, params), { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (cause) {
    throw new ApiError('network', NETWORK_MESSAGE, 0, undefined, cause);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError((body?.error?.code as never) ?? 'unexpected', body?.error?.message ?? 'We could not prepare the file. Please try again.', res.status);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
