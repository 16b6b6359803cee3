import { httpRoutes as r } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import type { MediatorAccounts } from './MediatorAccounts.ts';
import type { EmailSignIn } from '../auth/EmailSignIn.ts';

/**
 * The administrator's "Mediators" page and the invitee's view of their link [issue 13]. Only the
 * administrator reaches the `admin` routes (the AccessGate); accepting an invitation signs in, so
 * it is mounted beside the sign-in (http/app.ts).
 */
export function mountAccountRoutes(mount: Mount, d: { accounts: MediatorAccounts; emailSignIn: EmailSignIn; logger: Logger }): void {
  const { accounts, emailSignIn, logger } = d;

  mount(r.listMediators, async (_req, _res, { reply }) => {
    reply(await accounts.list());
  });
  mount(r.inviteMediator, async (_req, _res, { caller, body, reply }) => {
    const created = await accounts.invite(caller.mediatorId, body());
    logger.info({ invitationId: created.invitation.id, by: caller.mediatorId }, 'mediator invited');
    reply(created);
  });
  mount(r.withdrawMediatorInvitation, async (_req, _res, { caller, param, reply }) => {
    const list = await accounts.withdrawInvitation(param('invitationId'));
    logger.info({ invitationId: param('invitationId'), by: caller.mediatorId }, 'mediator invitation withdrawn');
    reply(list);
  });
  // Every session of theirs ends and every connection closes at once; their cases stay.
  mount(r.deactivateMediator, async (_req, _res, { caller, param, reply }) => {
    const list = await accounts.deactivate(caller.mediatorId, param('mediatorId'));
    logger.info({ mediatorId: param('mediatorId'), by: caller.mediatorId }, 'mediator account deactivated');
    reply(list);
  });
  // They sign in again with a passkey, a mailed link or a new link from the administrator.
  mount(r.reactivateMediator, async (_req, _res, { caller, param, reply }) => {
    const list = await accounts.reactivate(param('mediatorId'));
    logger.info({ mediatorId: param('mediatorId'), by: caller.mediatorId }, 'mediator account reactivated');
    reply(list);
  });
  mount(r.mediatorSigninLink, async (_req, _res, { caller, param, reply }) => {
    const link = await accounts.signinLink(param('mediatorId'));
    logger.info({ mediatorId: param('mediatorId'), by: caller.mediatorId }, 'mediator sign-in link made');
    reply(link);
  });
  mount(r.mediatorInvitation, async (_req, _res, { body, reply }) => {
    reply(await accounts.viewInvitation(body().token));
  });
  // The sign-in page offers a mailed link only where one can be sent.
  mount(r.signinMethods, (_req, _res, { reply }) => {
    reply({ emailLink: emailSignIn.available });
  });
  mount(r.emailSigninLink, async (_req, _res, { body, reply }) => {
    await emailSignIn.request(body().email);
    reply();
  });
}
