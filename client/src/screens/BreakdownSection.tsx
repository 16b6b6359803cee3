import { useId, useState, type FormEvent } from 'react';
import { BREAKDOWN_CLAUSE_ID, breakdownClause, requiresConsent, type BreakdownSettings, type CaseDetail } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { Notice } from '../components/Page.tsx';
import './session/breakdown.css';

/** Choices for the grace period; a saved value outside them is kept as its own option. */
const GRACE_CHOICES = [10, 15, 30, 45, 60, 90, 120, 180, 300, 600, 900];

function graceLabel(seconds: number): string {
  if (seconds < 60) return `${seconds} seconds`;
  const m = seconds / 60;
  return Number.isInteger(m) ? `${m} minute${m === 1 ? '' : 's'}` : `${Math.floor(m)} min ${seconds % 60} s`;
}

function same(a: BreakdownSettings, b: BreakdownSettings): boolean {
  return (
    a.graceSeconds === b.graceSeconds &&
    a.pauseJointSession === b.pauseJointSession &&
    a.audioOnlyFallback === b.audioOnlyFallback &&
    a.textFallback === b.textFallback &&
    a.reschedulingContact.trim() === b.reschedulingContact.trim()
  );
}

const saveBreakdown = (caseId: string, body: BreakdownSettings) => api.setBreakdown(caseId, body);

/**
 * The case's technology-breakdown procedure [3.6.6, 3.6.13, 3.7.17], set by the mediator. The
 * protocol agreement's clause is written from these settings, so a change is a new agreement:
 * everyone who consented is asked again before they can join.
 */
export function BreakdownSection({ c, onSaved }: { c: CaseDetail; onSaved: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const id = (k: string) => `${uid}-${k}`;
  // Null while untouched: the page polls the case, and the form follows it until the mediator edits.
  const [draft, setDraft] = useState<BreakdownSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const saved = c.breakdown;
  const values = draft ?? saved;
  const dirty = draft !== null && !same(draft, saved);
  const clauseIndex = c.agreement.clauses.findIndex((cl) => cl.id === BREAKDOWN_CLAUSE_ID);
  const currentClause = clauseIndex >= 0 ? c.agreement.clauses[clauseIndex] : breakdownClause(saved);
  const consented = c.participants.filter((p) => requiresConsent(p.role) && p.consent?.current);
  const graceOptions = GRACE_CHOICES.includes(values.graceSeconds) ? GRACE_CHOICES : [...GRACE_CHOICES, values.graceSeconds].sort((a, b) => a - b);

  const change = (patch: Partial<BreakdownSettings>) => setDraft({ ...values, ...patch });

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!draft || !dirty || busy) return;
    const who = consented.length
      ? `${consented.map((p) => p.displayName).join(', ')} already consented and will be asked to consent again before they can join a session.`
      : 'Nobody has consented yet.';
    // The browser's own dialog: keyboard and screen-reader friendly, and hard to confirm by accident.
    if (!window.confirm(`Change the breakdown procedure?\n\nThis changes the protocol agreement. ${who}`)) return;
    setBusy(true);
    setError(null);
    try {
      const next = await saveBreakdown(c.id, { ...draft, reschedulingContact: draft.reschedulingContact.trim() });
      setDraft(null);
      onSaved(next, 'The breakdown procedure was saved. The protocol agreement changed; everyone will be asked to consent again.');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="breakdown-settings" aria-labelledby={id('h')}>
      <h2 id={id('h')}>Breakdown procedure</h2>
      <p className="muted">
        What happens when someone’s connection breaks down during a session. It is written into{' '}
        {clauseIndex >= 0 ? `clause ${clauseIndex + 1}` : 'a clause'} of the protocol agreement, “{currentClause?.title}”, which everyone
        consents to before they join.
      </p>
      <p className="h3">The agreement says now</p>
      <blockquote className="breakdown-clause">{currentClause?.body}</blockquote>

      <form className="breakdown-form" onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor={id('grace')}>How long to wait for someone who dropped</label>
          <select id={id('grace')} value={values.graceSeconds} onChange={(e) => change({ graceSeconds: Number(e.target.value) })}>
            {graceOptions.map((s) => (
              <option key={s} value={s}>
                {graceLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input type="checkbox" checked={values.pauseJointSession} onChange={(e) => change({ pauseJointSession: e.target.checked })} />
          <span>
            Pause the joint session when a party is still missing after that time
            <small>Microphones in the joint room stay off until they are back or you resume.</small>
          </span>
        </label>
        <label className="check">
          <input type="checkbox" checked={values.audioOnlyFallback} onChange={(e) => change({ audioOnlyFallback: e.target.checked })} />
          <span>
            Switch to audio only by itself when someone’s network is too weak for video
            <small>Otherwise they are offered the switch and decide.</small>
          </span>
        </label>
        <label className="check">
          <input type="checkbox" checked={values.textFallback} onChange={(e) => change({ textFallback: e.target.checked })} />
          <span>
            Point people to the written messages while someone is away
          </span>
        </label>
        <div className="field">
          <label htmlFor={id('contact')}>Contact for arranging a new time (optional)</label>
          <input
            id={id('contact')}
            type="text"
            maxLength={200}
            value={values.reschedulingContact}
            placeholder="e.g. mediator@example.org or +44 20 7946 0000"
            onChange={(e) => change({ reschedulingContact: e.target.value })}
          />
        </div>

        {dirty ? (
          <>
            <p className="h3">The agreement will say</p>
            <blockquote className="breakdown-clause breakdown-clause-changed">{breakdownClause(draft).body}</blockquote>
            <Notice tone="warning">
              <p>
                Saving changes the protocol agreement.{' '}
                {consented.length
                  ? `${consented.length === 1 ? '1 person has' : `${consented.length} people have`} already consented; they will be asked to consent again before they can join a session.`
                  : 'Nobody has consented yet.'}
              </p>
            </Notice>
          </>
        ) : null}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={!dirty || busy}>
            Save breakdown procedure
          </button>
          {dirty ? (
            <button type="button" className="button button-quiet" onClick={() => setDraft(null)} disabled={busy}>
              Undo changes
            </button>
          ) : null}
        </div>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </section>
  );
}
