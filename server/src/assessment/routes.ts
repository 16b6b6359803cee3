import type express from 'express';
import { EditNoteBody, ErrorCode, Id, NewNoteBody, ParleyError, ReleaseBody, SetRatingBody } from '@parley/shared';
import { parseBody, type ApiGuards } from '../http/app.ts';
import type { Logger } from '../logger.ts';
import type { AssessmentService } from './AssessmentService.ts';
import { renderAssessmentReport } from './reportHtml.ts';

/**
 * The assessor's scorecard over HTTP [ODR-QAP]. The assessor works with their invitation link
 * (`/api/invitation/assessment/...`, role checked in AssessmentService: parties and advisors are
 * refused); the mediator reads only what the assessor released (`/api/cases/:caseId/assessment`).
 */
export function mountAssessmentRoutes(app: express.Express, g: ApiGuards, d: { assessments: AssessmentService; logger: Logger }): void {
  const a = d.assessments;
  const noteId = (req: express.Request): string => {
    const v = req.params.noteId;
    if (!Id.safeParse(v).success) throw new ParleyError(ErrorCode.NotFound, 'No such note.');
    return v as string;
  };

  app.get('/api/invitation/assessment', g.requireInvitee, (_req, res) => {
    res.json(a.view(g.identity(res)));
  });
  app.put('/api/invitation/assessment/rating', g.requireInvitee, (req, res) => {
    res.json(a.setRating(g.identity(res), parseBody(SetRatingBody, req.body)));
  });
  // A new note is linked to the session events around it (who joined, moved, announced what): case
  // content, so it needs a current consent like the session itself. The other scorecard routes keep
  // AssessmentService's rule (consented at least once): the assessor's own ratings and notes must
  // stay reachable after the mediator changes the agreement (CaseService.hasConsented).
  app.post('/api/invitation/assessment/notes', g.requireConsentedInvitee, (req, res) => {
    const who = g.identity(res);
    const note = a.addNote(who, parseBody(NewNoteBody, req.body));
    d.logger.info({ caseId: who.caseId, participantId: who.participantId, links: note.links.length }, 'assessment note added');
    res.status(201).json(note);
  });
  app.patch('/api/invitation/assessment/notes/:noteId', g.requireInvitee, (req, res) => {
    res.json(a.editNote(g.identity(res), noteId(req), parseBody(EditNoteBody, req.body)));
  });
  app.delete('/api/invitation/assessment/notes/:noteId', g.requireInvitee, (req, res) => {
    a.deleteNote(g.identity(res), noteId(req));
    res.status(204).end();
  });
  app.post('/api/invitation/assessment/release', g.requireInvitee, (req, res) => {
    const who = g.identity(res);
    const { released } = parseBody(ReleaseBody, req.body);
    const card = a.release(who, released);
    d.logger.info({ caseId: who.caseId, participantId: who.participantId, released }, 'assessment release changed');
    res.json(card);
  });
  app.get('/api/invitation/assessment/report', g.requireInvitee, (_req, res) => {
    const html = renderAssessmentReport([a.exportFor(g.identity(res))]);
    res.setHeader('Content-Disposition', 'inline; filename="assessment-report.html"');
    res.type('text/html').send(html);
  });
  app.get('/api/invitation/assessment/export', g.requireInvitee, (_req, res) => {
    const exp = a.exportFor(g.identity(res));
    res.setHeader('Content-Disposition', 'attachment; filename="assessment.json"');
    res.type('application/json').send(JSON.stringify(exp, null, 2));
  });

  // 200 with an empty list while nothing is released: the normal state of every case page, not an error.
  app.get('/api/cases/:caseId/assessment', g.requireMediator, (req, res) => {
    res.json(a.released(g.mediatorId(res), g.param(req, 'caseId')));
  });
  // A report of nothing is "not found" (the case page links to it only once something is released).
  app.get('/api/cases/:caseId/assessment/report', g.requireMediator, (req, res) => {
    const html = renderAssessmentReport(a.releasedExports(g.mediatorId(res), g.param(req, 'caseId')));
    res.setHeader('Content-Disposition', 'inline; filename="assessment-report.html"');
    res.type('text/html').send(html);
  });
}
