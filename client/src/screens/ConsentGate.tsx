import { useId, useRef, useState, type FormEvent } from 'react';
import { ASSESSOR_CAUCUS_CLAUSE_ID, isPlatformClause, type InvitationView, type ProtocolClause } from '@parley/shared';
import { ApiError, api, messageOf } from '../api.ts';
import { Notice } from '../components/Page.tsx';
import { NotReadyToAgree, OwnAnswers } from './ConsentAnswers.tsx';
import './consent.css';

/**
 * The protocol agreement, clause by clause. Every required clause must be ticked before "I agree and
 * continue" is enabled; the consent names the exact clause set read (clauseSetHash) so a change by
 * the mediator in the meantime is refused by the server instead of silently accepted.
 * Optional clauses (the assessor following into caucuses [3.6.10]) are a separate yes/no choice,
 * unticked by default: declining them never blocks joining. Only parties and advisors choose; the
 * mediator and assessors read them as information. Instead of agreeing, the person may ask the
 * mediator a question or decline (ConsentAnswers.tsx); what they sent is listed above the clauses.
 * Clauses the platform writes from the case's settings are marked as such.
 */
export function ConsentGate({
  token,
  invitation,
  onConsented,
  onAgreementChanged,
  onAnswered,
}: {
  token: string;
  invitation: InvitationView;
  onConsented: (next: InvitationView) => void;
  onAgreementChanged: () => void;
  /** A question or a decline was sent: the invitation as it stands now. */
  onAnswered: (next: InvitationView) => void;
}) {
  const [said, setSaid] = useState('');
  const uid = useId();
  const clauses = invitation.agreement.clauses;
  const [ticked, setTicked] = useState<Set<string>>(() => new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const required = clauses.filter((c) => !c.optional);
  const choosesOptional = invitation.participant.role === 'party' || invitation.participant.role === 'advisor';
  const allTicked = required.every((c) => ticked.has(c.id));
  const count = required.filter((c) => ticked.has(c.id)).length;

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
        acceptedClauseIds: clauses.filter((c) => !c.optional || (choosesOptional && ticked.has(c.id))).map((c) => c.id),
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
        under it. If something is unclear, you can ask the mediator before agreeing (below the agreement).
      </p>
      <p className="sr-only" role="status" aria-live="polite">
        {said}
      </p>
      <OwnAnswers answers={invitation.answers} />
      <form onSubmit={submit}>
        <ol className="clause-list">
          {clauses.map((clause) => {
            const boxId = `${uid}-${clause.id}`;
            if (clause.optional) {
              return <OptionalClause key={clause.id} clause={clause} boxId={boxId} chooses={choosesOptional} on={ticked.has(clause.id)} onChange={(on) => toggle(clause.id, on)} />;
            }
            return (
              <li key={clause.id} className={ticked.has(clause.id) ? 'clause-card clause-agreed' : 'clause-card'}>
                <h3 id={`${boxId}-title`}>{clause.title}</h3>
                {isPlatformClause(clause.id) ? <p className="clause-source">Written by Parley, the platform (not by your mediator)</p> : null}
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
            {allTicked
              ? `You have ticked every ${required.length < clauses.length ? 'required ' : ''}part.`
              : `${count} of ${required.length} ticked. Tick every ${required.length < clauses.length ? 'required ' : ''}part to continue.`}
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
      <NotReadyToAgree
        token={token}
        onAnswered={(next, text) => {
          setSaid(text);
          onAnswered(next);
        }}
      />
    </section>
  );
}

/** The wording of the yes/no box: what saying yes allows, in the person's own terms. */
function optionalLabel(clause: ProtocolClause): string {
  if (clause.id === ASSESSOR_CAUCUS_CLAUSE_ID) return 'Allow the assessor to follow the mediator into my private meetings';
  return `Yes: ${clause.title}`;
}

function OptionalClause({ clause, boxId, chooses, on, onChange }: { clause: ProtocolClause; boxId: string; chooses: boolean; on: boolean; onChange: (on: boolean) => void }) {
  return (
    <li className="clause-card clause-optional">
      <h3 id={`${boxId}-title`}>{clause.title}</h3>
      <p id={`${boxId}-body`}>{clause.body}</p>
      {chooses ? (
        <>
          <div className="check">
            <input id={boxId} type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${boxId}-hint`} />
            <label htmlFor={boxId}>{optionalLabel(clause)}</label>
          </div>
          {/* Spelled out both ways: a box ticked by habit, like all the others, should not pass unnoticed. */}
          <p className="hint" id={`${boxId}-hint`}>
            {on
              ? 'Ticked: yes, the assessor may follow the mediator into your private meetings. Untick to say no.'
              : 'Not ticked: no, the assessor stays out of your private meetings. You can still agree and join.'}
          </p>
        </>
      ) : (
        <p className="hint">Each party and advisor decides this for themselves.</p>
      )}
    </li>
  );
}
