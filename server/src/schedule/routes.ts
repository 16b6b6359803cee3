import type express from 'express';
import { ErrorCode, httpRoutes as r, ParleyError, type ScheduledSession } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import { calendarFile } from './calendar.ts';
import type { Schedule } from './Schedule.ts';

/**
 * Scheduling over HTTP [issue 13; 2.8]: the mediator sets, moves and cancels sessions and corrects
 * people's zones; an invitee reads what concerns them and tells the zone of their browser. Both
 * download calendar files: the whole case, or one session.
 */
export function mountScheduleRoutes(mount: Mount, d: { schedule: Schedule; logger: Logger }): void {
  const s = d.schedule;

  mount(r.caseSchedule, async (_req, _res, { caller, param, reply }) => {
    reply(await s.forMediator(caller.mediatorId, param('caseId')));
  });
  mount(r.scheduleSession, async (_req, _res, { caller, body, param, reply }) => {
    const { schedule, session } = await s.add(caller.mediatorId, param('caseId'), body());
    d.logger.info({ caseId: param('caseId'), sessionId: session.id, purpose: session.purpose }, 'session scheduled');
    reply(schedule);
  });
  mount(r.rescheduleSession, async (_req, _res, { caller, body, param, reply }) => {
    const schedule = await s.reschedule(caller.mediatorId, param('caseId'), param('sessionId'), body());
    d.logger.info({ caseId: param('caseId'), sessionId: param('sessionId') }, 'session rescheduled');
    reply(schedule);
  });
  mount(r.cancelSession, async (_req, _res, { caller, param, reply }) => {
    const schedule = await s.cancel(caller.mediatorId, param('caseId'), param('sessionId'));
    d.logger.info({ caseId: param('caseId'), sessionId: param('sessionId') }, 'session cancelled');
    reply(schedule);
  });
  mount(r.setParticipantTimeZone, async (_req, _res, { caller, body, param, reply }) => {
    reply(await s.setParticipantZone(caller.mediatorId, param('caseId'), param('pid'), body().timeZone));
  });
  mount(r.caseCalendar, async (_req, res, { caller, param }) => {
    sendCalendar(res, (await s.forMediator(caller.mediatorId, param('caseId'))).sessions, 'mediation-sessions.ics');
  });
  mount(r.sessionCalendar, async (_req, res, { caller, param }) => {
    sendCalendar(res, [one((await s.forMediator(caller.mediatorId, param('caseId'))).sessions, param('sessionId'))], 'mediation-session.ics');
  });

  mount(r.invitationSchedule, async (_req, _res, { caller, reply }) => {
    reply(await s.forInvitee(caller.identity));
  });
  mount(r.setMyTimeZone, async (_req, _res, { caller, body, reply }) => {
    reply(await s.reportZone(caller.identity, body().timeZone));
  });
  mount(r.invitationCalendar, async (_req, res, { caller }) => {
    sendCalendar(res, (await s.forInvitee(caller.identity)).sessions, 'mediation-sessions.ics');
  });
  // Only among the sessions that concern this person: another side's caucus is "not found".
  mount(r.invitationSessionCalendar, async (_req, res, { caller, param }) => {
    sendCalendar(res, [one((await s.forInvitee(caller.identity)).sessions, param('sessionId'))], 'mediation-session.ics');
  });
}

function one(sessions: ScheduledSession[], id: string): ScheduledSession {
  const found = sessions.find((x) => x.id === id);
  if (!found) throw new ParleyError(ErrorCode.NotFound, 'No such session.');
  return found;
}

function sendCalendar(res: express.Response, sessions: ScheduledSession[], filename: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.type('text/calendar; charset=utf-8').send(calendarFile(sessions));
}
