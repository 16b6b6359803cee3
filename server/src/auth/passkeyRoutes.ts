import { httpRoutes as r } from '@parley/shared';
import type { SessionCookie } from '../http/app.ts';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import type { MediatorAuth } from '../domain/MediatorAuth.ts';
import type { Passkeys } from './Passkeys.ts';

/**
 * Passkeys over HTTP [issue 13]: the signed-in mediator lists, adds and removes theirs; anyone may
 * start a passkey sign-in (rate-limited per address in http/app.ts), which on success sets the
 * same session cookie as the one-time link. The page's Origin header names the relying party.
 */
export function mountPasskeyRoutes(mount: Mount, d: { passkeys: Passkeys; auth: MediatorAuth; setSession: SessionCookie; logger: Logger }): void {
  const p = d.passkeys;

  mount(r.listPasskeys, async (_req, _res, { caller, reply }) => {
    reply(await p.list(caller.mediatorId));
  });
  mount(r.passkeyRegistrationOptions, async (req, _res, { caller, reply }) => {
    reply(await p.registrationOptions(caller.mediatorId, req.headers.origin));
  });
  mount(r.addPasskey, async (_req, _res, { caller, body, reply }) => {
    reply(await p.register(caller.mediatorId, body()));
  });
  mount(r.removePasskey, async (_req, _res, { caller, param, reply }) => {
    reply(await p.remove(caller.mediatorId, param('passkeyId')));
  });

  mount(r.passkeySigninOptions, async (req, _res, { reply }) => {
    reply(await p.signinOptions(req.headers.origin));
  });
  mount(r.passkeySignin, async (req, res, { body, reply }) => {
    const s = await p.signIn(body());
    d.setSession(req, res, s.sessionToken);
    d.logger.info({ mediatorId: s.mediatorId, passkeyId: s.passkeyId }, 'mediator signed in with a passkey');
    reply({ mediator: (await d.auth.mediator(s.mediatorId))! });
  });
}
