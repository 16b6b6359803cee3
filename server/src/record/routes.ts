import express from 'express';
import { httpRoutes as r, VERIFY_UPLOAD_LIMITS } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { CaseService } from '../domain/CaseService.ts';
import type { SessionRecord } from './SessionRecord.ts';
import { verifyRecord } from './chain.ts';

/** The mediator's view and export of the session record, and a public verify endpoint. */
export function mountRecordRoutes(mount: Mount, d: { record: SessionRecord; cases: CaseService; publicKey: string }): void {
  const owned = async (mediatorId: string, caseId: string) => (await d.cases.caseDetail(mediatorId, caseId)).id;

  mount(r.caseRecord, async (_req, _res, { caller, param, reply }) => {
    const exp = await d.record.export(await owned(caller.mediatorId, param('caseId')));
    reply({ entries: exp.entries, verification: await verifyRecord(exp, d.publicKey) });
  });
  mount(r.caseRecordExport, async (_req, res, { caller, param }) => {
    const exp = await d.record.export(await owned(caller.mediatorId, param('caseId')));
    res.setHeader('Content-Disposition', 'attachment; filename="session-record.json"');
    res.type('application/json').send(JSON.stringify(exp, null, 2));
  });
  // Public, rate-limited per address in app.ts. Any JSON value is accepted (strict: false) so that
  // `null` or a number is reported as "not a session record" like any other wrong file, and so is a
  // body sent as another content type; only JSON that does not parse is a 400.
  mount(
    r.verifyRecord,
    async (req, _res, { reply }) => {
      reply(await verifyRecord(req.body, d.publicKey));
    },
    [express.json({ limit: VERIFY_UPLOAD_LIMITS.recordBytes, strict: false })],
  );
}
