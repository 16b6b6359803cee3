import { httpRoutes as r } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { CaseLifecycle } from './CaseLifecycle.ts';
import type { PersonalData } from './PersonalData.ts';
import { renderPersonalData } from './personalDataHtml.ts';

/**
 * The end of a case over HTTP [issue 15]: conclude, reopen, archive (the mediator's case page), and
 * a person's own data (their link).
 */
export function mountLifecycleRoutes(mount: Mount, d: { lifecycle: CaseLifecycle; personalData: PersonalData }): void {
  mount(r.concludeCase, async (_req, _res, { caller, body, param, reply }) => {
    reply(await d.lifecycle.conclude(caller.mediatorId, param('caseId'), body()));
  });
  mount(r.reopenCase, async (_req, _res, { caller, body, param, reply }) => {
    reply(await d.lifecycle.reopen(caller.mediatorId, param('caseId'), body()));
  });
  mount(r.archiveCase, async (_req, _res, { caller, param, reply }) => {
    reply(await d.lifecycle.archive(caller.mediatorId, param('caseId')));
  });
  mount(r.myData, async (_req, _res, { caller, reply }) => {
    reply(await d.personalData.of(caller.identity));
  });
  mount(r.myDataExport, async (_req, res, { caller }) => {
    res.setHeader('Content-Disposition', 'attachment; filename="my-parley-data.html"');
    res.type('text/html').send(renderPersonalData(await d.personalData.of(caller.identity)));
  });
}
