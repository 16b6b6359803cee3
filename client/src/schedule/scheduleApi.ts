import { httpRoutes, type HttpRoute, type MyTimeZoneBody, type ParticipantTimeZoneBody, type PathParams, type ScheduleBody } from '@parley/shared';
import { ApiError, NETWORK_MESSAGE, send, urlOf } from '../api.ts';

/** Scheduling across time zones (server/src/schedule/routes.ts): the mediator's calls and the invitee's. */
const r = httpRoutes;

type Body = Omit<ScheduleBody, 'side' | 'note'> & Partial<Pick<ScheduleBody, 'side' | 'note'>>;

export const scheduleApi = {
  forCase: (caseId: string, signal?: AbortSignal) => send(r.caseSchedule, { params: { caseId }, signal }),
  add: (caseId: string, body: Body) => send(r.scheduleSession, { params: { caseId }, body }),
  reschedule: (caseId: string, sessionId: string, body: Body) => send(r.rescheduleSession, { params: { caseId, sessionId }, body }),
  cancel: (caseId: string, sessionId: string) => send(r.cancelSession, { params: { caseId, sessionId } }),
  setZone: (caseId: string, participantId: string, body: ParticipantTimeZoneBody) => send(r.setParticipantTimeZone, { params: { caseId, pid: participantId }, body }),
  /** Not fetched: download links' addresses (the mediator's cookie goes with them). */
  caseCalendarUrl: (caseId: string) => urlOf(r.caseCalendar, { caseId }),
  sessionCalendarUrl: (caseId: string, sessionId: string) => urlOf(r.sessionCalendar, { caseId, sessionId }),

  mine: (token: string, signal?: AbortSignal) => send(r.invitationSchedule, { token, signal }),
  reportZone: (token: string, body: MyTimeZoneBody) => send(r.setMyTimeZone, { token, body }),
  /** The invitee's calendar files need the Bearer token, which a plain link cannot send. */
  downloadMine: (token: string, sessionId: string | null, filename: string) =>
    sessionId ? saveWithToken(r.invitationSessionCalendar, { sessionId }, token, filename) : saveWithToken(r.invitationCalendar, {}, token, filename),
};

/**
 * Fetches a file route with the Bearer token and hands it to the browser as a download: the token
 * must never go into a URL the server (or a proxy's log) sees.
 */
async function saveWithToken<R extends HttpRoute>(route: R, params: PathParams<R>, token: string, filename: string): Promise<void> {
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

/** The zone this browser is set to, if the runtime says one we accept (it may say nothing useful). */
export function browserTimeZone(): string | null {
  try {
    const z = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return z && z.includes('/') ? z : z === 'UTC' ? 'UTC' : null;
  } catch {
    return null;
  }
}
