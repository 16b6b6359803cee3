import { useId, useRef, useState, type FormEvent } from 'react';
import { DisplayName, InviteMediatorBody, type MediatorAccountView, type MediatorList, type Me } from '@parley/shared';
import { api, messageOf } from '../../api.ts';
import { CharCount, limitOf } from '../../components/CharCount.tsx';
import { PageHeading, Shell, useDocumentTitle } from '../../components/Page.tsx';
import { LoadStatus, useLoad } from '../../components/useLoad.tsx';
import { useCopy } from '../../components/useCopy.ts';
import { capitalise, formatDate, formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { MediatorAccount } from '../SignOutButton.tsx';
import './accounts.css';

const NAME_MAX = limitOf(DisplayName);

/** A one-time link just made: shown once, since only its hash is kept. */
interface ShownLink {
  what: string;
  forName: string;
  url: string;
  expiresAt: string;
}

/**
 * `/mediators`: the administrator's page [issue 13]. Every account of the platform, inviting a
 * mediator with a one-time link the administrator passes on themselves, a new sign-in link for
 * someone who lost theirs, and deactivating an account (it loses every session at once).
 */
export function MediatorsScreen() {
  const { state, reload, set } = useLoad<{ list: MediatorList; me: Me }>(async (signal) => ({ list: await api.listMediators(signal), me: await api.me(signal) }), { key: 'mediators' });
  const [shown, setShown] = useState<ShownLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  useDocumentTitle('Mediators');
  if (state.kind !== 'ready') return <LoadStatus state={state} what="the mediators" onRetry={() => void reload()} />;
  const { list, me } = state.data;
  const update = (next: MediatorList, said: string) => {
    set({ list: next, me });
    setAnnouncement(said);
  };

  async function act(run: () => Promise<void>) {
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  function deactivate(m: MediatorAccountView) {
    const ok = window.confirm(
      `Deactivate ${m.displayName}?\n\nThey are signed out everywhere at once, and any session or page they have open closes. Their sign-in links stop working. Their cases stay stored as they are: only their co-mediators can open them meanwhile. You can reactivate the account later.`,
    );
    if (ok) void act(async () => update(await api.deactivateMediator(m.id), `${m.displayName} was deactivated and signed out everywhere.`));
  }

  return (
    <Shell actions={<MediatorAccount />}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <span aria-current="page">Mediators</span>
      </nav>
      <PageHeading>Mediators</PageHeading>
      <p className="lead">
        Everyone who mediates on this platform. Each mediator sees only the cases they lead or co-mediate, and so do you.
      </p>
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>

      <InviteForm
        onInvited={(name, created) => {
          setShown({ what: 'Invitation link', forName: name, url: created.url, expiresAt: created.invitation.expiresAt });
          void reload();
        }}
      />
      {shown ? <LinkShownOnce link={shown} /> : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}

      <h2>Accounts</h2>
      <ul className="account-list">
        {list.mediators.map((m) => (
          <li key={m.id} className="account-item">
            <h3>
              {m.displayName}
              {m.id === me.mediator.id ? <span className="muted"> (you)</span> : null}
            </h3>
            <span>
              {m.isAdmin ? <span className="badge badge-ok">Administrator</span> : <span className="badge">Mediator</span>}{' '}
              {m.active ? null : <span className="badge badge-pending">Deactivated</span>}
            </span>
            <span className="muted">
              {m.organisation ? `${m.organisation} · ` : ''}Since {formatDate(m.createdAt)}
              {m.hasEmail ? ' · e-mail address on file' : ''}
            </span>
            {m.active && m.id !== me.mediator.id ? (
              <div className="button-row">
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() =>
                    void act(async () => {
                      const link = await api.mediatorSigninLink(m.id);
                      setShown({ what: 'Sign-in link', forName: m.displayName, url: link.url, expiresAt: link.expiresAt });
                    })
                  }
                >
                  New sign-in link
                </button>
                <button type="button" className="button button-quiet button-small" onClick={() => deactivate(m)}>
                  Deactivate {m.displayName}
                </button>
              </div>
            ) : null}
            {!m.active ? (
              <div className="button-row">
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() =>
                    void act(async () =>
                      update(
                        await api.reactivateMediator(m.id),
                        `${m.displayName} can sign in again: with a passkey, a link by e-mail where Parley sends mail, or a new sign-in link from you.`,
                      ),
                    )
                  }
                >
                  Reactivate {m.displayName}
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>

      <h2>Open invitations</h2>
      {list.invitations.length === 0 ? (
        <p className="muted">No invitation is waiting to be accepted.</p>
      ) : (
        <ul className="account-list">
          {list.invitations.map((i) => (
            <li key={i.id} className="account-item">
              <h3>{i.displayName}</h3>
              <span className="muted">
                Invited {formatDateTime(i.createdAt)} · the link works until {formatDateTime(i.expiresAt)}
              </span>
              <div className="button-row">
                <button
                  type="button"
                  className="button button-quiet button-small"
                  onClick={() => void act(async () => update(await api.withdrawMediatorInvitation(i.id), `The invitation of ${i.displayName} was withdrawn.`))}
                >
                  Withdraw the invitation of {i.displayName}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Shell>
  );
}

function InviteForm({ onInvited }: { onInvited: (name: string, created: Awaited<ReturnType<typeof api.inviteMediator>>) => void }) {
  const uid = useId();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<{ field: 'displayName' | 'email'; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = InviteMediatorBody.safeParse({ displayName: name, email });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0] === 'email' ? 'email' : 'displayName';
      setError({ field, message: capitalise(issue?.message ?? 'this cannot be used') });
      (field === 'email' ? emailRef : nameRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api.inviteMediator(parsed.data);
      setName('');
      setEmail('');
      onInvited(parsed.data.displayName, created);
    } catch (err) {
      setError({ field: 'displayName', message: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card invite-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Invite a mediator</h2>
      <p className="muted">
        Parley makes a link that works once, for 7 days. You send it to them yourself: Parley does not mail invitations. They choose
        how their name is shown when they open it.
      </p>
      <div className="field">
        <label htmlFor={`${uid}-name`}>Their name</label>
        <input ref={nameRef} id={`${uid}-name`} type="text" value={name} maxLength={NAME_MAX} onChange={(e) => { setName(e.target.value); setError(null); }}
          aria-invalid={error?.field === 'displayName' ? true : undefined} aria-describedby={`${uid}-count${error?.field === 'displayName' ? ` ${uid}-error` : ''}`} />
        <CharCount id={`${uid}-count`} value={name} max={NAME_MAX} />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-email`}>Their e-mail address (optional)</label>
        <p className="hint" id={`${uid}-email-hint`}>
          Kept encrypted. Parley mails nothing to it except a sign-in link they ask for themselves on the sign-in page (where this
          platform sends e-mail). They can change it on their profile.
        </p>
        <input ref={emailRef} id={`${uid}-email`} type="email" value={email} autoComplete="off" onChange={(e) => { setEmail(e.target.value); setError(null); }}
          aria-invalid={error?.field === 'email' ? true : undefined} aria-describedby={`${uid}-email-hint${error?.field === 'email' ? ` ${uid}-error` : ''}`} />
      </div>
      {error ? (
        <p className="field-error" id={`${uid}-error`}>
          {error.message}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Making the link…' : 'Invite a mediator'}
      </button>
    </form>
  );
}

/** The link, once: only its hash is stored, so it cannot be shown again. */
function LinkShownOnce({ link }: { link: ShownLink }) {
  const uid = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const { status, copy } = useCopy(inputRef);
  return (
    <section className="card link-once" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`} className="h3">
        {link.what} for {link.forName}
      </h2>
      <p>
        <strong>Send this link to {link.forName} yourself</strong>, for example by e-mail or a message. It works once, until{' '}
        {formatDateTime(link.expiresAt)}. It is shown only now: if it gets lost, make a new one.
      </p>
      <label htmlFor={`${uid}-url`} className="sr-only">
        {link.what} for {link.forName}
      </label>
      <input ref={inputRef} id={`${uid}-url`} type="text" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
      <div className="button-row">
        <button type="button" className="button button-secondary" onClick={() => void copy(link.url)}>
          Copy link
        </button>
      </div>
      <p className="copy-status" role="status" aria-live="polite">
        {status}
      </p>
    </section>
  );
}
