import { httpRoutes as r } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import type { CaseMediators } from './CaseMediators.ts';

/** The lead mediator asks colleagues to co-mediate a case and takes them off again [issue 13; 3.6.10]. */
export function mountCoMediatorRoutes(mount: Mount, d: { mediators: CaseMediators; logger: Logger }): void {
  const { mediators, logger } = d;

  mount(r.listColleagues, (_req, _res, { caller, reply }) => {
    reply(mediators.colleagues(caller.mediatorId));
  });
  // Everyone consents again to the agreement that names the co-mediator before meeting them.
  mount(r.addCoMediator, (_req, _res, { caller, body, param, reply }) => {
    const detail = mediators.add(caller.mediatorId, param('caseId'), body());
    logger.info({ caseId: detail.id, coMediator: body().mediatorId }, 'co-mediator added');
    reply(detail);
  });
  // Their connections to the case end at once; everyone consents again to the rewritten agreement.
  mount(r.removeCoMediator, (_req, _res, { caller, param, reply }) => {
    const detail = mediators.remove(caller.mediatorId, param('caseId'), param('pid'));
    logger.info({ caseId: detail.id, participantId: param('pid') }, 'co-mediator removed');
    reply(detail);
  });
}
