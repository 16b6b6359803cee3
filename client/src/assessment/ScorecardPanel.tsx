import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { LINK_AFTER_MS, scorecardSections, type AssessmentView, type EditNoteBody, type ItemRating, type NewNoteBody, type Scorecard } from '@parley/shared';
import { isAbort, messageOf } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Section } from '../components/Section.tsx';
import { assessmentApi, fetchAssessmentFile } from './assessmentApi.ts';
import { NoteComposer, NoteList, noteStamp } from './Notes.tsx';
import { Ratings } from './Ratings.tsx';
import { jumpTo } from './jump.ts';
import './assessment.css';

const ITEM_COUNT = scorecardSections().reduce((n, s) => n + s.items.length, 0);

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; view: AssessmentView };

/**
 * The assessor's live checklist [ODR-QAP; IMI Annex 2 items 2.1–2.11 and 3.1–3.9]: a note box
 * with an optional item, the notes with their time stamps and linked session events, a rating per
 * item, the choice to share the scorecard with the mediator, and the exports. `variant="session"`
 * fits the session's side panel (sections folded, item texts left out); `"page"` is the review page.
 */
export function ScorecardPanel({ token, variant = 'page' }: { token: string; variant?: 'page' | 'session' }) {
  const uid = useId();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busyItem, setBusyItem] = useState<string | null>(null);
  const [releasing, setReleasing] = useState<boolean | null>(null);
  const [loadKey, setLoadKey] = useState(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    assessmentApi.view(token, ctrl.signal).then(
      (view) => setLoad({ kind: 'ready', view }),
      (e: unknown) => {
        if (!isAbort(e)) setLoad((prev) => (prev.kind === 'ready' ? prev : { kind: 'error', message: messageOf(e) }));
      },
    );
    return () => ctrl.abort();
  }, [token, loadKey]);
  useEffect(() => () => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
  }, []);

  const setCard = useCallback((update: (c: Scorecard) => Scorecard) => {
    setLoad((prev) => (prev.kind === 'ready' ? { kind: 'ready', view: { ...prev.view, scorecard: update(prev.view.scorecard) } } : prev));
  }, []);

  async function attempt<T>(fn: () => Promise<T>): Promise<T | null> {
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(messageOf(e));
      return null;
    }
  }

  async function rate(itemId: string, rating: ItemRating | null) {
    setBusyItem(itemId);
    const card = await attempt(() => assessmentApi.rate(token, { itemId, rating }));
    setBusyItem(null);
    if (card) setCard(() => card);
  }

  async function addNote(body: NewNoteBody): Promise<boolean> {
    const note = await attempt(() => assessmentApi.addNote(token, body));
    if (!note) return false;
    setCard((c) => ({ ...c, notes: [...c.notes, note] }));
    setStatus(`Note added: ${noteStamp(note)}.`);
    // Events of the next 30 seconds join the note's links on the server; fetch them once they can have.
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => setLoadKey((k) => k + 1), LINK_AFTER_MS + 2_000);
    return true;
  }

  async function editNote(noteId: string, body: EditNoteBody): Promise<boolean> {
    const note = await attempt(() => assessmentApi.editNote(token, noteId, body));
    if (!note) return false;
    setCard((c) => ({ ...c, notes: c.notes.map((n) => (n.id === noteId ? note : n)) }));
    setStatus('Note saved.');
    return true;
  }

  async function deleteNote(noteId: string): Promise<boolean> {
    const done = await attempt(async () => {
      await assessmentApi.deleteNote(token, noteId);
      return true;
    });
    if (!done) return false;
    setCard((c) => ({ ...c, notes: c.notes.filter((n) => n.id !== noteId) }));
    setStatus('Note deleted.');
    return true;
  }

  async function release(released: boolean) {
    // The box shows the choice at once (and stays put while it is saved); a refusal puts it back.
    setReleasing(released);
    const card = await attempt(() => assessmentApi.release(token, released));
    setReleasing(null);
    if (!card) return;
    setCard(() => card);
    setStatus(released ? 'The mediator can now read this assessment.' : 'The mediator can no longer read this assessment.');
  }

  async function download(kind: 'report' | 'export') {
    const blob = await attempt(() => fetchAssessmentFile(token, kind));
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = kind === 'report' ? 'assessment-report.html' : 'assessment.json';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setStatus(kind === 'report' ? 'Report downloaded. Open it in your browser to read or print it.' : 'Data downloaded.');
  }

  const compact = variant === 'session';
  let body: ReactNode;
  if (load.kind === 'loading') body = <p role="status">Loading your scorecard…</p>;
  else if (load.kind === 'error') {
    body = (
      <div role="alert">
        <p>{load.message}</p>
        <button type="button" className="button button-secondary button-small" onClick={() => setLoadKey((k) => k + 1)}>
          Try again
        </button>
      </div>
    );
  } else {
    const { view } = load;
    const card = view.scorecard;
    const ratedCount = Object.values(card.ratings).filter(Boolean).length;
    body = (
      <div className="scorecard">
        <p className="scorecard-intro">
          You are assessing <strong>{view.mediatorName}</strong> against the IMI e-mediation skills (Annex 2). Nobody else
          sees this unless you share it with the mediator.
        </p>
        <p className="sr-only" role="status" aria-live="polite">
          {status}
        </p>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        {/* The review page runs to some sixty items: where things stand, and a way to each part, up front. */}
        {compact ? null : (
          <nav className="scorecard-jump" aria-label="Parts of your scorecard">
            <p>
              {ratedCount} of {ITEM_COUNT} items rated · {card.notes.length} {card.notes.length === 1 ? 'note' : 'notes'} ·{' '}
              {card.releasedToMediator ? 'shared with the mediator' : 'not shared with the mediator'}
            </p>
            <ul>
              <li>
                <a href={`#${uid}-notes`} onClick={(e) => jumpTo(e, `${uid}-notes`)}>Notes</a>
              </li>
              <li>
                <a href={`#${uid}-ratings`} onClick={(e) => jumpTo(e, `${uid}-ratings`)}>Ratings</a>
              </li>
              <li>
                <a href={`#${uid}-share`} onClick={(e) => jumpTo(e, `${uid}-share`)}>Share and export</a>
              </li>
            </ul>
          </nav>
        )}
        <NoteComposer onAdd={addNote} />
        <h3 className="scorecard-h" id={`${uid}-notes`} tabIndex={-1}>
          Notes
        </h3>
        <NoteList notes={card.notes} onEdit={editNote} onDelete={deleteNote} />
        <h3 className="scorecard-h" id={`${uid}-ratings`} tabIndex={-1}>
          Ratings
        </h3>
        <Ratings ratings={card.ratings} onRate={(id, r) => void rate(id, r)} busyItem={busyItem} compact={compact} />
        <h3 className="scorecard-h" id={`${uid}-share`} tabIndex={-1}>
          Share and export
        </h3>
        <div className="check scorecard-release">
          <input
            id={`${uid}-release`}
            type="checkbox"
            checked={releasing ?? card.releasedToMediator}
            // Not disabled while saving: that would throw a keyboard user's focus off the box.
            onChange={(e) => {
              if (releasing === null) void release(e.target.checked);
            }}
            aria-describedby={`${uid}-release-state`}
          />
          <label htmlFor={`${uid}-release`}>Share this assessment with the mediator</label>
        </div>
        <p id={`${uid}-release-state`} className="scorecard-hint">
          {releasing !== null
            ? 'Saving…'
            : card.releasedToMediator && card.releasedAt
              ? `Shared with the mediator since ${formatDateTime(card.releasedAt)}. Untick to take it back.`
              : 'Only you can see it now.'}
        </p>
        <div className="row-actions">
          <button type="button" className="button button-secondary button-small" onClick={() => void download('report')}>
            Download printable report
          </button>
          <button type="button" className="button button-quiet button-small" onClick={() => void download('export')}>
            Download data (JSON)
          </button>
        </div>
      </div>
    );
  }

  if (compact) return <Section title="Scorecard" className="scorecard-panel">{body}</Section>;
  return (
    <section className="scorecard-page" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Scorecard</h2>
      {body}
    </section>
  );
}
