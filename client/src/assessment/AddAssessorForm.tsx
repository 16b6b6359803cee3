import { useId, useState, type FormEvent } from 'react';
import { AddParticipantBody, MAX_ASSESSORS, type CaseDetail } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { capitalise } from '../format.ts';
import './assessment.css';

/**
 * "Add an assessor" on the case page: an ODR-QAP observer of the mediator, with no side. Adding one
 * rewrites the protocol agreement to disclose them [3.6.10, 3.6.14], so everyone consents again;
 * the form says so before the mediator commits. Hidden once the case has its two assessors.
 */
export function AddAssessorForm({ caseId, detail, onAdded }: { caseId: string; detail: CaseDetail; onAdded: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const count = detail.participants.filter((p) => p.role === 'assessor').length;
  if (count >= MAX_ASSESSORS) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const parsed = AddParticipantBody.safeParse({ displayName: name, role: 'assessor', side: null });
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'Please check the name.'));
      return;
    }
    setBusy(true);
    try {
      const next = await api.addParticipant(caseId, parsed.data);
      setName('');
      onAdded(next, `${parsed.data.displayName} was added as assessor. Their invitation link is ready below.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card add-assessor" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Add an assessor</h2>
      <p className="muted" id={`${uid}-about`}>
        An assessor observes you for an ODR-QAP assessment: they watch and listen, cannot speak, share or edit, and are
        shown to everyone as “Assessor (observing)”. They follow you into a caucus only if everyone in it agreed. Adding
        one changes the protocol agreement, so everyone has to agree to it again before their next session. At most{' '}
        {MAX_ASSESSORS} assessors per case.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${uid}-name`}>Assessor’s name</label>
          <input
            id={`${uid}-name`}
            type="text"
            value={name}
            maxLength={80}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${uid}-error ${uid}-about` : `${uid}-about`}
          />
          {error ? (
            <p className="field-error" id={`${uid}-error`} role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button-secondary" disabled={busy}>
          {busy ? 'Adding…' : 'Add assessor'}
        </button>
      </form>
    </section>
  );
}
