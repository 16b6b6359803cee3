import { httpRoutes as r } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import type { CasePeople } from './CasePeople.ts';

/**
 * People on an existing case [issue 13, scope 6; 3.6.10]: a mediator of the case adds or takes off
 * parties, advisors and assessors; its lead asks colleagues to co-mediate and takes them off.
 */
export function mountPeopleRoutes(mount: Mount, d: { people: CasePeople; logger: Logger }): void {
  const { people, logger } = d;

  // One more person on an existing case, e.g. an assessor invited after the parties [3.6.10].
  mount(r.addParticipant, async (_req, _res, { caller, body, param, reply }) => {
    const person = body();
    const detail = await people.add(caller.mediatorId, param('caseId'), person);
    logger.info({ caseId: detail.id, role: person.role }, 'participant added');
    reply(detail);
  });
  // Taken off the case: link dead, every connection closed at once, the record says who did it.
  mount(r.removeParticipant, async (_req, _res, { caller, param, reply }) => {
    const detail = await people.remove(caller.mediatorId, param('caseId'), param('pid'));
    logger.info({ caseId: detail.id, participantId: param('pid') }, 'participant removed from the case');
    reply(detail);
  });

  mount(r.listColleagues, async (_req, _res, { caller, reply }) => {
    reply(await people.colleagues(caller.mediatorId));
  });
  // Everyone consents again to the agreement that names the co-mediator before meeting them.
  mount(r.addCoMediator, async (_req, _res, { caller, body, param, reply }) => {
    const detail = await people.addCoMediator(caller.mediatorId, param('caseId'), body());
    logger.info({ caseId: detail.id, coMediator: body().mediatorId }, 'co-mediator added');
    reply(detail);
  });
  // Their connections to the case end at once; everyone consents again to the rewritten agreement.
  mount(r.removeCoMediator, async (_req, _res, { caller, param, reply }) => {
    const detail = await people.removeCoMediator(caller.mediatorId, param('caseId'), param('pid'));
    logger.info({ caseId: detail.id, participantId: param('pid') }, 'co-mediator removed');
    reply(detail);
  });
}
