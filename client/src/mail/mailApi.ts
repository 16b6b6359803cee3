import { httpRoutes as r, type MyMailBody } from '@parley/shared';
import { send } from '../api.ts';

/** The e-mail routes of the table (shared/src/routes.ts), for the mediator, the person and the unsubscribe page. */
export const mailApi = {
  caseMail: (caseId: string, signal?: AbortSignal) => send(r.caseMail, { params: { caseId }, signal }),
  setParticipantEmail: (caseId: string, pid: string, email: string | null) => send(r.setParticipantEmail, { params: { caseId, pid }, body: { email } }),
  myMail: (token: string, signal?: AbortSignal) => send(r.invitationMail, { token, signal }),
  setMyMail: (token: string, body: MyMailBody) => send(r.setMyMail, { token, body }),
  unsubscribe: (token: string) => send(r.unsubscribe, { body: { token } }),
};

/** Said wherever an address could be typed while this platform sends no mail: never promise one. */
export const NO_MAIL_HERE = 'Parley does not send e-mail on this platform. Send each person their link yourself.';
