import { useState } from 'react';
import { messageOf } from '../api.ts';
import { Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { useLocation } from '../router.tsx';
import { mailApi } from './mailApi.ts';

/**
 * `/unsubscribe#t=…`, the link at the foot of every mail. Opening it changes nothing (mail scanners
 * open links before people do); the button does. The token stays in the fragment: it never reaches
 * a server log.
 */
export function UnsubscribeScreen() {
  useDocumentTitle('Stop e-mails');
  const { hash } = useLocation();
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('t') ?? '';
  const [state, setState] = useState<{ kind: 'ask' } | { kind: 'busy' } | { kind: 'done' } | { kind: 'error'; message: string }>({ kind: 'ask' });

  async function stop() {
    setState({ kind: 'busy' });
    try {
      await mailApi.unsubscribe(token);
      setState({ kind: 'done' });
    } catch (err) {
      setState({ kind: 'error', message: messageOf(err) });
    }
  }

  return (
    <Shell narrow>
      <PageHeading>Stop e-mails from Parley</PageHeading>
      {state.kind === 'done' ? (
        <Notice tone="success">
          <p>Done. Parley will not e-mail you about this mediation any more. You can turn e-mails on again on the page your personal link opens.</p>
        </Notice>
      ) : (
        <>
          <p className="lead">Parley will stop e-mailing you about this mediation: no more session times, reminders or notes about new messages.</p>
          <p className="muted">Your mediation itself goes on as before, and your personal link keeps working.</p>
          {state.kind === 'error' ? (
            <Notice tone="error">
              <p>{state.message}</p>
            </Notice>
          ) : null}
          <div className="unsubscribe-actions">
            <button type="button" className="button button-primary button-large" onClick={() => void stop()} disabled={state.kind === 'busy' || !token}>
              {state.kind === 'busy' ? 'Stopping…' : 'Stop e-mails'}
            </button>
          </div>
        </>
      )}
    </Shell>
  );
}
