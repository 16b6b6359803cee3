import { httpRoutes, mustSign, renderAgreementHtml, roleLabel, type AgreementStatus, type AgreementVersionView, type Role, type VerifyReport } from '@parley/shared';
import { ApiError, NETWORK_MESSAGE, urlOf } from '../api.ts';
import { capitalise, formatDateTime, listNames } from '../format.ts';

/**
 * Helpers shared by the sign-off screens [3.8.1, 3.8.2]: the verification code, plain-language
 * status, polling while the page is visible, and the two requests that are not JSON (the party's
 * export download and the verify upload).
 */

/** The human-checkable code printed on the export: first 20 hex characters, in groups of four. */
export function verificationCode(textHash: string): string {
  return (textHash.slice(0, 20).match(/.{4}/g) ?? []).join('-');
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "14:05" today, "3 May 2026, 14:05" on another day; always in the viewer's own time zone. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toDateString() === new Date().toDateString() ? timeOnly.format(d) : formatDateTime(iso);
}

const inWords = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });

/**
 * The date in words with the reader's time zone named ("5 December 2026, 15:03 CET", in the
 * reader's own language and order): for the times people sign and rely on.
 */
export function formatWhenWithZone(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : inWords.format(d);
}

/** The agreement as the formatted document it was drafted as (shared renderer; everything escaped). */
export function agreementHtml(text: string, headingOffset: number): { __html: string } {
  return { __html: renderAgreementHtml(text, { headingOffset }) };
}

/** "the draft was edited after it was frozen", from the server's sentence. */
export function reasonPhrase(reason: string | null): string {
  const r = (reason ?? 'the draft changed').trim().replace(/\.$/, '');
  return r.charAt(0).toLowerCase() + r.slice(1);
}

export function waitingFor(v: AgreementStatus): string[] {
  return v.signers.filter((s) => !s.signedAt).map((s) => s.displayName);
}

/** One line for the status of the current version, as the mediator reads it. */
export function statusSentence(v: AgreementVersionView | null): string {
  if (!v) return 'No version frozen yet';
  if (v.status === 'voided') return `Version ${v.version} was withdrawn: ${reasonPhrase(v.voidReason)}`;
  if (v.status === 'signed') return 'Signed by every party';
  const waiting = waitingFor(v);
  return `Version ${v.version} frozen at ${formatWhen(v.frozenAt)} — waiting for: ${waiting.length ? listNames(waiting) : 'nobody'}`;
}

/** "you (signed …), Ben Brown (Party, signed …)": this reader first, as "you"; "Nobody yet" before anyone. */
export function signedSoFar(v: AgreementStatus, selfId: string, when: (iso: string) => string): string {
  const signed = v.signers.filter((s) => s.signedAt);
  const mine = signed.filter((s) => s.participantId === selfId).map((s) => `you (signed ${when(s.signedAt!)})`);
  const others = signed.filter((s) => s.participantId !== selfId).map((s) => `${s.displayName} (${roleLabel[s.role]}, signed ${when(s.signedAt!)})`);
  return listNames([...mine, ...others]) || 'Nobody yet';
}

/** What the button that opens the frozen version says, for this reader and this state. */
export function openLabel(v: AgreementStatus, self: { id: string; role: Role }): string {
  if (v.status === 'signed') return 'Read the signed agreement';
  if (!mustSign(self.role)) return 'Read the version frozen for signature';
  return v.signers.some((s) => s.participantId === self.id && s.signedAt) ? 'Read the agreement you signed' : 'Review and sign the agreement';
}

export interface SessionAgreementNotice {
  tone: 'warning' | 'info' | 'success';
  title: string;
  text: string;
  /** The button's words, when there is something to open. */
  action: string | null;
  /** This reader still has to sign it. */
  mySignatureNeeded: boolean;
}

/**
 * What the live session says about the agreement, on the in-session draft and (while a party has
 * yet to sign) above the videos. `canOpen`: this reader can open the review page here (invitees).
 */
export function sessionAgreementNotice(v: AgreementStatus | null, self: { id: string; role: Role }, canOpen: boolean): SessionAgreementNotice | null {
  if (!v) return null;
  if (v.status === 'voided')
    return {
      tone: 'info',
      title: `Version ${v.version} was withdrawn`,
      text: `${capitalise(reasonPhrase(v.voidReason))}, so it can no longer be signed. The mediator can freeze the new text for signature.`,
      action: null,
      mySignatureNeeded: false,
    };
  const action = canOpen ? openLabel(v, self) : null;
  if (v.status === 'signed')
    return {
      tone: 'success',
      title: `Version ${v.version} is signed by every party`,
      text: 'Changes to this draft do not change the signed agreement.',
      action,
      mySignatureNeeded: false,
    };
  const mine = v.signers.find((s) => s.participantId === self.id);
  const waiting = v.signers.filter((s) => !s.signedAt && s.participantId !== self.id).map((s) => s.displayName);
  const signedAny = v.signers.some((s) => s.signedAt);
  const who = mine?.signedAt ? `You signed it. ${waiting.length ? `Waiting for ${listNames(waiting)}.` : ''}` : waiting.length ? `Waiting for ${listNames(mine ? ['you', ...waiting] : waiting)} to sign.` : '';
  return {
    tone: 'warning',
    title: `Version ${v.version} is waiting for signatures`,
    text: `${who} Editing the draft withdraws it${signedAny ? ', with the signatures already given' : ''}.`.trim(),
    action,
    mySignatureNeeded: !!mine && !mine.signedAt && mustSign(self.role),
  };
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = 'unexpected';
  let message = 'Something went wrong on our side. Please try again in a moment.';
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message;
    if (body.error?.code) code = body.error.code;
  } catch {
    // Not JSON: keep the plain message.
  }
  return new ApiError(code as ApiError['code'], message, res.status);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'include', cache: 'no-store', ...init });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError('network', NETWORK_MESSAGE, 0, undefined, cause);
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

/** The party's copy of the export (Bearer token, so not a plain link), saved through a Blob URL. */
export async function downloadPartyCopy(token: string, version: number): Promise<void> {
  const res = await send(urlOf(httpRoutes.invitationAgreementExport, {}), { headers: { Authorization: `Bearer ${token}` } });
  const blob = new Blob([await res.text()], { type: 'text/html' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `agreement-v${version}.html`;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Sends a downloaded agreement file to the platform's check. */
export async function verifyFile(html: string): Promise<VerifyReport> {
  const res = await send(urlOf(httpRoutes.verifyAgreement, {}), { method: 'POST', headers: { 'Content-Type': 'text/html', Accept: 'application/json' }, body: html });
  return (await res.json()) as VerifyReport;
}
