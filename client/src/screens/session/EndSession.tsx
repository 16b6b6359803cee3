import { useId, useState, type FormEvent } from 'react';
import { SessionEndReason } from '@parley/shared';
import { CharCount, limitOf } from '../../components/CharCount.tsx';
import { ModalDialog } from '../../components/ModalDialog.tsx';
import type { SessionClient } from '../../session/SessionClient.ts';
import { ActionError } from './ActionError.tsx';
import { useAction } from './hooks.ts';
import './leave-guard.css';

const REASON_MAX = limitOf(SessionEndReason);

/**
 * Mediator: end the session for everyone, with a reason each person is told and the record keeps
 * [3.7.1]. Either the joint session ends and the parties wait apart again (the mediator stays and
 * can let people in one by one), or the whole live session ends and everyone is disconnected.
 */
export function EndSessionButton({ client }: { client: SessionClient }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="row-actions">
      <button type="button" className="button button-small button-quiet" onClick={() => setOpen(true)}>
        End the session for everyone…
      </button>
      {open ? <EndSessionDialog client={client} onCancel={() => setOpen(false)} onDone={() => setOpen(false)} /> : null}
    </div>
  );
}

function EndSessionDialog({ client, onCancel, onDone }: { client: SessionClient; onCancel: () => void; onDone: () => void }) {
  const uid = useId();
  const [to, setTo] = useState<'waiting-room' | 'out'>('waiting-room');
  const [reason, setReason] = useState('');
  const act = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const text = reason.trim();
    if (!text) return;
    // "Out" closes this connection too: the session screen gives way to the closed page by itself.
    if (await act.run(() => client.session.end(to, text))) onDone();
  }

  return (
    <ModalDialog className="leave-dialog end-dialog" labelledBy={`${uid}-title`} onCancel={onCancel}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${uid}-title`}>End the session for everyone?</h2>
        <fieldset className="end-choices">
          <legend>What happens to the parties and their advisors</legend>
          <label className="end-choice">
            <input type="radio" name={`${uid}-to`} checked={to === 'waiting-room'} onChange={() => setTo('waiting-room')} />
            <span>
              Back to the waiting room
              <small>Each waits alone and nobody sees or hears them until you let them in again. You stay in the session.</small>
            </span>
          </label>
          <label className="end-choice">
            <input type="radio" name={`${uid}-to`} checked={to === 'out'} onChange={() => setTo('out')} />
            <span>
              Disconnect everyone, you too
              <small>They can join again later with their own link.</small>
            </span>
          </label>
        </fieldset>
        <label className="end-reason">
          <span>Reason, shown to everyone and kept in the session record</span>
          <textarea value={reason} maxLength={REASON_MAX} rows={3} required onChange={(e) => setReason(e.target.value)} aria-describedby={`${uid}-count`} />
        </label>
        <CharCount id={`${uid}-count`} value={reason} max={REASON_MAX} />
        <ActionError act={act} />
        <div className="button-row">
          <button type="button" className="button button-secondary" autoFocus onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!reason.trim() || act.busy}>
            {to === 'out' ? 'Disconnect everyone' : 'Send everyone to the waiting room'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
