import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { DisplayName, roleLabel, UpdateMeBody, type CaseSummary, type Me } from '@parley/shared';
import { ApiError, api, isAbort, messageOf } from '../api.ts';
import { limitOf } from '../components/CharCount.tsx';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { capitalise, formatDate } from '../format.ts';
import { Link } from '../router.tsx';
import { usePolling } from '../components/useLoad.tsx';
import { NewCaseForm } from './NewCaseForm.tsx';
import { SignOutButton } from './SignOutButton.tsx';
import { EmailLinkSignIn } from '../account/EmailLinkSignIn.tsx';
import { PasskeySignIn } from '../account/PasskeySignIn.tsx';
import { PasskeysSection } from '../account/PasskeysSection.tsx';
import './cases.css';
import './MediatorHome.css';
import { TextField } from '../components/TextField.tsx';
import { lifecycleBadgeText } from './CaseLifecycleSection.tsx';

const HOME_POLL_MS = 10_000;

type HomeState =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; me: Me; cases: CaseSummary[] };

/** `/`: the signed-in mediator's cases and the "New case" form; otherwise how to sign in. */
export function MediatorHome() {
  const [state, setState] = useState<HomeState>({ kind: 'loading' });
  const [reloadKey, setReloadKey] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    (async () => {
      try {
        const me = await api.me(ctrl.signal);
        const { cases } = await api.listCases(ctrl.signal);
        setState({ kind: 'ready', me, cases });
      } catch (error) {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out' });
        else setState({ kind: 'error', message: messageOf(error) });
      }
    })();
    return () => ctrl.abort();
  }, [reloadKey]);

  // A sign-in that ends elsewhere (signed out in another tab, the account deactivated) shows here
  // without a reload: the list is read again now and then while the tab is visible.
  usePolling(
    async (signal) => {
      try {
        const { cases } = await api.listCases(signal);
        setState((prev) => (prev.kind === 'ready' ? { ...prev, cases } : prev));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out' });
      }
    },
    HOME_POLL_MS,
    reloadKey,
  );

  const retry = useCallback(() => {
    setState({ kind: 'loading' });
    setReloadKey((k) => k + 1);
  }, []);

  useDocumentTitle(state.kind === 'signed-out' ? 'Sign in' : state.kind === 'ready' ? 'Your cases' : '');

  if (state.kind === 'loading') {
    return (
      <Shell narrow>
        <Loading label="Loading…" />
      </Shell>
    );
  }
  if (state.kind === 'signed-out') return <SignedOut onSignedIn={retry} />;
  if (state.kind === 'error') {
    return (
      <Shell narrow>
        <PageHeading>Your cases</PageHeading>
        <Notice tone="error" title="We could not load your cases.">
          <p>{state.message}</p>
        </Notice>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </Shell>
    );
  }

  const { me, cases } = state;
  return (
    <Shell actions={<SignOutButton name={me.mediator.displayName} isAdmin={me.mediator.isAdmin} onSignedOut={retry} />}>
      <PageHeading>Your cases</PageHeading>
      {cases.length === 0 ? (
        <p className="muted">You have no cases yet. Create your first case with the form below.</p>
      ) : (
        <CaseList cases={cases} />
      )}
      <NewCaseForm />
      <section className="card templates-entry" aria-labelledby="templates-entry-heading">
        <h2 id="templates-entry-heading">Protocol agreement templates</h2>
        <p className="muted">
          Your own wording of fees, conflicts of interest, disclosure, recording, governing law and language, for the agreement
          every participant accepts before joining.
        </p>
        <Link to="/templates" className="button button-secondary">
          Agreement templates
        </Link>
      </section>
      <YourName me={me} onSaved={(next) => setState({ kind: 'ready', me: next, cases })} />
      <PasskeysSection />
    </Shell>
  );
}

type CaseFilter = 'current' | CaseSummary['lifecycle']['state'] | 'all';
const FILTERS: Array<{ id: CaseFilter; label: string; keeps: (c: CaseSummary) => boolean }> = [
  { id: 'current', label: 'Open and concluded', keeps: (c) => c.lifecycle.state === 'open' || c.lifecycle.state === 'concluded' },
  { id: 'open', label: 'Open', keeps: (c) => c.lifecycle.state === 'open' },
  { id: 'concluded', label: 'Concluded', keeps: (c) => c.lifecycle.state === 'concluded' },
  { id: 'archived', label: 'Archived', keeps: (c) => c.lifecycle.state === 'archived' },
  { id: 'all', label: 'All cases', keeps: () => true },
];

/** The mediator's cases, by default those still open or concluded; archived ones on request [issue 15]. */
function CaseList({ cases }: { cases: CaseSummary[] }) {
  const uid = useId();
  const [filter, setFilter] = useState<CaseFilter>('current');
  const chosen = FILTERS.find((f) => f.id === filter)!;
  const shown = cases.filter(chosen.keeps);
  return (
    <>
      <div className="case-filter">
        <label htmlFor={`${uid}-filter`}>Show</label>
        <select id={`${uid}-filter`} value={filter} onChange={(e) => setFilter(e.target.value as CaseFilter)}>
          {FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label} ({cases.filter(f.keeps).length})
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? (
        <p className="muted">No {chosen.label.toLowerCase()} cases.</p>
      ) : (
        <ul className="case-list">
          {shown.map((c) => {
            const state = lifecycleBadgeText(c.lifecycle);
            return (
              <li key={c.id} className="case-item">
                <Link to={`/cases/${encodeURIComponent(c.id)}`} className="case-link">
                  {c.title}
                </Link>
                <span className="case-meta">
                  {state ? <span className="badge badge-state">{state}</span> : null}
                  {c.mediatorRole === 'co' ? <span className="badge">You co-mediate</span> : null}
                  {c.onlineCount > 0 ? <span className="badge badge-live">Live now · {c.onlineCount} in the session</span> : null}
                  {c.lifecycle.state === 'open' ? <ConsentProgress consented={c.consentedCount} total={c.participantCount} /> : null}
                  {c.agreement ? <AgreementProgress agreement={c.agreement} /> : null}
                  <span className="muted">Created {formatDate(c.createdAt)}</span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

const NAME_MAX = limitOf(DisplayName);

/**
 * The name the mediator goes by (PUT /api/me). It is sealed into each case, so the server renames
 * the mediator on every existing case too; people already in a session see it when they next join.
 */
function YourName({ me, onSaved }: { me: Me; onSaved: (me: Me) => void }) {
  const uid = useId();
  const current = me.mediator.displayName;
  const [name, setName] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  // The account starts out called "Mediator": the parties would read "Mediator" for a person.
  const placeholderName = current.trim().toLowerCase() === roleLabel.mediator.toLowerCase();

  async function save(e: FormEvent) {
    e.preventDefault();
    setStatus('');
    const parsed = UpdateMeBody.safeParse({ displayName: name });
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'this name cannot be used'));
      inputRef.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const next = await api.updateMe(parsed.data);
      setName(next.mediator.displayName);
      onSaved(next);
      setStatus(`Saved. You are now called ${next.mediator.displayName} on all your cases.`);
    } catch (err) {
      setError(messageOf(err));
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card your-name" aria-labelledby={`${uid}-heading`}>
      <h2 id={`${uid}-heading`}>Your name</h2>
      <p className="muted">
        {placeholderName ? 'You are shown as “Mediator”. Add your own name so that people know who they are talking to. ' : ''}
        The people you invite see this name on their invitation, in the session and in messages. A new name applies to
        all your cases; anyone already in a session sees it when they next join.
      </p>
      <form className="your-name-form" onSubmit={(e) => void save(e)} noValidate>
        <TextField
          id={`${uid}-name`}
          label="Name shown to participants"
          value={name}
          max={NAME_MAX}
          autoComplete="name"
          inputRef={inputRef}
          error={error}
          onValue={(v) => {
            setName(v);
            setError(null);
            setStatus('');
          }}
        />
        <button type="submit" className="button button-secondary" disabled={busy}>
          {busy ? 'Saving…' : 'Save name'}
        </button>
      </form>
      <p className="save-status" role="status">
        {status}
      </p>
    </section>
  );
}

function ConsentProgress({ consented, total }: { consented: number; total: number }) {
  const all = total > 0 && consented >= total;
  return (
    <span className={all ? 'badge badge-ok' : 'badge'}>
      {consented} of {total} consented
    </span>
  );
}

/** Where the newest frozen version stands, in the words of the sign-off page. */
function AgreementProgress({ agreement: a }: { agreement: NonNullable<CaseSummary['agreement']> }) {
  if (a.status === 'signed') return <span className="badge badge-ok">Agreement signed (version {a.version})</span>;
  if (a.status === 'voided') return <span className="badge">Agreement version {a.version} withdrawn</span>;
  return (
    <span className="badge badge-pending">
      Agreement version {a.version}: {a.signedCount} of {a.signerCount} signed
    </span>
  );
}

function SignedOut({ onSignedIn }: { onSignedIn: () => void }) {
  return (
    <Shell narrow>
      <PageHeading>Sign in to Parley</PageHeading>
      <PasskeySignIn onSignedIn={onSignedIn} />
      <EmailLinkSignIn />
      <p className="lead">Or sign in with a one-time link.</p>
      <p>
        Were you invited to mediate here? Open the invitation link the administrator sent you, or ask them for a new sign-in
        link. The administrator signs in with the link printed when the platform started:
      </p>
      <ol className="steps">
        <li>Look at the terminal (or the server log) where Parley was started.</li>
        <li>
          Find the line with a link that ends in <code>/signin#token=…</code>.
        </li>
        <li>Open that link in this browser. You will come straight back here, signed in.</li>
      </ol>
      <p className="muted">
        Each sign-in link works only once. If yours was already used, the administrator restarts Parley to print a new one.
      </p>
      <p className="muted">
        Invited to a mediation? Open the personal link the mediator sent you instead; you do not need to sign
        in.
      </p>
    </Shell>
  );
}
