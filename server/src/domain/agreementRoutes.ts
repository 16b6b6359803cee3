import { httpRoutes as r } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import type { ConsentAnswers } from './ConsentAnswers.ts';
import type { Templates } from './Templates.ts';

/**
 * The mediator's protocol agreement templates and which version a case uses; the answers a person
 * gives instead of agreeing (decline, question) or after (withdrawal), and the mediator marking a
 * question answered. Who may call each is the route table's; ownership is the services'.
 */
export function mountAgreementRoutes(mount: Mount, d: { templates: Templates; answers: ConsentAnswers; logger: Logger }): void {
  const { templates, answers, logger } = d;

  mount(r.listTemplates, async (_req, _res, { caller, reply }) => {
    reply(await templates.list(caller.mediatorId));
  });
  mount(r.createTemplate, async (_req, _res, { caller, body, reply }) => {
    const t = await templates.create(caller.mediatorId, body());
    logger.info({ templateId: t.id, clauses: t.clauses.length }, 'agreement template created');
    reply(t);
  });
  mount(r.getTemplate, async (_req, _res, { caller, param, reply }) => {
    reply(await templates.get(caller.mediatorId, param('templateId')));
  });
  mount(r.saveTemplate, async (_req, _res, { caller, body, param, reply }) => {
    const t = await templates.save(caller.mediatorId, param('templateId'), body());
    logger.info({ templateId: t.id, version: t.latest.version }, 'agreement template saved');
    reply(t);
  });
  mount(r.setCaseTemplate, async (_req, _res, { caller, body, param, reply }) => {
    const detail = await templates.useOnCase(caller.mediatorId, param('caseId'), body().templateVersionId);
    logger.info({ caseId: detail.id, templateVersionId: detail.template?.versionId ?? null }, 'case agreement template changed');
    reply(detail);
  });
  mount(r.markAnswered, async (_req, _res, { caller, param, reply }) => {
    reply(await answers.markAnswered(caller.mediatorId, param('caseId'), param('answerId')));
  });

  mount(r.declineConsent, async (_req, _res, { caller, body, reply }) => {
    const view = await answers.decline(caller.identity, body().reason || undefined);
    logger.info({ caseId: view.caseId, participantId: view.participant.id }, 'protocol agreement declined');
    reply(view);
  });
  mount(r.askQuestion, async (_req, _res, { caller, body, reply }) => {
    const view = await answers.ask(caller.identity, body().question);
    logger.info({ caseId: view.caseId, participantId: view.participant.id }, 'question about the protocol agreement asked');
    reply(view);
  });
  mount(r.withdrawConsent, async (_req, _res, { caller, body, reply }) => {
    const view = await answers.withdraw(caller.identity, body().reason || undefined);
    logger.info({ caseId: view.caseId, participantId: view.participant.id }, 'consent withdrawn');
    reply(view);
  });
}
