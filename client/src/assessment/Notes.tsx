import { useId, useRef, useState, type FormEvent } from 'react';
import { formatSessionTime, type AssessmentNote, type EditNoteBody, type NewNoteBody } from '@parley/shared';
import { formatDateTime } from '../format.ts';
import { ItemOptions, itemLabel } from './Ratings.tsx';

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const clock = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : timeOnly.format(d);
};

/** "10:32 · 12:05 into the session": wall time in the viewer's zone, and session time. */
export function noteStamp(n: Pick<AssessmentNote, 'at' | 'sessionSeconds'>): string {
  const session = n.sessionSeconds === null ? 'outside a session' : `${formatSessionTime(n.sessionSeconds)} into the session`;
  return `${formatDateTime(n.at)} · ${session}`;
}

/**
 * Writing a note. The moment the assessor starts typing is what the note is about, so it is sent
 * as `observedAt`; the server stamps and links the note from it.
 */
export function NoteComposer({ onAdd }: { onAdd: (body: NewNoteBody) => Promise<boolean> }) {
  const uid = useId();
  const [text, setText] = useState('');
  const [itemId, setItemId] = useState('');
  const [busy, setBusy] = useState(false);
  const observedAt = useRef<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    const ok = await onAdd({ text, itemId: itemId || null, ...(observedAt.current ? { observedAt: observedAt.current } : {}) });
    setBusy(false);
    if (ok) {
      setText('');
      observedAt.current = null;
    }
  }

  return (
    <form className="scorecard-composer" onSubmit={(e) => void submit(e)} aria-label="New note">
      <label htmlFor={`${uid}-text`}>Note about the mediator</label>
      <textarea
        id={`${uid}-text`}
        rows={3}
        maxLength={2000}
        value={text}
        aria-describedby={`${uid}-hint`}
        onChange={(e) => {
          observedAt.current ??= new Date().toISOString();
          if (!e.target.value) observedAt.current = null;
          setText(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
        }}
      />
      <p id={`${uid}-hint`} className="scorecard-hint">
        Stamped with the time you started writing and linked to what happened just before. Ctrl+Enter adds it.
      </p>
      <label htmlFor={`${uid}-item`}>About item (optional)</label>
      <select id={`${uid}-item`} value={itemId} onChange={(e) => setItemId(e.target.value)}>
        <ItemOptions />
      </select>
      <div className="row-actions">
        <button type="submit" className="button button-primary button-small" disabled={busy || !text.trim()}>
          {busy ? 'Adding…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}

/** The notes, newest first, each with its time stamps and the session events it is linked to. */
export function NoteList({
  notes,
  onEdit,
  onDelete,
}: {
  notes: AssessmentNote[];
  onEdit: (noteId: string, body: EditNoteBody) => Promise<boolean>;
  onDelete: (noteId: string) => Promise<boolean>;
}) {
  if (notes.length === 0) return <p className="scorecard-empty">No notes yet.</p>;
  const newestFirst = [...notes].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <ol className="scorecard-notes" aria-label="Your notes">
      {newestFirst.map((n) => (
        <NoteItem key={n.id} note={n} onEdit={onEdit} onDelete={onDelete} />
      ))}
    </ol>
  );
}

function NoteItem({
  note: n,
  onEdit,
  onDelete,
}: {
  note: AssessmentNote;
  onEdit: (noteId: string, body: EditNoteBody) => Promise<boolean>;
  onDelete: (noteId: string) => Promise<boolean>;
}) {
  const uid = useId();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(n.text);
  const [itemId, setItemId] = useState(n.itemId ?? '');
  const [busy, setBusy] = useState(false);
  const item = itemLabel(n.itemId);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const ok = await onEdit(n.id, { text, itemId: itemId || null });
    setBusy(false);
    if (ok) setEditing(false);
  }

  async function remove() {
    if (!window.confirm('Delete this note? It cannot be brought back.')) return;
    setBusy(true);
    if (!(await onDelete(n.id))) setBusy(false);
  }

  return (
    <li className="scorecard-note" aria-labelledby={`${uid}-stamp`}>
      <p className="scorecard-stamp" id={`${uid}-stamp`}>
        <time dateTime={n.at}>{noteStamp(n)}</time>
        {n.editedAt ? <span className="scorecard-edited"> · edited</span> : null}
      </p>
      {item ? <p className="scorecard-note-item">Item {item}</p> : null}
      {editing ? (
        <form onSubmit={(e) => void save(e)} aria-label="Edit note">
          <label htmlFor={`${uid}-edit`}>Note text</label>
          <textarea id={`${uid}-edit`} rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
          <label htmlFor={`${uid}-edit-item`}>About item (optional)</label>
          <select id={`${uid}-edit-item`} value={itemId} onChange={(e) => setItemId(e.target.value)}>
            <ItemOptions />
          </select>
          <div className="row-actions">
            <button type="submit" className="button button-primary button-small" disabled={busy || !text.trim()}>
              Save
            </button>
            <button type="button" className="button button-quiet button-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p className="scorecard-note-text">{n.text}</p>
      )}
      {n.links.length ? (
        <div className="scorecard-links">
          <p className="scorecard-links-title" id={`${uid}-links`}>
            Linked session events
          </p>
          <ul aria-labelledby={`${uid}-links`}>
            {n.links.map((l) => (
              <li key={l.seq}>
                <time dateTime={l.at}>{clock(l.at)}</time> {l.summary}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="scorecard-links-none">No session events in the five minutes before this note.</p>
      )}
      {editing ? null : (
        <div className="row-actions">
          <button type="button" className="button button-secondary button-small" onClick={() => setEditing(true)} disabled={busy}>
            Edit note
          </button>
          <button type="button" className="button button-quiet button-small" onClick={() => void remove()} disabled={busy}>
            Delete note
          </button>
        </div>
      )}
    </li>
  );
}
