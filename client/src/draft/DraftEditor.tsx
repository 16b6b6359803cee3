import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { CloseCode, roleLabel, type DraftAccess, type DraftDocKind } from '@parley/shared';
import { DraftSession, type DraftSelf, type DraftSnapshot } from './DraftSession.ts';
import './draft.css';

export interface DraftEditorProps {
  caseId: string;
  kind: DraftDocKind;
  /** Invitees' link token; the mediator uses the session cookie. */
  token?: string;
  self: DraftSelf;
  access: Exclude<DraftAccess, 'none'>;
  /** Accessible name of the region, e.g. "Agreement draft". */
  label: string;
  heading?: string;
  description?: string;
}

/**
 * A rich-text editor bound to one Yjs document (TipTap + y-websocket): headings, lists and bold
 * only, everyone's caret with their name, and a plain statement of whether the text is saved.
 * Loaded in its own chunk (see LazyDraftEditor).
 */
export default function DraftEditor(props: DraftEditorProps) {
  const { caseId, kind, token, self, access } = props;
  const [session, setSession] = useState<DraftSession | null>(null);
  useEffect(() => {
    const s = new DraftSession({ caseId, kind, ...(token ? { token } : {}), self, access });
    setSession(s);
    return () => s.destroy();
    // One session per document and person; name changes do not reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [caseId, kind, token, self.participantId, access]);
  if (!session) return null;
  return <BoundEditor key={`${caseId}.${kind}`} session={session} {...props} />;
}

function BoundEditor({ session, label, heading, description }: DraftEditorProps & { session: DraftSession }) {
  const snap = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const headingId = useId();
  const descId = useId();
  const readOnly = session.access === 'read';
  const editable = !readOnly && snap.status !== 'closed';

  const editor = useEditor(
    {
      extensions: [
        StarterKit.configure({
          // Plain and legible: headings, lists, bold. Collaboration brings its own undo history.
          heading: { levels: [1, 2, 3] },
          undoRedo: false,
          italic: false,
          strike: false,
          underline: false,
          code: false,
          codeBlock: false,
          blockquote: false,
          horizontalRule: false,
          link: false,
        }),
        Collaboration.configure({ document: session.doc }),
        CollaborationCaret.configure({ provider: session.provider, user: session.user }),
      ],
      editable,
      immediatelyRender: true,
      editorProps: {
        attributes: {
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': label,
          ...(description ? { 'aria-describedby': descId } : {}),
          class: 'draft-prose',
          spellcheck: 'true',
        },
      },
    },
    [session],
  );

  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  return (
    <section className="draft" aria-label={label} aria-labelledby={heading ? headingId : undefined}>
      {heading ? (
        <h2 id={headingId} className="draft-heading">
          {heading}
        </h2>
      ) : null}
      {description ? (
        <p id={descId} className="muted draft-description">
          {description}
        </p>
      ) : null}
      <DraftStatus snap={snap} readOnly={readOnly} />
      {snap.closed?.code === CloseCode.ConsentChanged ? (
        // The page is the invitation link: opening it again leads to the changed agreement.
        <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
          Read the changed agreement
        </button>
      ) : null}
      {/* Once closed for good, the text and who is here are no longer true: show only why. */}
      {snap.status !== 'closed' ? <People snap={snap} /> : null}
      {editor && editable ? <Toolbar editor={editor} label={label} /> : null}
      <div className={`draft-surface${readOnly ? ' draft-readonly' : ''}`} hidden={snap.status === 'closed'}>
        <EditorContent editor={editor} />
      </div>
      {editable ? (
        <p className="muted draft-keys">
          Keys: Ctrl+B bold · Ctrl+Alt+1/2/3 headings · Ctrl+Shift+8 list · Ctrl+Shift+7 numbered list · Ctrl+Z undo your own change
        </p>
      ) : null}
    </section>
  );
}

function DraftStatus({ snap, readOnly }: { snap: DraftSnapshot; readOnly: boolean }) {
  let text: string;
  let tone: 'ok' | 'pending' | 'warning' | 'error';
  if (snap.status === 'closed') {
    text = snap.closed?.message ?? 'The connection to the draft was closed.';
    tone = 'error';
  } else if (snap.status === 'connecting') {
    text = 'Connecting to the draft…';
    tone = 'pending';
  } else if (snap.status === 'reconnecting') {
    text = 'Reconnecting… Your changes stay on this device and are sent when the connection returns.';
    tone = 'warning';
  } else if (readOnly) {
    text = 'Read-only: you can read but not edit';
    tone = 'ok';
  } else {
    text = 'Saved on the server';
    tone = 'ok';
  }
  return (
    <p role="status" aria-live="polite" className={`draft-status tone-${tone}`} data-status={snap.status}>
      {text}
    </p>
  );
}

function People({ snap }: { snap: DraftSnapshot }) {
  if (snap.people.length === 0) return <p className="muted draft-people">Nobody else has this draft open.</p>;
  return (
    <div className="draft-people">
      <span className="muted">Also here: </span>
      <ul aria-label="People with this draft open">
        {snap.people.map((p) => (
          <li key={p.clientId}>
            <span className="draft-swatch" style={{ backgroundColor: p.color }} aria-hidden="true" />
            {p.name}
            {p.role ? <span className="muted"> ({roleLabel[p.role]})</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Toolbar({ editor, label }: { editor: Editor; label: string }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      h1: e.isActive('heading', { level: 1 }),
      h2: e.isActive('heading', { level: 2 }),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      bold: e.isActive('bold'),
    }),
  });
  const button = (name: string, pressed: boolean, run: () => void) => (
    <button type="button" className="button button-small button-secondary" aria-pressed={pressed} onClick={run}>
      {name}
    </button>
  );
  return (
    <div role="toolbar" aria-label={`${label} formatting`} className="draft-toolbar">
      {button('Heading', state.h1, () => editor.chain().focus().toggleHeading({ level: 1 }).run())}
      {button('Subheading', state.h2, () => editor.chain().focus().toggleHeading({ level: 2 }).run())}
      {button('Bullet list', state.bullet, () => editor.chain().focus().toggleBulletList().run())}
      {button('Numbered list', state.ordered, () => editor.chain().focus().toggleOrderedList().run())}
      {button('Bold', state.bold, () => editor.chain().focus().toggleBold().run())}
    </div>
  );
}
