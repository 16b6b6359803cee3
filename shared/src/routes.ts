import type { z } from 'zod';
import { AddParticipantBody, BreakdownSettingsBody, ConsentBody, CreateCaseBody, DeclineBody, QuestionBody, SigninBody, UpdateMeBody, WaitingRoomBody, WithdrawConsentBody, type Health, type InvitationView, type Readiness, type Me } from './http.ts';
import type { CaseDetail, CaseSummary } from './domain.ts';
import { SignBody, type AgreementVersionView, type VerifyReport } from './signoff.ts';
import type { RecordEntry, RecordVerifyReport } from './record.ts';
import { EditNoteBody, NewNoteBody, ReleaseBody, SetRatingBody, type AssessmentNote, type AssessmentView, type ReleasedAssessments, type Scorecard } from './assessment.ts';
import type { DraftAccessAnswer } from './draft.ts';
import { AcceptMediatorInvitationBody, EmailSigninBody, InviteMediatorBody, MediatorInvitationBody, type MediatorInvitationCreated, type MediatorInvitationView, type MediatorList, type SigninLinkCreated, type SigninMethods } from './accounts.ts';
import { MyTimeZoneBody, ParticipantTimeZoneBody, ScheduleBody, type CaseSchedule, type InviteeSchedule } from './schedule.ts';
import { MyMailBody, ParticipantEmailBody, UnsubscribeBody, type CaseMail, type MyMail } from './mail.ts';
import { CaseTemplateBody, TemplateBody, type TemplateDetail, type TemplateList } from './templates.ts';
import { AddCoMediatorBody, type ColleagueList } from './co-mediators.ts';
import { AddPasskeyBody, PasskeySigninBody, type PasskeyAttempt, type PasskeyList } from './passkeys.ts';
import { ConcludeBody, ReopenBody, type CaseUse } from './lifecycle.ts';
import type { PersonalDataExport } from './personal-data.ts';

/**
 * Every HTTP route of the API, once: method, path, who may call it, body schema and answer. The
 * server mounts its routes from this table (server/src/http/mount.ts; the "who" column is enforced
 * by server/src/auth/AccessGate.ts), the client builds its requests from it (client/src/api.ts),
 * and docs/protocol.md's HTTP table is tested against it.
 */

/**
 * Who may call a route.
 * - `public`: anyone (the public ones that take effort are rate-limited per address).
 * - `mediator`: a signed-in mediator (session cookie) of an active account.
 * - `admin`: a signed-in mediator who administers the platform (the first account): the accounts.
 * - `invitee`: a valid invitation link (Bearer token), before or after consent: the invitation
 *   itself, the consent step, and the assessor's own scorecard.
 * - `consented-invitee`: a valid link whose holder agreed to the current protocol agreement: case
 *   content (IMI 3.6.8).
 * - `draft-holder`: a mediator or an invitee, decided per document as for the draft connection.
 * - `metrics-scraper`: the operator's monitoring, with the Bearer token of PARLEY_METRICS_TOKEN;
 *   without that setting the route does not exist (404).
 */
export type Audience = 'public' | 'mediator' | 'admin' | 'invitee' | 'consented-invitee' | 'draft-holder' | 'metrics-scraper';

/** How docs/protocol.md names each audience in its "who" column. */
export const audienceLabel: Record<Audience, string> = {
  public: 'anyone',
  mediator: 'mediator',
  admin: 'administrator (mediator)',
  invitee: 'invitee (Bearer)',
  'consented-invitee': 'consented invitee (Bearer)',
  'draft-holder': 'invitee (Bearer) or mediator',
  'metrics-scraper': 'metrics scraper (Bearer metrics token)',
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What a route answers: JSON of type T, nothing (204), a file (HTML page or download) that the
 * browser opens or saves, or plain text for a program (the Prometheus exposition format). `T`
 * exists only for the type checker.
 */
export interface Answer<T> {
  readonly kind: 'json' | 'empty' | 'file' | 'text';
  readonly status: number;
  readonly __type?: T;
}
const json = <T>(status = 200): Answer<T> => ({ kind: 'json', status });
const empty: Answer<void> = { kind: 'empty', status: 204 };
const file: Answer<Blob> = { kind: 'file', status: 200 };
const text: Answer<string> = { kind: 'text', status: 200 };

/**
 * A route's body: a zod schema (parsed by the handler with `parseBody`), none, or an uploaded file
 * the verify endpoints read themselves (HTML text, or any JSON value).
 */
export type BodySpec = z.ZodType | null | 'html-upload' | 'json-upload';

export interface HttpRoute<M extends HttpMethod = HttpMethod, P extends string = string, W extends Audience = Audience, B extends BodySpec = BodySpec, A extends Answer<unknown> = Answer<unknown>> {
  readonly method: M;
  readonly path: P;
  readonly who: W;
  readonly body: B;
  readonly answer: A;
  /** What it does with its case when that is not what its method says (see `caseUseOf`). */
  readonly use?: CaseUse;
}

const route = <M extends HttpMethod, P extends string, W extends Audience, B extends BodySpec, A extends Answer<unknown>>(
  method: M,
  path: P,
  who: W,
  body: B,
  answer: A,
  use?: CaseUse,
): HttpRoute<M, P, W, B, A> => ({ method, path, who, body, answer, ...(use ? { use } : {}) });

/**
 * What a route does with its case, for the rule of each case state (`caseAllows`, enforced by
 * the AccessGate before any handler): a route about one case (a mediator's `:caseId`, an invitee's
 * link) reads it when it is a GET and changes it otherwise, unless the table says more; the
 * others are about no one case. Draft documents are decided per document (AccessGate.draft).
 */
export function caseUseOf(r: HttpRoute): CaseUse {
  if (r.use) return r.use;
  const aboutACase = r.path.includes(':caseId') || r.who === 'invitee' || r.who === 'consented-invitee';
  if (!aboutACase) return 'none';
  return r.method === 'GET' ? 'read' : 'change';
}

type Current = { current: AgreementVersionView | null };

export const httpRoutes = {
  // Liveness (the process answers) and readiness (it can serve a mediation now: 200, else 503 with the same body).
  health: route('GET', '/api/health', 'public', null, json<Health>()),
  ready: route('GET', '/api/ready', 'public', null, json<Readiness>()),
  metrics: route('GET', '/metrics', 'metrics-scraper', null, text),
  signin: route('POST', '/api/auth/signin', 'public', SigninBody, json<Me>()),
  // The fallback to a passkey: a one-time link mailed to the account's own address. The answer is the
  // same whether or not an account has that address (nobody learns who has an account here).
  signinMethods: route('GET', '/api/auth/methods', 'public', null, json<SigninMethods>()),
  emailSigninLink: route('POST', '/api/auth/email-link', 'public', EmailSigninBody, empty),
  // Anyone: it ends the session named by the cookie, if there is one.
  signout: route('POST', '/api/auth/signout', 'public', null, empty),
  me: route('GET', '/api/me', 'mediator', null, json<Me>()),
  updateMe: route('PUT', '/api/me', 'mediator', UpdateMeBody, json<Me>()),

  // Mediator accounts [issue 13]: the administrator invites mediators with one-time links (only
  // their hash is stored) and deactivates accounts; the invitee reads and accepts their link.
  listMediators: route('GET', '/api/mediators', 'admin', null, json<MediatorList>()),
  inviteMediator: route('POST', '/api/mediators/invitations', 'admin', InviteMediatorBody, json<MediatorInvitationCreated>(201)),
  withdrawMediatorInvitation: route('POST', '/api/mediators/invitations/:invitationId/withdraw', 'admin', null, json<MediatorList>()),
  deactivateMediator: route('POST', '/api/mediators/:mediatorId/deactivate', 'admin', null, json<MediatorList>()),
  reactivateMediator: route('POST', '/api/mediators/:mediatorId/reactivate', 'admin', null, json<MediatorList>()),
  mediatorSigninLink: route('POST', '/api/mediators/:mediatorId/signin-link', 'admin', null, json<SigninLinkCreated>(201)),
  mediatorInvitation: route('POST', '/api/mediator-invitation', 'public', MediatorInvitationBody, json<MediatorInvitationView>()),
  acceptMediatorInvitation: route('POST', '/api/mediator-invitation/accept', 'public', AcceptMediatorInvitationBody, json<Me>()),

  listCases: route('GET', '/api/cases', 'mediator', null, json<{ cases: CaseSummary[] }>()),
  createCase: route('POST', '/api/cases', 'mediator', CreateCaseBody, json<CaseDetail>(201)),
  getCase: route('GET', '/api/cases/:caseId', 'mediator', null, json<CaseDetail>()),
  setBreakdown: route('PUT', '/api/cases/:caseId/breakdown', 'mediator', BreakdownSettingsBody, json<CaseDetail>()),
  setWaitingRoom: route('PUT', '/api/cases/:caseId/waiting-room', 'mediator', WaitingRoomBody, json<CaseDetail>()),
  addParticipant: route('POST', '/api/cases/:caseId/participants', 'mediator', AddParticipantBody, json<CaseDetail>(201)),
  removeParticipant: route('DELETE', '/api/cases/:caseId/participants/:pid', 'mediator', null, json<CaseDetail>()),
  setCaseTemplate: route('PUT', '/api/cases/:caseId/template', 'mediator', CaseTemplateBody, json<CaseDetail>()),
  markAnswered: route('POST', '/api/cases/:caseId/consent-answers/:answerId/answered', 'mediator', null, json<CaseDetail>()),
  // Co-mediation [issue 13; 3.6.10, 3.6.14]: only the lead adds or removes a co-mediator (CaseService).
  listColleagues: route('GET', '/api/colleagues', 'mediator', null, json<ColleagueList>()),
  addCoMediator: route('POST', '/api/cases/:caseId/co-mediators', 'mediator', AddCoMediatorBody, json<CaseDetail>(201)),
  removeCoMediator: route('DELETE', '/api/cases/:caseId/co-mediators/:pid', 'mediator', null, json<CaseDetail>()),
  revokeLink: route('POST', '/api/cases/:caseId/participants/:pid/revoke', 'mediator', null, json<CaseDetail>()),
  reissueLink: route('POST', '/api/cases/:caseId/participants/:pid/reissue', 'mediator', null, json<CaseDetail>()),
  // The end of a case [issue 15]: concluded (read-only, parties read until their access ends),
  // reopened (recorded, with a reason), archived (the mediators' only).
  concludeCase: route('POST', '/api/cases/:caseId/conclude', 'mediator', ConcludeBody, json<CaseDetail>(), 'lifecycle'),
  reopenCase: route('POST', '/api/cases/:caseId/reopen', 'mediator', ReopenBody, json<CaseDetail>(), 'lifecycle'),
  archiveCase: route('POST', '/api/cases/:caseId/archive', 'mediator', null, json<CaseDetail>(), 'lifecycle'),

  // The mediator's protocol agreement templates: each save is a new version [3.5, 3.6.8, 3.6.12, 3.6.14].
  listTemplates: route('GET', '/api/templates', 'mediator', null, json<TemplateList>()),
  createTemplate: route('POST', '/api/templates', 'mediator', TemplateBody, json<TemplateDetail>(201)),
  getTemplate: route('GET', '/api/templates/:templateId', 'mediator', null, json<TemplateDetail>()),
  saveTemplate: route('PUT', '/api/templates/:templateId', 'mediator', TemplateBody, json<TemplateDetail>()),

  invitation: route('GET', '/api/invitation', 'invitee', null, json<InvitationView>(), 'own'),
  consent: route('POST', '/api/invitation/consent', 'invitee', ConsentBody, json<InvitationView>()),
  // Instead of agreeing, or after: the mediator sees each answer on the case page.
  declineConsent: route('POST', '/api/invitation/consent/decline', 'invitee', DeclineBody, json<InvitationView>()),
  askQuestion: route('POST', '/api/invitation/consent/question', 'invitee', QuestionBody, json<InvitationView>()),
  withdrawConsent: route('POST', '/api/invitation/consent/withdraw', 'invitee', WithdrawConsentBody, json<InvitationView>(), 'own'),

  caseAgreement: route('GET', '/api/cases/:caseId/agreement', 'mediator', null, json<Current>()),
  freezeAgreement: route('POST', '/api/cases/:caseId/agreement/freeze', 'mediator', null, json<{ current: AgreementVersionView }>()),
  caseAgreementExport: route('GET', '/api/cases/:caseId/agreement/export', 'mediator', null, file),
  invitationAgreement: route('GET', '/api/invitation/agreement', 'consented-invitee', null, json<Current>()),
  signAgreement: route('POST', '/api/invitation/agreement/sign', 'consented-invitee', SignBody, json<{ current: AgreementVersionView }>()),
  invitationAgreementExport: route('GET', '/api/invitation/agreement/export', 'consented-invitee', null, file),
  agreementPublicKey: route('GET', '/api/agreement/public-key', 'public', null, json<{ publicKey: string; fingerprint: string }>()),
  verifyAgreement: route('POST', '/api/agreement/verify', 'public', 'html-upload', json<VerifyReport>()),

  caseRecord: route('GET', '/api/cases/:caseId/record', 'mediator', null, json<{ entries: RecordEntry[]; verification: RecordVerifyReport }>()),
  caseRecordExport: route('GET', '/api/cases/:caseId/record/export', 'mediator', null, file),
  verifyRecord: route('POST', '/api/record/verify', 'public', 'json-upload', json<RecordVerifyReport>()),

  // The assessor's scorecard: the role is checked by AssessmentService (parties and advisors are
  // refused). Only a new note needs a current consent: it links to session events; the assessor's
  // own earlier work stays reachable after the agreement changes.
  // An assessor finishes the appraisal after the case concluded ('assess').
  assessment: route('GET', '/api/invitation/assessment', 'invitee', null, json<AssessmentView>(), 'assess'),
  rate: route('PUT', '/api/invitation/assessment/rating', 'invitee', SetRatingBody, json<Scorecard>(), 'assess'),
  addNote: route('POST', '/api/invitation/assessment/notes', 'consented-invitee', NewNoteBody, json<AssessmentNote>(201), 'assess'),
  editNote: route('PATCH', '/api/invitation/assessment/notes/:noteId', 'invitee', EditNoteBody, json<AssessmentNote>(), 'assess'),
  deleteNote: route('DELETE', '/api/invitation/assessment/notes/:noteId', 'invitee', null, empty, 'assess'),
  release: route('POST', '/api/invitation/assessment/release', 'invitee', ReleaseBody, json<Scorecard>(), 'assess'),
  assessmentReport: route('GET', '/api/invitation/assessment/report', 'invitee', null, file, 'assess'),
  assessmentExport: route('GET', '/api/invitation/assessment/export', 'invitee', null, file, 'assess'),
  releasedAssessments: route('GET', '/api/cases/:caseId/assessment', 'mediator', null, json<ReleasedAssessments>()),
  releasedAssessmentReport: route('GET', '/api/cases/:caseId/assessment/report', 'mediator', null, file),

  // Scheduling across time zones [issue 13; 2.8]. The time of the next session is needed before
  // consent (to plan the day), so the invitee's schedule needs only a valid link; the mediator's
  // note is case content and reaches an invitee only with a current consent. The calendar files
  // are downloads (a Bearer token never goes into a URL).
  caseSchedule: route('GET', '/api/cases/:caseId/schedule', 'mediator', null, json<CaseSchedule>()),
  scheduleSession: route('POST', '/api/cases/:caseId/schedule', 'mediator', ScheduleBody, json<CaseSchedule>(201)),
  rescheduleSession: route('PUT', '/api/cases/:caseId/schedule/:sessionId', 'mediator', ScheduleBody, json<CaseSchedule>()),
  cancelSession: route('POST', '/api/cases/:caseId/schedule/:sessionId/cancel', 'mediator', null, json<CaseSchedule>()),
  caseCalendar: route('GET', '/api/cases/:caseId/schedule/calendar', 'mediator', null, file),
  sessionCalendar: route('GET', '/api/cases/:caseId/schedule/:sessionId/calendar', 'mediator', null, file),
  setParticipantTimeZone: route('PUT', '/api/cases/:caseId/participants/:pid/time-zone', 'mediator', ParticipantTimeZoneBody, json<CaseSchedule>()),
  invitationSchedule: route('GET', '/api/invitation/schedule', 'invitee', null, json<InviteeSchedule>()),
  setMyTimeZone: route('PUT', '/api/invitation/time-zone', 'invitee', MyTimeZoneBody, json<InviteeSchedule>(), 'own'),
  invitationCalendar: route('GET', '/api/invitation/schedule/calendar', 'invitee', null, file),
  invitationSessionCalendar: route('GET', '/api/invitation/schedule/:sessionId/calendar', 'invitee', null, file),

  // E-mail notifications [issue 13]: addresses, the person's own opt-out, and unsubscribe links
  // (the token travels in the body: a mail scanner that opens the link changes nothing).
  caseMail: route('GET', '/api/cases/:caseId/mail', 'mediator', null, json<CaseMail>()),
  setParticipantEmail: route('PUT', '/api/cases/:caseId/participants/:pid/email', 'mediator', ParticipantEmailBody, json<CaseMail>()),
  invitationMail: route('GET', '/api/invitation/mail', 'invitee', null, json<MyMail>(), 'own'),
  // What the platform holds about the person [issue 15; 2.9]: JSON, and a printable page.
  myData: route('GET', '/api/invitation/my-data', 'invitee', null, json<PersonalDataExport>(), 'own'),
  myDataExport: route('GET', '/api/invitation/my-data/export', 'invitee', null, file, 'own'),
  setMyMail: route('PUT', '/api/invitation/mail', 'invitee', MyMailBody, json<MyMail>(), 'own'),
  unsubscribe: route('POST', '/api/mail/unsubscribe', 'public', UnsubscribeBody, empty),

  draftAccess: route('GET', '/api/drafts/:docName/access', 'draft-holder', null, json<DraftAccessAnswer>()),

  // Passkeys [issue 13]: the mediator adds them while signed in, then signs in with one instead of
  // the one-time link (which stays as the fallback). Each ceremony starts with options bound to a
  // server-side attempt, answered once within PASSKEY_ATTEMPT_TTL_MS.
  listPasskeys: route('GET', '/api/me/passkeys', 'mediator', null, json<PasskeyList>()),
  passkeyRegistrationOptions: route('POST', '/api/me/passkeys/options', 'mediator', null, json<PasskeyAttempt>()),
  addPasskey: route('POST', '/api/me/passkeys', 'mediator', AddPasskeyBody, json<PasskeyList>(201)),
  removePasskey: route('DELETE', '/api/me/passkeys/:passkeyId', 'mediator', null, json<PasskeyList>()),
  passkeySigninOptions: route('POST', '/api/auth/passkey/options', 'public', null, json<PasskeyAttempt>()),
  passkeySignin: route('POST', '/api/auth/passkey', 'public', PasskeySigninBody, json<Me>()),
} as const;

export type HttpRoutes = typeof httpRoutes;
export type HttpRouteName = keyof HttpRoutes;

/** The `:name` parameters of a path, e.g. 'caseId' | 'pid'. */
export type PathParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}` ? N | PathParamNames<`/${Rest}`> : P extends `${string}:${infer N}` ? N : never;
export type PathParams<R extends HttpRoute> = { [K in PathParamNames<R['path']>]: string };

/** What the client sends as the body of a route. */
export type RouteBody<R extends HttpRoute> = R['body'] extends z.ZodType ? z.input<R['body']> : R['body'] extends 'html-upload' ? string : R['body'] extends 'json-upload' ? unknown : never;
/** What a route answers with (JSON type, void for 204, Blob for a file). */
export type RouteResult<R extends HttpRoute> = R['answer'] extends Answer<infer T> ? T : never;

/** The concrete path of a route: each `:name` replaced by its URI-encoded value. */
export function pathOf<R extends HttpRoute>(r: R, params: PathParams<R>): string {
  return r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = (params as Record<string, string | undefined>)[name];
    if (v === undefined) throw new Error(`${r.method} ${r.path}: no value for :${name}`);
    return encodeURIComponent(v);
  });
}
