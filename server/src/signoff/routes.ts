import express from 'express';
import { SignBody, VERIFY_UPLOAD_LIMITS } from '@parley/shared';
import type { ApiGuards } from '../http/app.ts';
import { parseBody, VERIFY_PATHS } from '../http/app.ts';
import type { CaseService } from '../domain/CaseService.ts';
import type { Logger } from '../logger.ts';
import { keyFingerprint, renderExport } from './exportHtml.ts';
import { sha256Hex, type SignoffService } from './SignoffService.ts';
import { verifyExport } from './verify.ts';

export interface SignoffRouteDeps {
  signoff: SignoffService;
  cases: CaseService;
  publicKey: string;
  logger: Logger;
  /** The platform's public address (PARLEY_PUBLIC_URL, or the address it listens on): the export names its /verify page. */
  publicUrl: () => string;
}

/** HTTP routes of the sign-off: freeze (mediator), review and sign (party), export and verify. */
export function mountSignoffRoutes(app: express.Express, g: ApiGuards, d: SignoffRouteDeps): void {
  const exportFor = (caseId: string) => {
    const data = d.signoff.exportData(caseId, `${d.publicUrl().replace(/\/+$/, '')}/verify`);
    return data ? { html: renderExport(data, keyFingerprint(d.publicKey, sha256Hex)), version: data.version } : null;
  };
  const sendExport = (res: express.Response, caseId: string) => {
    const e = exportFor(caseId);
    if (!e) return res.status(404).json({ error: { code: 'not_found', message: 'No version of the agreement has been frozen yet.' } });
    res.setHeader('Content-Disposition', `attachment; filename="agreement-v${e.version}.html"`);
    res.type('text/html').send(e.html);
  };

  app.get('/api/cases/:caseId/agreement', g.requireMediator, (req, res) => {
    const caseId = d.cases.caseDetail(g.mediatorId(res), g.param(req, 'caseId')).id;
    res.json({ current: d.signoff.view(caseId) });
  });
  app.post('/api/cases/:caseId/agreement/freeze', g.requireMediator, async (req, res) => {
    const me = d.cases.mediatorIdentity(g.mediatorId(res), g.param(req, 'caseId'));
    const view = await d.signoff.freeze(me);
    d.logger.info({ caseId: me.caseId, version: view.version, textHash: view.textHash }, 'agreement frozen');
    res.json({ current: view });
  });
  app.get('/api/cases/:caseId/agreement/export', g.requireMediator, (req, res) => {
    sendExport(res, d.cases.caseDetail(g.mediatorId(res), g.param(req, 'caseId')).id);
  });

  // The agreement is case content: reading, signing and downloading it need a current consent.
  app.get('/api/invitation/agreement', g.requireConsentedInvitee, (_req, res) => {
    res.json({ current: d.signoff.view(g.identity(res).caseId) });
  });
  app.post('/api/invitation/agreement/sign', g.requireConsentedInvitee, (req, res) => {
    const body = parseBody(SignBody, req.body);
    const who = g.identity(res);
    const view = d.signoff.sign(who, body.versionId, body.textHash);
    d.logger.info({ caseId: who.caseId, participantId: who.participantId, version: view.version }, 'agreement signed');
    res.json({ current: view });
  });
  app.get('/api/invitation/agreement/export', g.requireConsentedInvitee, (_req, res) => {
    sendExport(res, g.identity(res).caseId);
  });

  app.get('/api/agreement/public-key', (_req, res) => {
    res.json({ publicKey: d.publicKey, fingerprint: keyFingerprint(d.publicKey, sha256Hex) });
  });
  // Public, rate-limited per address in app.ts. Anything that is not an HTML or text body is checked
  // as an empty file: the answer is a report saying it is not a Parley agreement, not an error.
  app.post(VERIFY_PATHS.agreement, express.text({ type: ['text/html', 'text/plain'], limit: VERIFY_UPLOAD_LIMITS.agreementBytes }), async (req, res) => {
    res.json(await verifyExport(typeof req.body === 'string' ? req.body : '', d.publicKey));
  });
}
