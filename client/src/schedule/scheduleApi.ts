import { httpRoutes, type MyTimeZoneBody, type ParticipantTimeZoneBody, type ScheduleBody } from '@parley/shared';
import { saveWithToken, send, urlOf } from '../api.ts';

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


/** The zone this browser is set to, if the runtime says one we accept (it may say nothing useful). */
export function browserTimeZone(): string | null {
  try {
    const z = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return z && z.includes('/') ? z : z === 'UTC' ? 'UTC' : null;
  } catch {
    return null;
  }
}
