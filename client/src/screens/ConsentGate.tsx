import { useId, useRef, useState, type FormEvent } from 'react';
import type { InvitationView } from '@parley/shared';
import { ApiError, api, messageOf } from '../api.ts';
import { Notice } from '../components/Page.tsx';

/**
 * The protocol agreement, clause by clause. Every clause must be ticked before "I agree and
 * continue" is enabled; the consent names the exact clause set read (clauseSetHash) so a change by
 * the mediator in the meantime is refused by the server instead of silently accepted.
 */
export function ConsentGate({
  token,
  invitation,
  onConsented,
  onAgreementChanged,
}: {
  token: string;
  invitation: InvitationView;
  onConsented: (next: InvitationView) => void;
  onAgreementChanged: () => void;
}) {
  const uid = useId();
  const clauses = invitation.agreement.clauses;
  const [ticked, setTicked] = useState<Set<string>>(() => new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const allTicked = clauses.every((c) => ticked.has(c.id));
  const count = clauses.filter((c) => ticked.has(c.id)).length;

  function toggle(id: string, on: boolean) {
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!allTicked || busy) return;
    setBusy(true);
    setError(null);
    try {
      const next = await api.consent(token, {
        acceptedClauseIds: clauses.map((c) => c.id),
        clauseSetHash: invitation.clauseSetHash,
      });
      onConsented(next);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'conflict') {
        setTicked(new Set());
        setError('The mediator changed the agreement while you were reading it. Please read it again and tick each part.');
        onAgreementChanged();
      } else {
        setError(messageOf(err));
      }
      requestAnimationFrame(() => errorRef.current?.focus());
    }
  }

  return (
    <section className="consent" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Protocol agreement</h2>
      <p>
        These are the rules everyone in this mediation agrees to before meeting. Please read each part and tick the box
        under it. If something is unclear, you can ask the mediator before agreeing.
      </p>
      <form onSubmit={submit}>
        <ol className="clause-list">
          {clauses.map((clause) => {
            const boxId = `${uid}-${clause.id}`;
            return (
              <li key={clause.id} className={ticked.has(clause.id) ? 'clause-card clause-agreed' : 'clause-card'}>
                <h3 id={`${boxId}-title`}>{clause.title}</h3>
                <p id={`${boxId}-body`}>{clause.body}</p>
                <div className="check">
                  <input
                    id={boxId}
                    type="checkbox"
                    checked={ticked.has(clause.id)}
                    onChange={(e) => toggle(clause.id, e.target.checked)}
                  />
                  <label htmlFor={boxId}>I agree: {clause.title}</label>
                </div>
              </li>
            );
          })}
        </ol>

        {error ? (
          <div ref={errorRef} tabIndex={-1} role="alert">
            <Notice tone="error">
              <p>{error}</p>
            </Notice>
          </div>
        ) : null}

        <div className="consent-actions">
          <p className="muted" id={`${uid}-progress`} aria-live="polite">
            {allTicked ? 'You have ticked every part.' : `${count} of ${clauses.length} ticked. Tick every part to continue.`}
          </p>
          <button
            type="submit"
            className="button button-primary button-large"
            disabled={!allTicked || busy}
            aria-describedby={`${uid}-progress`}
          >
            {busy ? 'Saving…' : 'I agree and continue'}
          </button>
        </div>
      </form>
    </section>
  );
}
