import { useId, useRef, useState, type FormEvent } from 'react';
import { DisplayName, type MediatorInvitationView } from '@parley/shared';
import { ApiError, api, messageOf } from '../../api.ts';
import { limitOf } from '../../components/CharCount.tsx';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../../components/Page.tsx';
import { usePolling } from '../../components/useLoad.tsx';
import { capitalise, formatDateTime } from '../../format.ts';
import { hashParam, navigate, useLocation } from '../../router.tsx';
import './accounts.css';
import { TextField } from '../../components/TextField.tsx';

const NAME_MAX = limitOf(DisplayName);

type State =
  | { kind: 'loading' }
  | { kind: 'ready'; view: MediatorInvitationView }
  | { kind: 'problem'; heading: string; text: string }
  | { kind: 'error'; message: string };

const problems: Record<string, { heading: string; text: string }> = {
  link_invalid: { heading: 'This invitation link does not work', text: 'It was already used, or it is incomplete. If you copied it, check that you copied all of it.' },
  link_expired: { heading: 'This invitation has expired', text: 'Invitation links work for 7 days, and this one has run out.' },
  link_revoked: { heading: 'This invitation was withdrawn', text: 'The administrator withdrew this invitation, so it no longer creates an account.' },
};

/**
 * `/welcome#token=…`: an invitation to mediate on this platform [issue 13]. The invitee sees who
 * invited them, confirms their name and is signed in; the link then stops working.
 */
export function WelcomeScreen() {
  const { hash } = useLocation();
  const token = hashParam(hash, 'token');
  const [state, setState] = useState<State>({ kind: 'loading' });
  useDocumentTitle('Invitation to mediate');
  // Read once (the interval is never reached): the link is only read here, never used up.
  usePolling(
    async (signal) => {
      if (!token) return setState({ kind: 'problem', ...problems.link_invalid! });
      try {
        setState({ kind: 'ready', view: await api.mediatorInvitation(token, signal) });
      } catch (err) {
        if (signal.aborted) return;
        const problem = err instanceof ApiError ? problems[err.code] : undefined;
        setState(problem ? { kind: 'problem', ...problem } : { kind: 'error', message: messageOf(err) });
      }
    },
    2 ** 31 - 1,
    token,
  );

  if (state.kind === 'loading') {
    return (
      <Shell narrow>
        <Loading label="Reading your invitation…" />
      </Shell>
    );
  }
  if (state.kind !== 'ready') {
    return (
      <Shell narrow>
        <PageHeading>{state.kind === 'problem' ? state.heading : 'We could not read this invitation'}</PageHeading>
        <p className="lead">{state.kind === 'problem' ? state.text : state.message}</p>
        <Notice tone="info" title="What to do next">
          <p>Ask the person who invited you for a new link.</p>
        </Notice>
      </Shell>
    );
  }
  return <AcceptForm token={token!} view={state.view} />;
}

function AcceptForm({ token, view }: { token: string; view: MediatorInvitationView }) {
  const uid = useId();
  const [name, setName] = useState(view.displayName);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  async function accept(e: FormEvent) {
    e.preventDefault();
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'this name cannot be used'));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.acceptMediatorInvitation(token, parsed.data);
      // Replace, so the used link does not stay in the history.
      navigate('/', { replace: true });
    } catch (err) {
      setBusy(false);
      setError(messageOf(err));
      inputRef.current?.focus();
    }
  }

  return (
    <Shell narrow>
      <PageHeading>Welcome to Parley</PageHeading>
      <p className="lead">
        {view.invitedBy} invited you to mediate on this platform. Confirm your name to create your mediator account; you are then
        signed in on this browser.
      </p>
      <form className="card profile-form" onSubmit={(e) => void accept(e)} noValidate aria-label="Create your account">
        <TextField
          id={`${uid}-name`}
          label="Your name, as the people you invite will see it"
          value={name}
          max={NAME_MAX}
          autoComplete="name"
          inputRef={inputRef}
          error={error}
          onValue={(v) => {
            setName(v);
            setError(null);
          }}
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create my account'}
        </button>
      </form>
      <p className="muted">
        This link works once, until {formatDateTime(view.expiresAt)}. You will see only your own cases. To sign in again later, add a
        passkey on your cases page, ask for a sign-in link by e-mail on the sign-in page (where this platform sends e-mail), or ask{' '}
        {view.invitedBy} for a sign-in link.
      </p>
    </Shell>
  );
}
