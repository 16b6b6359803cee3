import { useId, useState } from 'react';
import { MAX_CO_MEDIATORS, type CaseDetail, type CaseMediator, type ColleagueList } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { useLoad } from '../components/useLoad.tsx';

/**
 * Who mediates the case [issue 13; 3.6.10, 3.6.14]: the lead and any co-mediators. The lead asks a
 * colleague on the platform to co-mediate, or takes one off; either way the protocol agreement is
 * rewritten and every party and advisor agrees again before their next session. A co-mediator
 * sees who leads and what only the lead can change.
 */
export function MediatorsSection({ c, onChanged }: { c: CaseDetail; onChanged: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const lead = c.mediators.find((m) => m.lead);
  const iLead = lead?.participantId === c.you;
  const co = c.mediators.filter((m) => !m.lead);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove(m: CaseMediator) {
    const ok = window.confirm(
      `Take ${m.displayName} off this case?\n\nThe case leaves their list, and if they are in the session they are taken out of it at once. The protocol agreement no longer names them, so every party and advisor is asked to agree again before their next session. The session record notes that you removed them.`,
    );
    if (!ok) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.removeCoMediator(c.id, m.participantId), `${m.displayName} no longer co-mediates this case. Everyone is asked to agree to the protocol agreement again.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card case-mediators" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Mediators</h2>
      <ul className="mediator-list">
        {c.mediators.map((m) => (
          <li key={m.participantId} className="mediator-item">
            <span>
              <strong>{m.displayName}</strong>
              {m.participantId === c.you ? ' (you)' : ''}
              {m.organisation ? <span className="muted"> · {m.organisation}</span> : null}
            </span>
            <span className="mediator-role">{m.lead ? 'Leads this case' : 'Co-mediator'}</span>
            {iLead && !m.lead ? (
              <button type="button" className="button button-quiet" disabled={busy} onClick={() => void remove(m)}>
                Take {m.displayName} off
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {error ? (
        <p className="action-error" role="alert">
          {error}
        </p>
      ) : null}
      {iLead ? (
        <AddCoMediator c={c} full={co.length >= MAX_CO_MEDIATORS} onChanged={onChanged} />
      ) : (
        <p className="muted">
          You co-mediate this case with {lead?.displayName ?? 'its lead mediator'}: you can do everything they can here and in the
          sessions. Only {lead?.displayName ?? 'the lead'} can add or remove co-mediators, choose the protocol agreement’s template
          and read what assessors share about them.
        </p>
      )}
    </section>
  );
}

function AddCoMediator({ c, full, onChanged }: { c: CaseDetail; full: boolean; onChanged: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const { state } = useLoad<ColleagueList>((signal) => api.listColleagues(signal), { key: 'colleagues' });
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onCase = new Set(c.mediators.map((m) => m.accountId));
  const colleagues = state.kind === 'ready' ? state.data.colleagues.filter((x) => !onCase.has(x.id)) : [];
  const about = `${uid}-about`;

  async function add() {
    const who = colleagues.find((x) => x.id === chosen);
    if (!who) {
      setError('Choose a colleague first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await api.addCoMediator(c.id, { mediatorId: who.id });
      setChosen('');
      onChanged(next, `${who.displayName} now co-mediates this case. Everyone is asked to agree to the protocol agreement again.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  if (full) return <p className="muted">The case has {MAX_CO_MEDIATORS} co-mediators, the most it can have.</p>;
  if (state.kind === 'ready' && colleagues.length === 0) {
    return (
      <p className="muted">
        {state.data.colleagues.length === 0 ? 'There is no other mediator on this platform to ask.' : 'Every other mediator on this platform already co-mediates this case.'}{' '}
        The platform’s administrator invites mediators on the Mediators page.
      </p>
    );
  }
  return (
    <div className="add-co-mediator">
      <p className="muted" id={about}>
        A co-mediator can do everything you can on this case and in its sessions, and reads the private and caucus messages. The
        protocol agreement names them, so every party and advisor agrees again before their next session.
      </p>
      <div className="template-choice">
        <div className="field">
          <label htmlFor={`${uid}-who`}>Ask a colleague to co-mediate</label>
          <select id={`${uid}-who`} value={chosen} onChange={(e) => setChosen(e.target.value)} aria-describedby={about} disabled={state.kind !== 'ready'}>
            <option value="">{state.kind === 'ready' ? 'Choose a colleague…' : 'Loading colleagues…'}</option>
            {colleagues.map((x) => (
              <option key={x.id} value={x.id}>
                {x.displayName}
                {x.organisation ? ` (${x.organisation})` : ''}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button button-secondary" disabled={busy || !chosen} onClick={() => void add()}>
          {busy ? 'Adding…' : 'Add as co-mediator'}
        </button>
      </div>
      {error ? (
        <p className="action-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
