import type { AssessmentNote, AssessmentView, EditNoteBody, NewNoteBody, ReleasedAssessments, Scorecard, SetRatingBody } from '@parley/shared';
import { ApiError, NETWORK_MESSAGE, call } from '../api.ts';

/**
 * The assessor's scorecard endpoints (server/src/assessment/routes.ts). The assessor authenticates
 * with their invitation token as a Bearer header, like every invitee call.
 */
const base = '/api/invitation/assessment';
const enc = encodeURIComponent;

export const assessmentApi = {
  view: (token: string, signal?: AbortSignal) => call<AssessmentView>('GET', base, { token, signal }),
  rate: (token: string, body: SetRatingBody) => call<Scorecard>('PUT', `${base}/rating`, { token, body }),
  addNote: (token: string, body: NewNoteBody) => call<AssessmentNote>('POST', `${base}/notes`, { token, body }),
  editNote: (token: string, noteId: string, body: EditNoteBody) => call<AssessmentNote>('PATCH', `${base}/notes/${enc(noteId)}`, { token, body }),
  deleteNote: (token: string, noteId: string) => call<void>('DELETE', `${base}/notes/${enc(noteId)}`, { token }),
  release: (token: string, released: boolean) => call<Scorecard>('POST', `${base}/release`, { token, body: { released } }),
  /** The mediator's view: only what an assessor released (an empty list until then). */
  released: (caseId: string, signal?: AbortSignal) => call<ReleasedAssessments>('GET', `/api/cases/${enc(caseId)}/assessment`, { signal }),
  releasedReportUrl: (caseId: string) => `/api/cases/${enc(caseId)}/assessment/report`,
};

/**
 * The report and the JSON export need the Bearer token, which a plain link cannot send (and the
 * token must never go into a URL the server sees). So we fetch them and hand the browser a blob.
 */
export async function fetchAssessmentFile(token: string, kind: 'report' | 'export'): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(`${base}/${kind}`, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (cause) {
    throw new ApiError('network', NETWORK_MESSAGE, 0, undefined, cause);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError((body?.error?.code as never) ?? 'unexpected', body?.error?.message ?? 'We could not prepare the file. Please try again.', res.status);
  }
  return res.blob();
}
