import { lazy, Suspense } from 'react';
import { Loading } from '../components/Page.tsx';
import type { DraftEditorProps } from './DraftEditor.tsx';

/**
 * The editor (TipTap, ProseMirror, Yjs) is loaded in its own chunk, only when someone opens a
 * draft, so the invitation and session pages stay light.
 */
const Lazy = lazy(() => import('./DraftEditor.tsx'));

export function DraftEditor(props: DraftEditorProps) {
  return (
    <Suspense fallback={<Loading label="Opening the draft…" />}>
      <Lazy {...props} />
    </Suspense>
  );
}

export type { DraftEditorProps };
