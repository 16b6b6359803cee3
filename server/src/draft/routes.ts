import type express from 'express';
import type { DraftAccessAnswer } from '@parley/shared';
import { parseCookies, SESSION_COOKIE } from '../http/cookies.ts';
import type { AccessGate } from '../auth/AccessGate.ts';
import type { CaseService } from '../domain/CaseService.ts';
import { authoriseDraft, DraftRefusal } from './authenticate.ts';

/**
 * `GET /api/drafts/<docName>/access`: the same decision as a draft WebSocket upgrade, in HTTP. A
 * refused upgrade reaches a browser only as "connection failed" (1006), so the client asks here
 * whether to keep retrying or to stop and say why (link withdrawn, expired, consent needed).
 */
export function mountDraftRoutes(app: express.Express, d: { gate: AccessGate; cases: CaseService }): void {
  app.get('/api/drafts/:docName/access', (req, res) => {
    const h = req.headers.authorization;
    const token = h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
    try {
      const grant = authoriseDraft({ token, sessionToken: parseCookies(req.headers.cookie)[SESSION_COOKIE] }, String(req.params.docName), d);
      res.json({ access: grant.access } satisfies DraftAccessAnswer);
    } catch (err) {
      if (!(err instanceof DraftRefusal)) throw err;
      res.status(err.httpStatus).json(err.toAnswer() satisfies DraftAccessAnswer);
    }
  });
}
