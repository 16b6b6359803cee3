import express from 'express';
import { VERIFY_UPLOAD_LIMITS } from '@parley/shared';
import { VERIFY_PATHS, type ApiGuards } from '../http/app.ts';
import type { CaseService } from '../domain/CaseService.ts';
import type { SessionRecord } from './SessionRecord.ts';
import { verifyRecord } from './chain.ts';

/** The mediator's view and export of the session record, and a public verify endpoint. */
export function mountRecordRoutes(app: express.Express, g: ApiGuards, d: { record: SessionRecord; cases: CaseService; publicKey: string }): void {
  const owned = (req: express.Request, res: express.Response) => d.cases.caseDetail(g.mediatorId(res), g.param(req, 'caseId')).id;

  app.get('/api/cases/:caseId/record', g.requireMediator, async (req, res) => {
    const exp = d.record.export(owned(req, res));
    res.json({ entries: exp.entries, verification: await verifyRecord(exp, d.publicKey) });
  });
  app.get('/api/cases/:caseId/record/export', g.requireMediator, (req, res) => {
    res.setHeader('Content-Disposition', 'attachment; filename="session-record.json"');
    res.type('application/json').send(JSON.stringify(d.record.export(owned(req, res)), null, 2));
  });
  // Public, rate-limited per address in app.ts. Any JSON value is accepted (strict: false) so that
  // `null` or a number is reported as "not a session record" like any other wrong file, and so is a
  // body sent as another content type; only JSON that does not parse is a 400.
  app.post(VERIFY_PATHS.record, express.json({ limit: VERIFY_UPLOAD_LIMITS.recordBytes, strict: false }), async (req, res) => {
    res.json(await verifyRecord(req.body, d.publicKey));
  });
}
