import { CloseCode, httpRoutes, type DraftAccessAnswer } from '@parley/shared';
import type { CaseOwnership } from '../cluster/CaseOwnership.ts';
import type { AccessGate } from '../auth/AccessGate.ts';
import type { Mount } from '../http/mount.ts';
import { authoriseDraft, DraftRefusal } from './authenticate.ts';

/**
 * `GET /api/drafts/<docName>/access`: the same decision as a draft WebSocket upgrade, in HTTP. A
 * refused upgrade reaches a browser only as "connection failed" (1006), so the client asks here
 * whether to keep retrying or to stop and say why (link withdrawn, expired, consent needed), or
 * where to connect instead (`moved`, several nodes).
 */
export function mountDraftRoutes(mount: Mount, d: { gate: AccessGate; ownership?: CaseOwnership }): void {
  mount(httpRoutes.draftAccess, async (req, res, { caller, reply }) => {
    try {
      const grant = await authoriseDraft(caller.presented, String(req.params.docName), d);
      // Several nodes: a draft refused because its case runs elsewhere says where (the client connects there).
      const moveTo = await d.ownership?.elsewhere(grant.identity.caseId);
      if (moveTo) throw new DraftRefusal(CloseCode.Moved, 'runs on another node', { moveTo });
      reply({ access: grant.access });
    } catch (err) {
      if (!(err instanceof DraftRefusal)) throw err;
      res.status(err.httpStatus).json(err.toAnswer() satisfies DraftAccessAnswer);
    }
  });
}
