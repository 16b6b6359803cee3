import { useEffect, useId, useRef, useState } from 'react';
import { requiresConsent, roleLabel, type CaseConsentAnswer, type CaseDetail, type CaseMail, type ParticipantSummary, type PersonMail } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { LoadStatus, useLoad } from '../components/useLoad.tsx';
import { absoluteUrl, formatDate, formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { BreakdownSection } from './BreakdownSection.tsx';
import { WaitingRoomSection } from './WaitingRoomSection.tsx';
import { CaseAgreementSection, ConsentAnswersSection } from './CaseAgreementSection.tsx';
import { MediatorAccount } from './SignOutButton.tsx';
import { AddPersonForm } from './AddPersonForm.tsx';
import { MediatorsSection } from './MediatorsSection.tsx';
import { useCopy } from '../components/useCopy.ts';
import { ReleasedAssessment } from '../assessment/ReleasedAssessment.tsx';
import { ScheduleSection } from '../schedule/ScheduleSection.tsx';
import { mailApi } from '../mail/mailApi.ts';
import { PersonEmail } from '../mail/PersonEmail.tsx';
import { CaseLifecycleSection } from './CaseLifecycleSection.tsx';
import './cases.css';

const POLL_MS = 3_000;

/** `/cases/:caseId`: who is invited, who consented, who is online; links to share and manage. */
export function CaseScreen({ caseId }: { caseId: string }) {
  const { state, reload, set } = useLoad<CaseDetail>((signal) => api.getCase(caseId, signal), { key: caseId, pollMs: POLL_MS });
  const [announcement, setAnnouncement] = useState('');
  const mail = useLoad<CaseMail>((signal) => mailApi.caseMail(caseId, signal), { key: caseId });
  const mailOf = (pid: string) => (mail.state.kind === 'ready' && mail.state.data.available ? mail.state.data.people.find((m) => m.participantId === pid) : undefined);

  useDocumentTitle(state.kind === 'ready' ? state.data.title : 'Case');
  if (state.kind !== 'ready') return <LoadStatus state={state} what="this case" onRetry={() => void reload()} />;

  const { data: c, stale } = state;
  const invitees = c.participants.filter((p) => requiresConsent(p.role));
  const consented = invitees.filter((p) => p.consent?.current).length;
  const online = c.participants.filter((p) => p.online).length;
  // A concluded or archived case is read, not changed: the controls that would change it are not offered.
  const open = c.lifecycle.state === 'open';
  const changed = (next: CaseDetail, message: string) => {
    set(next);
    setAnnouncement(message);
  };

  return (
    <Shell actions={<MediatorAccount />}>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <span aria-current="page">{c.title}</span>
      </nav>
      <div className="case-header">
        <div>
          <PageHeading>{c.title}</PageHeading>
          <p className="muted">
            Created {formatDate(c.createdAt)} · {consented} of {invitees.length} consented · {online} online now
          </p>
        </div>
        <div className="case-actions">
          <Link to={`/cases/${encodeURIComponent(c.id)}/draft`} className="button button-secondary button-large">
            Agreement draft
          </Link>
          <Link to={`/cases/${encodeURIComponent(c.id)}/record`} className="button button-secondary button-large">
            Session record
          </Link>
          {open ? (
            <Link to={`/cases/${encodeURIComponent(c.id)}/session`} className="button button-primary button-large">
              Open session
            </Link>
          ) : null}
        </div>
      </div>

      {stale ? (
        <Notice tone="warning">
          <p>We lost contact with the server, so this page may be out of date. We keep trying.</p>
        </Notice>
      ) : null}

      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>

      {open ? null : <CaseLifecycleSection c={c} onChanged={changed} />}

      {open ? <ScheduleSection caseId={c.id} sides={[...new Set(c.participants.filter((p) => p.role === 'party' && p.side).map((p) => p.side!))].sort()} /> : null}

      <section className="case-messages" aria-labelledby="case-messages-heading">
        <h2 id="case-messages-heading">Messages</h2>
        <p className="muted">
          Write to everyone on the case, to a caucus, or privately to one person. The parties can read and answer between
          sessions too.
        </p>
        <Link to={`/cases/${encodeURIComponent(c.id)}/messages`} className="button button-secondary">
          Open messages
        </Link>
      </section>

      <fieldset className="case-frozen" disabled={!open}>
        {open ? null : <legend className="sr-only">Read only: the case is {c.lifecycle.state}</legend>}
        <ConsentAnswersSection c={c} onChanged={changed} />

        <h2>Participants</h2>
        <p className="muted">
          {open
            ? 'Send each person their own link (by e-mail, text message or chat). Nobody can join the session before they have agreed to the protocol agreement.'
            : 'Who took part. Their links now open only what they may still read.'}
        </p>
        <ul className="person-list">
          {c.participants.map((p) => (
            <li key={p.id}>
              <ParticipantCard
                caseId={c.id}
                participant={p}
                roleText={roleText(c, p)}
                lastAnswer={c.consentAnswers.find((a) => a.participantId === p.id && a.kind !== 'question')}
                mail={mailOf(p.id)}
                onMailChanged={(next, message) => {
                  mail.set(next);
                  setAnnouncement(message);
                }}
                onChanged={changed}
              />
            </li>
          ))}
        </ul>
        {open ? (
          <AddPersonForm
            detail={c}
            mailAvailable={mail.state.kind === 'ready' ? mail.state.data.available : null}
            onAdded={(next, message) => {
              changed(next, message);
              void mail.reload();
            }}
          />
        ) : null}
        <MediatorsSection c={c} onChanged={changed} />
      </fieldset>
      {/* The assessors assess the lead: what they share is the lead's to read. */}
      {c.participants.some((p) => p.role === 'assessor') && c.mediators.find((m) => m.lead)?.participantId === c.you ? <ReleasedAssessment caseId={c.id} /> : null}

      {open ? (
        <>
          <CaseAgreementSection c={c} onSaved={changed} />
          <WaitingRoomSection c={c} onSaved={changed} />
          <BreakdownSection c={c} onSaved={changed} />
          <CaseLifecycleSection c={c} onChanged={changed} />
        </>
      ) : null}
    </Shell>
  );
}

/** A mediator's role says who leads once there are several. */
function roleText(c: CaseDetail, p: ParticipantSummary): string {
  if (p.role !== 'mediator' || c.mediators.length < 2) return roleLabel[p.role];
  return c.mediators.find((m) => m.participantId === p.id)?.lead ? 'Mediator, leads this case' : 'Co-mediator';
}

function invitationText(p: ParticipantSummary): string {
  const inv = p.invitation;
  if (!inv) return 'No link needed';
  if (inv.status === 'revoked') return 'Link withdrawn';
  if (inv.status === 'expired') return `Link expired on ${formatDateTime(inv.expiresAt)}`;
  const opened = inv.openedAt ? `opened ${formatDateTime(inv.openedAt)}` : 'not opened yet';
  return `Link active, ${opened} · valid until ${formatDateTime(inv.expiresAt)}`;
}

function ConsentStatus({ p, lastAnswer }: { p: ParticipantSummary; lastAnswer: CaseConsentAnswer | undefined }) {
  if (!requiresConsent(p.role)) return <span>Not needed</span>;
  // Newer than any consent in force (a consent after it would be the current state instead).
  const answerAfterConsent = lastAnswer && (!p.consent || lastAnswer.at > p.consent.at) ? lastAnswer : undefined;
  if (!p.consent && answerAfterConsent?.kind === 'withdrawn') return <span className="status status-pending">Withdrew consent {formatDateTime(answerAfterConsent.at)}</span>;
  if (!p.consent?.current && answerAfterConsent?.kind === 'declined') return <span className="status status-pending">Declined {formatDateTime(answerAfterConsent.at)}</span>;
  if (!p.consent) return <span className="status status-pending">Not yet consented</span>;
  if (!p.consent.current) return <span className="status status-pending">Consented to an earlier version; needs to consent again</span>;
  return (
    <span className="status status-ok">
      Consented <span className="muted">{formatDateTime(p.consent.at)}</span>
    </span>
  );
}

function ParticipantCard({
  caseId,
  participant: p,
  roleText,
  lastAnswer,
  onChanged,
  mail,
  onMailChanged,
}: {
  caseId: string;
  participant: ParticipantSummary;
  roleText: string;
  lastAnswer: CaseConsentAnswer | undefined;
  onChanged: (detail: CaseDetail, announcement: string) => void;
  /** Their address, where the platform sends mail. */
  mail: PersonMail | undefined;
  onMailChanged: (next: CaseMail, announcement: string) => void;
}) {
  const uid = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { status: copyStatus, copy: copyText } = useCopy(inputRef);

  const inv = p.invitation;
  const url = inv ? absoluteUrl(inv.url) : '';
  const nameId = `${uid}-name`;

  async function copy() {
    setError(null);
    await copyText(url);
  }

  function withdraw() {
    // The browser's own dialog: keyboard and screen-reader friendly, and hard to confirm by accident.
    const ok = window.confirm(
      `Withdraw the link for ${p.displayName}?\n\nIt stops working at once, and if ${p.displayName} is in the session they will be disconnected. You can create a new link afterwards.`,
    );
    if (ok) void run('revoke');
  }

  function takeOff() {
    const agreement =
      p.role === 'assessor'
        ? ' The protocol agreement will no longer disclose them, so everyone who agreed to it is asked to agree again before their next session.'
        : '';
    const ok = window.confirm(
      `Take ${p.displayName} off this case?\n\nTheir link stops working at once and, if they are in the session, they are taken out of it. Their earlier messages stay in the threads, and the session record notes that you removed them.${agreement} To bring them back, add them again: they get a new link and agree to the protocol agreement again.`,
    );
    if (ok) void run('remove');
  }

  async function run(action: 'revoke' | 'reissue' | 'remove') {
    setBusy(true);
    setError(null);
    try {
      if (action === 'remove') {
        const next = await api.removeParticipant(caseId, p.id);
        // This card goes away: the announcement says what happened.
        onChanged(next, `${p.displayName} was taken off the case.`);
        return;
      }
      const next =
        action === 'revoke' ? await api.revokeLink(caseId, p.id) : await api.reissueLink(caseId, p.id);
      // The button that was pressed may be gone now; keep keyboard focus in this card.
      requestAnimationFrame(() => headingRef.current?.focus());
      onChanged(
        next,
        action === 'revoke'
          ? `The link for ${p.displayName} was withdrawn.`
          : `A new link for ${p.displayName} is ready. The old link no longer works.`,
      );
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="person-card" aria-labelledby={nameId}>
      <div className="person-head">
        <h3 id={nameId} ref={headingRef} tabIndex={-1}>
          {p.displayName}
        </h3>
        <span className={p.online ? 'presence presence-online' : 'presence'}>
          <span className="dot" aria-hidden="true" />
          {p.online ? 'Online' : 'Offline'}
        </span>
      </div>
      <dl className="facts">
        <div>
          <dt>Role</dt>
          <dd>{roleText}</dd>
        </div>
        <div>
          <dt>Side</dt>
          <dd>{p.side ?? '—'}</dd>
        </div>
        <div>
          <dt>Invitation</dt>
          <dd>{invitationText(p)}</dd>
        </div>
        <div>
          <dt>Consent</dt>
          <dd>
            <ConsentStatus p={p} lastAnswer={lastAnswer} />
          </dd>
        </div>
      </dl>
      {mail ? <PersonEmail caseId={caseId} name={p.displayName} mail={mail} onChanged={onMailChanged} /> : null}

      {inv ? (
        <div className="link-box">
          {inv.status === 'active' ? (
            <>
              <label htmlFor={`${uid}-url`}>Invitation link for {p.displayName}</label>
              <input
                ref={inputRef}
                id={`${uid}-url`}
                type="text"
                readOnly
                value={url}
                onFocus={(e) => e.currentTarget.select()}
                spellCheck={false}
              />
            </>
          ) : (
            <p className="muted">
              {inv.status === 'revoked'
                ? 'This link no longer works. Create a new link to invite them again.'
                : 'This link has expired. Create a new link to invite them again.'}
            </p>
          )}

          <div className="button-row">
            {inv.status === 'active' ? (
              <>
                <button type="button" className="button button-secondary" onClick={() => void copy()}>
                  Copy link
                </button>
                <button type="button" className="button button-quiet" onClick={withdraw} disabled={busy}>
                  Withdraw link
                </button>
              </>
            ) : null}
            <button type="button" className="button button-quiet" onClick={() => void run('reissue')} disabled={busy}>
              New link
            </button>
            <button type="button" className="button button-quiet" onClick={takeOff} disabled={busy}>
              Take off the case
            </button>
          </div>
          <p className="copy-status" role="status" aria-live="polite">
            {copyStatus}
          </p>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}
