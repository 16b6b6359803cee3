import express from 'express';
import { httpRoutes as r, VERIFY_UPLOAD_LIMITS } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
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

/**
 * HTTP routes of the sign-off: freeze (mediator), review and sign (party), export and verify. The
 * agreement is case content: an invitee reads, signs and downloads it only with a current consent
 * (the routes' audience is `consented-invitee`).
 */
export function mountSignoffRoutes(mount: Mount, d: SignoffRouteDeps): void {
  const exportFor = async (caseId: string) => {
    const data = await d.signoff.exportData(caseId, `${d.publicUrl().replace(/\/+$/, '')}/verify`);
    return data ? { html: renderExport(data, keyFingerprint(d.publicKey, sha256Hex)), version: data.version } : null;
  };
  const sendExport = async (res: express.Response, caseId: string) => {
    const e = await exportFor(caseId);
    if (!e) return res.status(404).json({ error: { code: 'not_found', message: 'No version of the agreement has been frozen yet.' } });
    res.setHeader('Content-Disposition', `attachment; filename="agreement-v${e.version}.html"`);
    res.type('text/html').send(e.html);
  };

  mount(r.caseAgreement, async (_req, _res, { caller, param, reply }) => {
    const caseId = (await d.cases.caseDetail(caller.mediatorId, param('caseId'))).id;
    reply({ current: await d.signoff.view(caseId) });
  });
  mount(r.freezeAgreement, async (_req, _res, { caller, param, reply }) => {
    const me = await d.cases.mediatorIdentity(caller.mediatorId, param('caseId'));
    const view = await d.signoff.freeze(me);
    d.logger.info({ caseId: me.caseId, version: view.version, textHash: view.textHash }, 'agreement frozen');
    reply({ current: view });
  });
  mount(r.caseAgreementExport, async (_req, res, { caller, param }) => {
    await sendExport(res, (await d.cases.caseDetail(caller.mediatorId, param('caseId'))).id);
  });

  mount(r.invitationAgreement, async (_req, _res, { caller, reply }) => {
    reply({ current: await d.signoff.view(caller.identity.caseId) });
  });
  mount(r.signAgreement, async (_req, _res, { caller, body, reply }) => {
    const { versionId, textHash } = body();
    const who = caller.identity;
    const view = await d.signoff.sign(who, versionId, textHash);
    d.logger.info({ caseId: who.caseId, participantId: who.participantId, version: view.version }, 'agreement signed');
    reply({ current: view });
  });
  mount(r.invitationAgreementExport, async (_req, res, { caller }) => {
    await sendExport(res, caller.identity.caseId);
  });

  mount(r.agreementPublicKey, (_req, _res, { reply }) => {
    reply({ publicKey: d.publicKey, fingerprint: keyFingerprint(d.publicKey, sha256Hex) });
  });
  // Public, rate-limited per address in app.ts. Anything that is not an HTML or text body is checked
  // as an empty file: the answer is a report saying it is not a Parley agreement, not an error.
  mount(
    r.verifyAgreement,
    async (req, _res, { reply }) => {
      reply(await verifyExport(typeof req.body === 'string' ? req.body : '', d.publicKey));
    },
    [express.text({ type: ['text/html', 'text/plain'], limit: VERIFY_UPLOAD_LIMITS.agreementBytes })],
  );
}
