import type express from 'express';
import { ErrorCode, httpRoutes as r, Id, ParleyError } from '@parley/shared';
import type { Mount } from '../http/mount.ts';
import type { Logger } from '../logger.ts';
import type { AssessmentService } from './AssessmentService.ts';
import { renderAssessmentReport } from './reportHtml.ts';

/**
 * The assessor's scorecard over HTTP [ODR-QAP]. The assessor works with their invitation link
 * (`/api/invitation/assessment/...`, role checked in AssessmentService: parties and advisors are
 * refused); the mediator reads only what the assessor released (`/api/cases/:caseId/assessment`).
 */
export function mountAssessmentRoutes(mount: Mount, d: { assessments: AssessmentService; logger: Logger }): void {
  const a = d.assessments;
  const noteId = (req: express.Request): string => {
    const v = req.params.noteId;
    if (!Id.safeParse(v).success) throw new ParleyError(ErrorCode.NotFound, 'No such note.');
    return v as string;
  };

  mount(r.assessment, async (_req, _res, { caller, reply }) => {
    reply(await a.view(caller.identity));
  });
  mount(r.rate, async (_req, _res, { caller, body, reply }) => {
    reply(await a.setRating(caller.identity, body()));
  });
  // A new note is linked to the session events around it (who joined, moved, announced what): case
  // content, so it needs a current consent like the session itself (audience `consented-invitee`).
  // The other scorecard routes keep AssessmentService's rule (consented at least once): the
  // assessor's own ratings and notes must stay reachable after the mediator changes the agreement
  // (CaseService.hasConsented).
  mount(r.addNote, async (_req, _res, { caller, body, reply }) => {
    const who = caller.identity;
    const note = await a.addNote(who, body());
    d.logger.info({ caseId: who.caseId, participantId: who.participantId, links: note.links.length }, 'assessment note added');
    reply(note);
  });
  mount(r.editNote, async (req, _res, { caller, body, reply }) => {
    reply(await a.editNote(caller.identity, noteId(req), body()));
  });
  mount(r.deleteNote, async (req, _res, { caller, reply }) => {
    await a.deleteNote(caller.identity, noteId(req));
    reply();
  });
  mount(r.release, async (_req, _res, { caller, body, reply }) => {
    const who = caller.identity;
    const { released } = body();
    const card = await a.release(who, released);
    d.logger.info({ caseId: who.caseId, participantId: who.participantId, released }, 'assessment release changed');
    reply(card);
  });
  mount(r.assessmentReport, async (_req, res, { caller }) => {
    const html = renderAssessmentReport([await a.exportFor(caller.identity)]);
    res.setHeader('Content-Disposition', 'inline; filename="assessment-report.html"');
    res.type('text/html').send(html);
  });
  mount(r.assessmentExport, async (_req, res, { caller }) => {
    const exp = await a.exportFor(caller.identity);
    res.setHeader('Content-Disposition', 'attachment; filename="assessment.json"');
    res.type('application/json').send(JSON.stringify(exp, null, 2));
  });

  // 200 with an empty list while nothing is released: the normal state of every case page, not an error.
  mount(r.releasedAssessments, async (_req, _res, { caller, param, reply }) => {
    reply(await a.released(caller.mediatorId, param('caseId')));
  });
  // A report of nothing is "not found" (the case page links to it only once something is released).
  mount(r.releasedAssessmentReport, async (_req, res, { caller, param }) => {
    const html = renderAssessmentReport(await a.releasedExports(caller.mediatorId, param('caseId')));
    res.setHeader('Content-Disposition', 'inline; filename="assessment-report.html"');
    res.type('text/html').send(html);
  });
}
