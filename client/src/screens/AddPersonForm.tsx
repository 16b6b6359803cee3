import { useId, useState, type FormEvent } from 'react';
import { AddParticipantBody, MAX_ASSESSORS, type CaseDetail } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { capitalise } from '../format.ts';
import { NO_MAIL_HERE } from '../mail/mailApi.ts';

type Role = AddParticipantBody['role'];
const SIDES = ['A', 'B', 'C', 'D'] as const;

/** What adding someone of this role means for them and for everyone else, said before the mediator commits. */
const CONSEQUENCES: Record<Role, string> = {
  party:
    'A party takes part in the mediation with their own link. They must agree to the protocol agreement before they can join; the others are not asked to agree again, and they see the new person listed on the case with their side.',
  advisor:
    'An advisor (counsel or a support person) accompanies one side, with their own link. They must agree to the protocol agreement before they can join; the others are not asked to agree again, and they see the advisor listed with their side.',
  assessor: `An assessor observes you for an ODR-QAP assessment: they watch and listen, cannot speak, share or edit, and are shown to everyone as “Assessor (observing)”. They follow you into a caucus only if everyone in it agreed. Adding one changes the protocol agreement, so everyone has to agree to it again before their next session. At most ${MAX_ASSESSORS} assessors per case.`,
};

/**
 * "Add someone to the case" on the case page: a party, an advisor or an assessor after the case
 * was created [3.6.10, 3.6.14], with the consequences for consent said for the chosen role.
 */
export function AddPersonForm({ detail, mailAvailable, onAdded }: { detail: CaseDetail; /** null while not known yet. */ mailAvailable: boolean | null; onAdded: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('party');
  const [side, setSide] = useState<string>('A');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const assessorsFull = detail.participants.filter((p) => p.role === 'assessor').length >= MAX_ASSESSORS;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const parsed = AddParticipantBody.safeParse({ displayName: name, role, side: role === 'assessor' ? null : side, ...(mailAvailable ? { email } : {}) });
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'Please check the name.'));
      return;
    }
    setBusy(true);
    try {
      const next = await api.addParticipant(detail.id, parsed.data);
      setName('');
      setEmail('');
      const as = parsed.data.role === 'assessor' ? 'assessor' : `${parsed.data.role}, side ${parsed.data.side}`;
      // Handed to the outbox, not yet delivered: say what Parley does, not what it cannot know.
      const link = parsed.data.email
        ? `Parley is sending their invitation link to ${parsed.data.email}; if it does not arrive, copy it from the list of participants.`
        : 'Their invitation link is ready in the list of participants.';
      onAdded(next, `${parsed.data.displayName} was added as ${as}. ${link}`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card add-person" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Add someone to the case</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="add-person-fields">
          <div className="field">
            <label htmlFor={`${uid}-role`}>Role</label>
            <select id={`${uid}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)} aria-describedby={`${uid}-about`}>
              <option value="party">Party</option>
              <option value="advisor">Advisor</option>
              <option value="assessor" disabled={assessorsFull && role !== 'assessor'}>
                Assessor (observes you){assessorsFull ? ' · the case has its assessors' : ''}
              </option>
            </select>
          </div>
          {role !== 'assessor' ? (
            <div className="field">
              <label htmlFor={`${uid}-side`}>Side</label>
              <select id={`${uid}-side`} value={side} onChange={(e) => setSide(e.target.value)}>
                {SIDES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`${uid}-name`}>Name</label>
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
          </div>
          {mailAvailable ? (
            <div className="field">
              <label htmlFor={`${uid}-email`}>E-mail address (optional)</label>
              <input id={`${uid}-email`} type="email" value={email} maxLength={254} autoComplete="off" onChange={(e) => setEmail(e.target.value)} aria-describedby={`${uid}-mail`} />
            </div>
          ) : null}
        </div>
        {mailAvailable === true ? (
          <p className="muted" id={`${uid}-mail`}>
            With an address, Parley e-mails them their link now and later the session times, a reminder and a note when there are
            new messages, never what anyone wrote. They can turn these e-mails off.
          </p>
        ) : mailAvailable === false ? (
          <p className="muted">{NO_MAIL_HERE}</p>
        ) : null}
        <p className="muted" id={`${uid}-about`}>
          {CONSEQUENCES[role]}
        </p>
        {error ? (
          <p className="field-error" id={`${uid}-error`} role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button button-secondary" disabled={busy || (role === 'assessor' && assessorsFull)}>
          {busy ? 'Adding…' : 'Add to the case'}
        </button>
      </form>
    </section>
  );
}
