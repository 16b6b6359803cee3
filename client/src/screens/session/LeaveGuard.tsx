import { useEffect, useId, useState, type ReactNode } from 'react';
import { ModalDialog } from '../../components/ModalDialog.tsx';
import { blockNavigation } from '../../router.tsx';
import './leave-guard.css';

/**
 * While `active` (the person is in the live session), leaving the page asks first: the others see
 * at once that someone left, and a stray Back press should not do that behind the person's back.
 * Back within the app and in-app links ask with our dialog; reload, closing the tab and Back out of
 * the app can only ask with the browser's own question (`beforeunload`, whose text browsers fix).
 * Returns the dialog to render (or null).
 */
export function useLeaveGuard(active: boolean): ReactNode {
  const [proceed, setProceed] = useState<(() => void) | null>(null);

  useEffect(() => {
    if (!active) return;
    const release = blockNavigation({ ask: (go) => setProceed(() => go) });
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = ''; // older Chromium and Safari ask only when this is set
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      release();
      window.removeEventListener('beforeunload', onBeforeUnload);
      setProceed(null);
    };
  }, [active]);

  if (!proceed) return null;
  return (
    <LeaveDialog
      onStay={() => setProceed(null)}
      onLeave={() => {
        setProceed(null);
        proceed();
      }}
    />
  );
}

/** A modal dialog: focus stays in it, Escape means "Stay", and "Stay" (the safe answer) has focus first. */
function LeaveDialog({ onStay, onLeave }: { onStay: () => void; onLeave: () => void }) {
  const uid = useId();
  return (
    <ModalDialog className="leave-dialog" labelledBy={`${uid}-title`} describedBy={`${uid}-body`} onCancel={onStay}>
      <h2 id={`${uid}-title`}>Leave the session?</h2>
      <p id={`${uid}-body`}>The others will see that you left. You can come back while the session is still going.</p>
      <div className="button-row">
        <button type="button" className="button button-primary" autoFocus onClick={onStay}>
          Stay
        </button>
        <button type="button" className="button button-secondary" onClick={onLeave}>
          Leave
        </button>
      </div>
    </ModalDialog>
  );
}
