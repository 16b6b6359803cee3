import { useCallback, useId, useState } from 'react';
import { mustSign, type AgreementVersionView, type Role } from '@parley/shared';
import { ApiError, api, isAbort, messageOf } from '../api.ts';
import { IN_SESSION_NOTE, Loading, Notice, OUTSIDE_SESSION_NOTE, PageHeading, SectionHeading } from '../components/Page.tsx';
import { listNames } from '../format.ts';
import { agreementHtml, downloadPartyCopy, formatWhenWithZone, reasonPhrase, signedSoFar, verificationCode } from './signoff.ts';
import { usePolling } from '../components/useLoad.tsx';
import './signoff.css';

interface Props {
  token: string;
  self: { id: string; role: Role };
  caseTitle: string;
  onBack: () => void;
  /** Opened from inside the live session (beside the videos), not from the invitation page. */
  inSession?: boolean;
}

/**
 * A party reads the frozen text and signs it [3.8.1 informed consent, 3.8.2]. The text on screen
 * never changes under the reader: if the mediator edits or re-freezes meanwhile, the page says so
 * and offers the new version instead.
 */
export function ReviewAgreement({ token, self, caseTitle, onBack, inSession = false }: Props) {
  // In the session the page already has its heading (the case); this is a part of it.
  const Heading = inSession ? SectionHeading : PageHeading;
  /** The version the person opened and is reading. */
  const [shown, setShown] = useState<AgreementVersionView | null | undefined>(undefined);
  /** The newest version on the server (polled). */
  const [latest, setLatest] = useState<AgreementVersionView | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ticked, setTicked] = useState(false);
  const [signing, setSigning] = useState(false);
  /** A refusal of the signature (conflict) or another failure, in plain words. */
  const [signError, setSignError] = useState<{ message: string; stale: boolean } | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  /**
   * The server refused with consent_required: the agreement is shown only to someone who agreed to
   * the current protocol agreement, and the mediator may have changed it while this page was open.
   */
  const [consentNeeded, setConsentNeeded] = useState(false);
  const boxId = useId();

  const poll = useCallback(
    async (signal: AbortSignal) => {
      try {
        const { current } = await api.invitationAgreement(token, signal);
        setLoadError(null);
        setConsentNeeded(false);
        setLatest(current);
        // Same version: take its new status and signers (its text is the same by construction).
        setShown((prev) => (prev === undefined ? current : prev && current && prev.id === current.id ? current : prev));
      } catch (error) {
        if (isAbort(error)) return;
        if (isConsentRequired(error)) setConsentNeeded(true);
        else setLoadError(messageOf(error));
      }
    },
    [token],
  );
  usePolling(poll, 3000, token);

  const reviewNew = () => {
    setShown(latest);
    setTicked(false);
    setSignError(null);
    setDownloadError(null);
  };

  async function sign(v: AgreementVersionView) {
    setSigning(true);
    setSignError(null);
    try {
      const { current } = await api.signAgreement(token, { versionId: v.id, textHash: v.textHash, confirm: true });
      setShown(current);
      setLatest(current);
    } catch (error) {
      if (isConsentRequired(error)) {
        setConsentNeeded(true);
        return;
      }
      const conflict = error instanceof ApiError && error.code === 'conflict';
      if (!conflict) {
        setSignError({ message: messageOf(error), stale: false });
        return;
      }
      // Learn what changed, so "Review the new version" has something to show.
      let now: AgreementVersionView | null | undefined;
      try {
        now = (await api.invitationAgreement(token)).current;
        setLatest(now);
      } catch {
        // The next poll tries again.
      }
      if (now && now.id === v.id && now.status !== 'voided' && mySignedAt(now, self.id)) setShown(now); // signed already (another tab)
      else setSignError({ message: messageOf(error), stale: true });
    } finally {
      setSigning(false);
    }
  }

  async function download(v: AgreementVersionView) {
    setDownloadError(null);
    try {
      await downloadPartyCopy(token, v.version);
    } catch (error) {
      if (isConsentRequired(error)) setConsentNeeded(true);
      else setDownloadError(messageOf(error));
    }
  }

  const back = (
    <p>
      <button type="button" className="button button-secondary" onClick={onBack}>
        {inSession ? 'Back to the draft' : 'Back to joining the session'}
      </button>
    </p>
  );
  // Where the reader is, truthfully: the live session may be open in another tab of theirs.
  const where = inSession ? IN_SESSION_NOTE : OUTSIDE_SESSION_NOTE;

  // Nothing of the agreement stays on screen once the server says consent is needed again.
  if (consentNeeded) {
    return (
      <>
        <Heading>Review the agreement</Heading>
        <p className="muted">{caseTitle}</p>
        <div role="alert">
          <Notice tone="warning" title="Please agree to the protocol agreement first">
            <p>
              You can read and sign the agreement only after agreeing to the current protocol agreement. The mediator may
              have changed it since you last agreed. Go back, read it, and agree to it; then open the agreement again.
            </p>
          </Notice>
        </div>
        {back}
      </>
    );
  }

  if (shown === undefined) {
    return (
      <>
        <Heading>Review the agreement</Heading>
        {loadError ? (
          <Notice tone="error">
            <p>{loadError}</p>
          </Notice>
        ) : (
          <Loading label="Opening the agreement…" />
        )}
        {back}
      </>
    );
  }

  if (shown === null) {
    return (
      <>
        <Heading>Review the agreement</Heading>
        <p className="muted">{caseTitle}</p>
        <Notice tone="info" title="No agreement to sign yet">
          <p>When the mediator freezes the text for signature, you can review and sign it here.</p>
        </Notice>
        <p>
          <button type="button" className="button button-primary" onClick={reviewNew} disabled={!latest}>
            Review the new version
          </button>
        </p>
        {back}
      </>
    );
  }

  const signer = mustSign(self.role);
  const signedAt = mySignedAt(shown, self.id);
  const superseded = !!latest && latest.id !== shown.id;
  const withdrawn = shown.status === 'voided';
  const stale = withdrawn || superseded || !!signError?.stale;
  const othersWaiting = shown.signers.filter((s) => s.participantId !== self.id && !s.signedAt);

  return (
    <>
      <Heading>Review the agreement</Heading>
      <p className="muted">
        {caseTitle} · Version {shown.version}, frozen on {formatWhenWithZone(shown.frozenAt)}. {where}
      </p>

      {stale ? (
        <div role="alert">
          <Notice tone="warning" title={withdrawn ? `Version ${shown.version} was withdrawn` : 'There is a newer version'}>
            <p>
              {withdrawn
                ? `Version ${shown.version} was withdrawn: ${reasonPhrase(shown.voidReason)}.`
                : superseded
                  ? `The mediator froze a new version of the agreement after you opened version ${shown.version}.`
                  : signError?.message}{' '}
              {signedAt ? 'Your signature on it no longer counts.' : 'You cannot sign this version any more.'}
            </p>
            <p>
              <button type="button" className="button button-primary" onClick={reviewNew} disabled={!latest || latest.status === 'voided'}>
                Review the new version
              </button>{' '}
              {!latest || latest.status === 'voided' ? <span className="muted">The mediator has not frozen a new version yet.</span> : null}
            </p>
          </Notice>
        </div>
      ) : null}

      {signedAt && !stale ? (
        <div role="status">
          <Notice tone="success" title={`You signed version ${shown.version} at ${formatWhenWithZone(signedAt)}`}>
            <p>
              {shown.status === 'signed'
                ? 'Every party has signed: this is the agreement.'
                : `Waiting for ${listNames(othersWaiting.map((s) => s.displayName))} to sign.`}
            </p>
            <p>
              <button type="button" className="button button-secondary" onClick={() => void download(shown)}>
                Download a copy
              </button>
            </p>
            {downloadError ? <p className="field-error">{downloadError}</p> : null}
          </Notice>
        </div>
      ) : null}

      <dl className="facts">
        <div>
          <dt>Verification code</dt>
          <dd>
            <code className="signoff-code">{verificationCode(shown.textHash)}</code>
          </dd>
        </div>
        <div>
          <dt>Signed so far</dt>
          <dd data-testid="signed-so-far">{signedSoFar(shown, self.id, formatWhenWithZone)}</dd>
        </div>
      </dl>
      <p className="muted">The verification code is printed on the downloaded copy: it is the same only if the text is the same.</p>

      <h2 className="h3" id={`${boxId}-text`}>
        The agreement text
      </h2>
      {/* The signed text, shown as the document it was drafted as: headings, paragraphs, lists numbered once. */}
      <section
        className="agreement-text agreement-review"
        aria-labelledby={`${boxId}-text`}
        tabIndex={0}
        dangerouslySetInnerHTML={agreementHtml(shown.text, 2)}
      />

      {signer && !signedAt && !stale ? (
        <form
          className="signoff-sign"
          onSubmit={(e) => {
            e.preventDefault();
            if (ticked && !signing) void sign(shown);
          }}
        >
          <div className="check">
            <input id={boxId} type="checkbox" checked={ticked} onChange={(e) => setTicked(e.target.checked)} />
            <label htmlFor={boxId}>I have read this exact text and I agree to it</label>
          </div>
          <p className="muted">
            Signing records your name, this verification code and the time, signed by the platform. Any change to the text
            afterwards needs everyone&rsquo;s signature again.
          </p>
          {signError && !signError.stale ? (
            <Notice tone="error">
              <p role="alert">{signError.message}</p>
            </Notice>
          ) : null}
          <button type="submit" className="button button-primary button-large" disabled={!ticked || signing}>
            {signing ? 'Signing…' : 'Sign the agreement'}
          </button>
        </form>
      ) : null}
      {!signer ? <p className="muted">Only the parties sign the agreement; you can read it here.</p> : null}
      {back}
    </>
  );
}

function isConsentRequired(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'consent_required';
}

function mySignedAt(v: AgreementVersionView, id: string): string | null {
  return v.signers.find((s) => s.participantId === id)?.signedAt ?? null;
}
