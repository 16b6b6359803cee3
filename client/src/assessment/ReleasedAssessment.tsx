import { useEffect, useId, useState } from 'react';
import { RATINGS, RATING_SCALE, type ReleasedAssessments } from '@parley/shared';
import { isAbort, messageOf } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { assessmentApi } from './assessmentApi.ts';
import './assessment.css';

type State = { kind: 'loading' } | { kind: 'none' } | { kind: 'error'; message: string } | { kind: 'ready'; data: ReleasedAssessments };

/**
 * The mediator's side of the assessment on the case page: nothing until an assessor shares their
 * scorecard, then a summary and the printable report. The mediator never sees an unshared one.
 */
export function ReleasedAssessment({ caseId }: { caseId: string }) {
  const uid = useId();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    const ctrl = new AbortController();
    assessmentApi.released(caseId, ctrl.signal).then(
      (data) => setState(data.assessments.length === 0 ? { kind: 'none' } : { kind: 'ready', data }),
      (e: unknown) => {
        if (isAbort(e)) return;
        setState({ kind: 'error', message: messageOf(e) });
      },
    );
    return () => ctrl.abort();
  }, [caseId]);

  return (
    <section className="card released-assessment" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Your assessment</h2>
      {state.kind === 'loading' ? <p role="status">Loading…</p> : null}
      {state.kind === 'none' ? <p className="muted">The assessor has not shared an assessment with you yet.</p> : null}
      {state.kind === 'error' ? <p role="alert">{state.message}</p> : null}
      {state.kind === 'ready' ? (
        <>
          <ul>
            {state.data.assessments.map(({ assessor, scorecard }) => {
              const counts = RATINGS.map((r) => ({ r, n: Object.values(scorecard.ratings).filter((x) => x === r).length })).filter((c) => c.n > 0);
              return (
                <li key={assessor.id}>
                  <strong>{assessor.displayName}</strong> shared their assessment{scorecard.releasedAt ? ` on ${formatDateTime(scorecard.releasedAt)}` : ''}:{' '}
                  {counts.length ? counts.map((c) => `${c.n} ${RATING_SCALE[c.r].label.toLowerCase()}`).join(', ') : 'no ratings'}, {scorecard.notes.length}{' '}
                  {scorecard.notes.length === 1 ? 'note' : 'notes'}.
                </li>
              );
            })}
          </ul>
          <a className="button button-secondary" href={assessmentApi.releasedReportUrl(caseId)} target="_blank" rel="noopener">
            Open the assessment report
          </a>
        </>
      ) : null}
    </section>
  );
}
