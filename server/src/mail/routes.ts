import { httpRoutes as r } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import type { MailRecipients } from './MailRecipients.ts';

/** Addresses and opt-outs over HTTP [issue 13]: the mediator per person, the person for themselves, anyone holding an unsubscribe link. */
export function mountMailRoutes(mount: Mount, d: { recipients: MailRecipients; logger: Logger }): void {
  const m = d.recipients;
  mount(r.caseMail, async (_req, _res, { caller, param, reply }) => {
    reply(await m.forMediator(caller.mediatorId, param('caseId')));
  });
  mount(r.setParticipantEmail, async (_req, _res, { caller, body, param, reply }) => {
    const answer = await m.setByMediator(caller.mediatorId, param('caseId'), param('pid'), body().email);
    d.logger.info({ caseId: param('caseId'), participantId: param('pid') }, 'e-mail address changed by the mediator');
    reply(answer);
  });
  mount(r.invitationMail, async (_req, _res, { caller, reply }) => {
    reply(await m.forInvitee(caller.identity));
  });
  mount(r.setMyMail, async (_req, _res, { caller, body, reply }) => {
    const b = body();
    const answer = await m.setMine(caller.identity, b);
    d.logger.info({ caseId: caller.identity.caseId, participantId: caller.identity.participantId, mailsOn: answer.mailsOn, addressChanged: b.email !== undefined }, 'e-mail settings changed by the person');
    reply(answer);
  });
  mount(r.unsubscribe, async (_req, _res, { body, reply }) => {
    await m.unsubscribe(body().token);
    d.logger.info('e-mails turned off with an unsubscribe link');
    reply(undefined);
  });
}
