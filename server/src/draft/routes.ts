import { httpRoutes, type DraftAccessAnswer } from '@parley/shared';
import type { AccessGate } from '../auth/AccessGate.ts';
import type { Mount } from '../http/mount.ts';
import { authoriseDraft, DraftRefusal } from './authenticate.ts';

/**
 * `GET /api/drafts/<docName>/access`: the same decision as a draft WebSocket upgrade, in HTTP. A
 * refused upgrade reaches a browser only as "connection failed" (1006), so the client asks here
 * whether to keep retrying or to stop and say why (link withdrawn, expired, consent needed).
 */
export function mountDraftRoutes(mount: Mount, d: { gate: AccessGate }): void {
  mount(httpRoutes.draftAccess, async (req, res, { caller, reply }) => {
    try {
      reply({ access: (await authoriseDraft(caller.presented, String(req.params.docName), d)).access });
    } catch (err) {
      if (!(err instanceof DraftRefusal)) throw err;
      res.status(err.httpStatus).json(err.toAnswer() satisfies DraftAccessAnswer);
    }
  });
}
