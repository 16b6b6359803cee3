import { httpRoutes as r } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { CaseLifecycle } from './CaseLifecycle.ts';

/** The end of a case over HTTP [issue 15]: conclude, reopen, archive (the mediator's case page). */
export function mountLifecycleRoutes(mount: Mount, d: { lifecycle: CaseLifecycle }): void {
  mount(r.concludeCase, async (_req, _res, { caller, body, param, reply }) => {
    reply(await d.lifecycle.conclude(caller.mediatorId, param('caseId'), body()));
  });
  mount(r.reopenCase, async (_req, _res, { caller, body, param, reply }) => {
    reply(await d.lifecycle.reopen(caller.mediatorId, param('caseId'), body()));
  });
  mount(r.archiveCase, async (_req, _res, { caller, param, reply }) => {
    reply(await d.lifecycle.archive(caller.mediatorId, param('caseId')));
  });
}
