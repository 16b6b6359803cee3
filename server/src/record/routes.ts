import express from 'express';
import type { RecordExport } from '@parley/shared';
import type { ApiGuards } from '../http/app.ts';
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
  app.post('/api/record/verify', express.json({ limit: '10mb' }), async (req, res) => {
    res.json(await verifyRecord(req.body as RecordExport, d.publicKey));
  });
}
