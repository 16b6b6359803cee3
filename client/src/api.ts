import type {
  AddParticipantBody,
  AgreementVersionView,
  CaseDetail,
  CaseSummary,
  ConsentBody,
  CreateCaseBody,
  ErrorCode,
  InvitationView,
  Me,
  RecordEntry,
  RecordVerifyReport,
  SignBody,
  UpdateMeBody,
  WireError,
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

/** Exported for feature modules with their own endpoints (e.g. assessment/assessmentApi.ts). */
export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
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

const enc = encodeURIComponent;

export const api = {
  me: (signal?: AbortSignal) => call<Me>('GET', '/api/me', { signal }),
  /** The name the mediator goes by, on new cases and on their existing ones. */
  updateMe: (body: UpdateMeBody) => call<Me>('PUT', '/api/me', { body }),
  signin: (token: string) => call<Me>('POST', '/api/auth/signin', { body: { token } }),
  signout: () => call<void>('POST', '/api/auth/signout'),
  listCases: (signal?: AbortSignal) => call<{ cases: CaseSummary[] }>('GET', '/api/cases', { signal }),
  createCase: (body: CreateCaseBody) => call<CaseDetail>('POST', '/api/cases', { body }),
  getCase: (caseId: string, signal?: AbortSignal) => call<CaseDetail>('GET', `/api/cases/${enc(caseId)}`, { signal }),
  revokeLink: (caseId: string, participantId: string) =>
    call<CaseDetail>('POST', `/api/cases/${enc(caseId)}/participants/${enc(participantId)}/revoke`),
  /** One more person on an existing case, e.g. an assessor [3.6.10]. */
  addParticipant: (caseId: string, body: AddParticipantBody) => call<CaseDetail>('POST', `/api/cases/${enc(caseId)}/participants`, { body }),
  reissueLink: (caseId: string, participantId: string) =>
    call<CaseDetail>('POST', `/api/cases/${enc(caseId)}/participants/${enc(participantId)}/reissue`),
  invitation: (token: string, signal?: AbortSignal) => call<InvitationView>('GET', '/api/invitation', { token, signal }),
  consent: (token: string, body: ConsentBody) => call<InvitationView>('POST', '/api/invitation/consent', { token, body }),
  // Sign-off of the agreement [3.8.1, 3.8.2]: the mediator freezes, the parties sign.
  caseAgreement: (caseId: string, signal?: AbortSignal) =>
    call<{ current: AgreementVersionView | null }>('GET', `/api/cases/${enc(caseId)}/agreement`, { signal }),
  freezeAgreement: (caseId: string) => call<{ current: AgreementVersionView }>('POST', `/api/cases/${enc(caseId)}/agreement/freeze`),
  invitationAgreement: (token: string, signal?: AbortSignal) =>
    call<{ current: AgreementVersionView | null }>('GET', '/api/invitation/agreement', { token, signal }),
  signAgreement: (token: string, body: SignBody) => call<{ current: AgreementVersionView }>('POST', '/api/invitation/agreement/sign', { token, body }),
  agreementPublicKey: (signal?: AbortSignal) => call<{ publicKey: string; fingerprint: string }>('GET', '/api/agreement/public-key', { signal }),
  // The tamper-evident session record [3.6.13, 3.7.17]: read, download, and check an exported file.
  caseRecord: (caseId: string, signal?: AbortSignal) =>
    call<{ entries: RecordEntry[]; verification: RecordVerifyReport }>('GET', `/api/cases/${enc(caseId)}/record`, { signal }),
  /** Not fetched: used as a download link's address (the mediator's cookie goes with it). */
  caseRecordExportUrl: (caseId: string) => `/api/cases/${enc(caseId)}/record/export`,
  verifyRecord: (exported: unknown) => call<RecordVerifyReport>('POST', '/api/record/verify', { body: exported }),
};

/** A message safe to show a person, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return UNEXPECTED_MESSAGE;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
