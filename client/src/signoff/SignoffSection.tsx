import { useCallback, useState } from 'react';
import type { AgreementVersionView } from '@parley/shared';
import { api, isAbort, messageOf } from '../api.ts';
import { Notice } from '../components/Page.tsx';
import { Link } from '../router.tsx';
import { agreementHtml, formatWhen, statusSentence, verificationCode } from './signoff.ts';
import { usePolling } from '../components/useLoad.tsx';
import './signoff.css';

type Load = { kind: 'loading' } | { kind: 'ready'; current: AgreementVersionView | null } | { kind: 'error'; message: string };

/**
 * The mediator's sign-off of the agreement [3.8.1, 3.8.2], below the draft: freeze the exact text,
 * watch the parties sign, download the signed file. Polls every 3 s while the tab is visible.
 */
export function SignoffSection({ caseId }: { caseId: string }) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [freezing, setFreezing] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const refresh = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const { current } = await api.caseAgreement(caseId, signal);
        setLoad({ kind: 'ready', current });
      } catch (error) {
        if (isAbort(error)) return;
        // Keep showing the last known state; say that it may be stale.
        setLoad((prev) => (prev.kind === 'ready' ? prev : { kind: 'error', message: messageOf(error) }));
      }
    },
    [caseId],
  );
  usePolling(refresh, 3000, caseId);

  const current = load.kind === 'ready' ? load.current : null;
  const complete = current?.status === 'signed';

  async function freeze() {
    const question = complete
      ? 'Freeze the draft as it is now as a new version for signature?\n\nThe version every party signed stays on record, but the new version becomes the current one and everyone has to sign it again.'
      : 'Freeze the draft as it is now for signature?\n\nThe parties will be asked to sign this exact text. Any later edit of the draft withdraws this version, with any signatures already given, until everyone has signed.';
    if (!window.confirm(question)) return;
    setFreezing(true);
    setActionError(null);
    try {
      const { current: next } = await api.freezeAgreement(caseId);
      setLoad({ kind: 'ready', current: next });
    } catch (error) {
      setActionError(messageOf(error));
    } finally {
      setFreezing(false);
    }
  }

  const tone = !current ? 'none' : current.status === 'signed' ? 'ok' : current.status === 'voided' ? 'error' : 'warning';
  return (
    <section className="signoff card" aria-labelledby="signoff-heading">
      <h2 id="signoff-heading">Sign-off</h2>
      <p className="muted">
        When the text is ready, freeze it: each party then reads that exact text and signs it. Editing the draft after
        freezing withdraws the version until everyone has signed.
      </p>
      {load.kind === 'loading' ? (
        <p className="muted" role="status">
          Checking the sign-off…
        </p>
      ) : load.kind === 'error' ? (
        <Notice tone="error">
          <p>{load.message}</p>
        </Notice>
      ) : (
        <p className={`signoff-status tone-${tone}`} role="status" aria-live="polite" data-testid="signoff-status">
          {statusSentence(current)}
        </p>
      )}

      {current ? (
        <>
          <dl className="facts signoff-facts">
            <div>
              <dt>Version</dt>
              <dd>
                {current.version}, frozen at {formatWhen(current.frozenAt)}
              </dd>
            </div>
            <div>
              <dt>Verification code</dt>
              <dd>
                <code className="signoff-code">{verificationCode(current.textHash)}</code>
              </dd>
            </div>
          </dl>
          <h3 className="h3" id="signoff-signers">
            Parties
          </h3>
          <ul className="signoff-signers" aria-labelledby="signoff-signers">
            {current.signers.map((s) => (
              <li key={s.participantId}>
                <span className="signoff-name">{s.displayName}</span>{' '}
                {current.status === 'voided' ? (
                  <span className="muted">{s.signedAt ? `signed at ${formatWhen(s.signedAt)}, no longer counts` : 'did not sign'}</span>
                ) : s.signedAt ? (
                  <span className="signoff-signed">signed at {formatWhen(s.signedAt)}</span>
                ) : (
                  <span className="muted">not yet signed</span>
                )}
              </li>
            ))}
          </ul>
          <details className="signoff-text">
            <summary>Show the frozen text of version {current.version}</summary>
            <div className="agreement-text" dangerouslySetInnerHTML={agreementHtml(current.text, 3)} />
          </details>
        </>
      ) : null}

      {actionError ? (
        <Notice tone="error">
          <p role="alert">{actionError}</p>
        </Notice>
      ) : null}
      <div className="button-row signoff-actions">
        <button type="button" className="button button-primary" onClick={() => void freeze()} disabled={freezing || load.kind === 'loading'}>
          {freezing ? 'Freezing…' : 'Freeze this version for signature'}
        </button>
        {current ? (
          // A plain link: the mediator's cookie authorises it and the server names the file.
          <a className="button button-secondary" href={api.caseAgreementExportUrl(caseId)} download={`agreement-v${current.version}.html`}>
            Download the agreement (HTML)
          </a>
        ) : null}
        <Link to="/verify">Check a downloaded file</Link>
      </div>
      {current && current.status !== 'signed' ? (
        <p className="muted signoff-hint">The downloaded file says plainly whether every party has signed.</p>
      ) : null}
    </section>
  );
}
