import { httpRoutes, type EditNoteBody, type NewNoteBody, type SetRatingBody } from '@parley/shared';
import { ApiError, NETWORK_MESSAGE, send, urlOf } from '../api.ts';

/**
 * The assessor's scorecard endpoints (server/src/assessment/routes.ts). The assessor authenticates
 * with their invitation token as a Bearer header, like every invitee call.
 */
const r = httpRoutes;

export const assessmentApi = {
  view: (token: string, signal?: AbortSignal) => send(r.assessment, { token, signal }),
  rate: (token: string, body: SetRatingBody) => send(r.rate, { token, body }),
  addNote: (token: string, body: NewNoteBody) => send(r.addNote, { token, body }),
  editNote: (token: string, noteId: string, body: EditNoteBody) => send(r.editNote, { params: { noteId }, token, body }),
  deleteNote: (token: string, noteId: string) => send(r.deleteNote, { params: { noteId }, token }),
  release: (token: string, released: boolean) => send(r.release, { token, body: { released } }),
  /** The mediator's view: only what an assessor released (an empty list until then). */
  released: (caseId: string, signal?: AbortSignal) => send(r.releasedAssessments, { params: { caseId }, signal }),
  releasedReportUrl: (caseId: string) => urlOf(r.releasedAssessmentReport, { caseId }),
};

/**
 * The report and the JSON export need the Bearer token, which a plain link cannot send (and the
 * token must never go into a URL the server sees). So we fetch them and hand the browser a blob.
 */
export async function fetchAssessmentFile(token: string, kind: 'report' | 'export'): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(urlOf(kind === 'report' ? r.assessmentReport : r.assessmentExport, {}), { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (cause) {
    throw new ApiError('network', NETWORK_MESSAGE, 0, undefined, cause);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError((body?.error?.code as never) ?? 'unexpected', body?.error?.message ?? 'We could not prepare the file. Please try again.', res.status);
  }
  return res.blob();
}
