import { useId, useState, type FormEvent } from 'react';
import { CONCLUSION_REASON_MAX, PARTY_ACCESS_DAYS, REOPEN_REASON_MAX, type CaseDetail, type CaseOutcome } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { CharCount } from '../components/CharCount.tsx';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { useLoad } from '../components/useLoad.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { MediatorWords } from './ConcludedCase.tsx';
import './session/leave-guard.css';
import './lifecycle.css';

type Changed = (next: CaseDetail, announcement: string) => void;

/**
 * The end of a case on the mediator's case page [issue 15]: conclude it (with a signed agreement,
 * or without one and why), then reopen it (with a reason, recorded) or archive it. While it is
 * concluded or archived, this says so at the top of the page.
 */
export function CaseLifecycleSection({ c, onChanged }: { c: CaseDetail; onChanged: Changed }) {
  if (c.lifecycle.state === 'open') return <ConcludeForm c={c} onChanged={onChanged} />;
  return <ConcludedBanner c={c} onChanged={onChanged} />;
}

function ConcludedBanner({ c, onChanged }: { c: CaseDetail; onChanged: Changed }) {
  const uid = useId();
  const l = c.lifecycle;
  const [reason, setReason] = useState('');
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(what: () => Promise<CaseDetail>, announcement: string) {
    setBusy(true);
    setError(null);
    try {
      onChanged(await what(), announcement);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      setConfirmArchive(false);
    }
  }

  function reopen(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) return;
    void run(() => api.reopenCase(c.id, { reason: reason.trim() }), 'The case is open again.');
  }

  const archived = l.state === 'archived';
  return (
    <section className={`card case-lifecycle case-lifecycle-${l.state}`} aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{archived ? 'This case is archived' : 'This case is concluded'}</h2>
      <p>
        {l.outcome === 'agreement' ? 'Concluded with a signed agreement' : 'Concluded without an agreement'}
        {l.concludedAt ? ` on ${formatDate(l.concludedAt)}` : ''}.{' '}
        {archived
          ? `Archived on ${formatDate(l.archivedAt ?? '')}: only its mediators can read it; the parties’ links no longer open it.`
          : l.partyAccessUntil
            ? `The parties and the others on the case can read ${l.outcome === 'agreement' ? 'the signed agreement and ' : ''}their messages until ${formatDateTime(l.partyAccessUntil)}.`
            : ''}
      </p>
      {l.reason ? <MediatorWords text={l.reason} by="What you told the parties" /> : null}
      <p className="muted">Nothing in the case can be changed and no session can start{archived ? '.' : ' until you reopen it.'}</p>
      {archived ? null : (
        <div className="lifecycle-actions">
          <form className="reopen-form" onSubmit={reopen}>
            <label htmlFor={`${uid}-reopen`}>Why reopen it (kept in the session record)</label>
            <input id={`${uid}-reopen`} value={reason} maxLength={REOPEN_REASON_MAX} onChange={(e) => setReason(e.target.value)} aria-describedby={`${uid}-reopen-count`} />
            <CharCount id={`${uid}-reopen-count`} value={reason} max={REOPEN_REASON_MAX} />
            <button type="submit" className="button button-secondary" disabled={busy || !reason.trim()}>
              Reopen the case
            </button>
          </form>
          <div>
            <button type="button" className="button button-secondary" disabled={busy} onClick={() => setConfirmArchive(true)}>
              Archive the case…
            </button>
          </div>
        </div>
      )}
      {error ? (
        <p className="action-error" role="alert">
          {error}
        </p>
      ) : null}
      {confirmArchive ? (
        <ModalDialog className="leave-dialog" labelledBy={`${uid}-archive-h`} describedBy={`${uid}-archive-d`} onCancel={() => setConfirmArchive(false)}>
          <h2 id={`${uid}-archive-h`}>Archive “{c.title}”?</h2>
          <p id={`${uid}-archive-d`}>
            The parties, their advisors and any assessor lose access at once, even before their reading time ends. You and your
            co-mediators can still read the case. An archived case cannot be reopened.
          </p>
          <div className="button-row">
            <button type="button" className="button button-secondary" autoFocus onClick={() => setConfirmArchive(false)}>
              Cancel
            </button>
            <button type="button" className="button button-primary" disabled={busy} onClick={() => void run(() => api.archiveCase(c.id), 'The case is archived.')}>
              Archive the case
            </button>
          </div>
        </ModalDialog>
      ) : null}
    </section>
  );
}

function ConcludeForm({ c, onChanged }: { c: CaseDetail; onChanged: Changed }) {
  const uid = useId();
  const agreement = useLoad((signal) => api.caseAgreement(c.id, signal), { key: c.id });
  const signed = agreement.state.kind === 'ready' && agreement.state.data.current?.status === 'signed';
  const [outcome, setOutcome] = useState<CaseOutcome>('no-agreement');
  const [reason, setReason] = useState('');
  const [days, setDays] = useState(String(PARTY_ACCESS_DAYS.default));
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dayCount = Number(days);
  const daysValid = Number.isInteger(dayCount) && dayCount >= PARTY_ACCESS_DAYS.min && dayCount <= PARTY_ACCESS_DAYS.max;
  const chosen: CaseOutcome = signed ? outcome : 'no-agreement';
  const ready = daysValid && (chosen === 'agreement' || reason.trim().length > 0);

  function ask(e: FormEvent) {
    e.preventDefault();
    if (ready) setConfirming(true);
  }

  async function conclude() {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.concludeCase(c.id, { outcome: chosen, reason: reason.trim(), partyAccessDays: dayCount }), 'The case is concluded.');
    } catch (err) {
      setError(messageOf(err));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card case-lifecycle" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Conclude the case</h2>
      <p className="muted">
        When the mediation is over. The live session and the agreement draft end for everyone at once, and nothing in the case can
        be changed any more. The parties keep reading the signed agreement and their messages for the days you choose. You can
        reopen it later if you must; that is recorded.
      </p>
      <form onSubmit={ask} noValidate>
        <fieldset className="outcome-choices">
          <legend>How did it end?</legend>
          <label className="outcome-choice">
            <input type="radio" name={`${uid}-outcome`} checked={chosen === 'agreement'} disabled={!signed} onChange={() => setOutcome('agreement')} />
            <span>
              With a signed agreement
              <small>{signed ? 'Every party signed the current version.' : 'Possible once every party has signed a version of the agreement.'}</small>
            </span>
          </label>
          <label className="outcome-choice">
            <input type="radio" name={`${uid}-outcome`} checked={chosen === 'no-agreement'} onChange={() => setOutcome('no-agreement')} />
            <span>
              Without an agreement
              <small>Say why below.</small>
            </span>
          </label>
        </fieldset>
        <label className="lifecycle-label" htmlFor={`${uid}-reason`}>
          {chosen === 'agreement' ? 'A note for the parties (optional)' : 'Why it ended (the parties read this)'}
        </label>
        <textarea
          id={`${uid}-reason`}
          value={reason}
          rows={3}
          maxLength={CONCLUSION_REASON_MAX}
          onChange={(e) => setReason(e.target.value)}
          aria-describedby={`${uid}-reason-count`}
          required={chosen === 'no-agreement'}
        />
        <CharCount id={`${uid}-reason-count`} value={reason} max={CONCLUSION_REASON_MAX} />
        <label className="lifecycle-label" htmlFor={`${uid}-days`}>
          Days the parties can still read the agreement and their messages
        </label>
        <input
          id={`${uid}-days`}
          type="number"
          inputMode="numeric"
          min={PARTY_ACCESS_DAYS.min}
          max={PARTY_ACCESS_DAYS.max}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          aria-invalid={!daysValid}
          aria-describedby={`${uid}-days-help`}
        />
        <p id={`${uid}-days-help`} className={daysValid ? 'muted' : 'field-error'}>
          {daysValid ? `0 ends their access at once; at most ${PARTY_ACCESS_DAYS.max}.` : `Enter a whole number of days from 0 to ${PARTY_ACCESS_DAYS.max}.`}
        </p>
        <button type="submit" className="button button-primary" disabled={!ready || busy}>
          Conclude the case…
        </button>
      </form>
      {error ? (
        <p className="action-error" role="alert">
          {error}
        </p>
      ) : null}
      {confirming ? (
        <ModalDialog className="leave-dialog" labelledBy={`${uid}-confirm-h`} describedBy={`${uid}-confirm-d`} onCancel={() => setConfirming(false)}>
          <h2 id={`${uid}-confirm-h`}>Conclude “{c.title}”?</h2>
          <div id={`${uid}-confirm-d`}>
            <p>Everyone in the session now is disconnected, and nobody can join, write or edit the draft any more.</p>
            <p>
              {dayCount === 0
                ? 'The parties lose access at once.'
                : `The parties can read ${chosen === 'agreement' ? 'the signed agreement and ' : ''}their messages for ${dayCount} ${dayCount === 1 ? 'day' : 'days'}.`}
            </p>
          </div>
          <div className="button-row">
            <button type="button" className="button button-secondary" autoFocus onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="button button-primary" disabled={busy} onClick={() => void conclude()}>
              Conclude the case
            </button>
          </div>
        </ModalDialog>
      ) : null}
    </section>
  );
}

/** A short line for the case list: where a case that is no longer open stands. */
export function lifecycleBadgeText(l: CaseDetail['lifecycle']): string | null {
  if (l.state === 'concluded') return l.outcome === 'agreement' ? 'Concluded · agreement' : 'Concluded · no agreement';
  if (l.state === 'archived') return 'Archived';
  if (l.state === 'erased') return 'Erased';
  return null;
}
