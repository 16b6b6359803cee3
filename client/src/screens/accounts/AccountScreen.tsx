import { useId, useRef, useState, type FormEvent } from 'react';
import { DisplayName, ORGANISATION_MAX, STATEMENT_MAX, UpdateMeBody, type Me } from '@parley/shared';
import { ApiError, api, messageOf } from '../../api.ts';
import { CharCount, limitOf } from '../../components/CharCount.tsx';
import { PageHeading, Shell, useDocumentTitle } from '../../components/Page.tsx';
import { LoadStatus, useLoad } from '../../components/useLoad.tsx';
import { capitalise } from '../../format.ts';
import { Link } from '../../router.tsx';
import { MediatorAccount } from '../SignOutButton.tsx';
import { YourMediator } from '../YourMediator.tsx';
import './accounts.css';

const NAME_MAX = limitOf(DisplayName);

/**
 * `/account`: the mediator's profile, in their own words: the name they go by, their organisation
 * and a short statement. The people they invite read it before agreeing to anything [3.6.14].
 */
export function AccountScreen() {
  const { state, reload, set } = useLoad<Me>((signal) => api.me(signal), { key: 'me' });
  useDocumentTitle('Your profile');
  if (state.kind !== 'ready') return <LoadStatus state={state} what="your profile" onRetry={() => void reload()} />;
  return (
    <Shell actions={<MediatorAccount key={state.data.mediator.displayName} />}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <span aria-current="page">Your profile</span>
      </nav>
      <PageHeading>Your profile</PageHeading>
      <p className="lead">
        What the people you invite read about you on their invitation, before they agree to anything. It is your own statement:
        Parley shows it as you write it and does not check it.
      </p>
      <ProfileForm me={state.data} onSaved={set} />
    </Shell>
  );
}

function ProfileForm({ me, onSaved }: { me: Me; onSaved: (me: Me) => void }) {
  const uid = useId();
  const [draft, setDraft] = useState(draftOf(me));
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const edit = (field: keyof typeof draft) => (e: { target: { value: string } }) => {
    setDraft((d) => ({ ...d, [field]: e.target.value }));
    setError(null);
    setStatus('');
  };
  const focusField = (field: string) => requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus());

  async function save(e: FormEvent) {
    e.preventDefault();
    setStatus('');
    const parsed = UpdateMeBody.safeParse(draft);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? 'displayName');
      setError({ field, message: capitalise(issue?.message ?? 'this cannot be used') });
      focusField(field);
      return;
    }
    setBusy(true);
    try {
      const next = await api.updateMe(parsed.data);
      setDraft(draftOf(next));
      onSaved(next);
      setStatus('Saved. The people you invite see this from now on, on all your cases.');
    } catch (err) {
      // The one refusal a valid form can meet: another account has this address.
      const field = err instanceof ApiError && err.code === 'conflict' ? 'email' : 'displayName';
      setError({ field, message: messageOf(err) });
      focusField(field);
    } finally {
      setBusy(false);
    }
  }

  const described = (field: string, count: string) => `${count}${error?.field === field ? ` ${uid}-error` : ''}`;
  const fieldError = (field: string) =>
    error?.field === field ? (
      <p className="field-error" id={`${uid}-error`}>
        {error.message}
      </p>
    ) : null;

  return (
    <>
      <form ref={formRef} className="card profile-form" onSubmit={(e) => void save(e)} noValidate aria-label="Your profile">
        <div className="field">
          <label htmlFor={`${uid}-name`}>Name shown to participants</label>
          <input id={`${uid}-name`} name="displayName" type="text" value={draft.displayName} maxLength={NAME_MAX} autoComplete="name" onChange={edit('displayName')}
            aria-invalid={error?.field === 'displayName' ? true : undefined} aria-describedby={described('displayName', `${uid}-name-count`)} />
          <CharCount id={`${uid}-name-count`} value={draft.displayName} max={NAME_MAX} />
          {fieldError('displayName')}
        </div>
        <div className="field">
          <label htmlFor={`${uid}-org`}>Organisation (optional)</label>
          <input id={`${uid}-org`} name="organisation" type="text" value={draft.organisation} maxLength={ORGANISATION_MAX} autoComplete="organization" onChange={edit('organisation')}
            aria-invalid={error?.field === 'organisation' ? true : undefined} aria-describedby={described('organisation', `${uid}-org-count`)} />
          <CharCount id={`${uid}-org-count`} value={draft.organisation} max={ORGANISATION_MAX} />
          {fieldError('organisation')}
        </div>
        <div className="field">
          <label htmlFor={`${uid}-statement`}>About you: your disclosure statement (optional)</label>
          <p className="hint" id={`${uid}-statement-hint`}>
            For example your training and accreditation, who pays you and how, and anything that could affect your impartiality or
            that a party might see as a conflict of interest.
          </p>
          <textarea id={`${uid}-statement`} name="statement" rows={7} value={draft.statement} maxLength={STATEMENT_MAX} onChange={edit('statement')}
            aria-invalid={error?.field === 'statement' ? true : undefined} aria-describedby={described('statement', `${uid}-statement-hint ${uid}-statement-count`)} />
          <CharCount id={`${uid}-statement-count`} value={draft.statement} max={STATEMENT_MAX} />
          {fieldError('statement')}
        </div>
        <div className="field">
          <label htmlFor={`${uid}-email`}>Your e-mail address (optional)</label>
          <p className="hint" id={`${uid}-email-hint`}>
            Only for signing in: where Parley mails you a one-time sign-in link when you ask for one on the sign-in page (on a platform
            that sends e-mail). Nobody you invite sees it.
          </p>
          <input id={`${uid}-email`} name="email" type="email" value={draft.email} maxLength={254} autoComplete="email" onChange={edit('email')}
            aria-invalid={error?.field === 'email' ? true : undefined} aria-describedby={described('email', `${uid}-email-hint`)} />
          {fieldError('email')}
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
        <p className="save-status" role="status">
          {status}
        </p>
      </form>
      <h2>What the people you invite see</h2>
      <YourMediator mediator={me.mediator} />
    </>
  );
}

function draftOf(me: Me) {
  const m = me.mediator;
  return { displayName: m.displayName, organisation: m.organisation, statement: m.statement, email: m.email ?? '' };
}
