import { startTransition, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { canModerate, draftAccess, requiresConsent } from '@parley/shared';
import { Icon, RemoteAudio } from '../components/media.tsx';
import { PageHeading, useDocumentTitle } from '../components/Page.tsx';
import { useSessionState } from '../session/hooks.ts';
import { SessionClient, type DeviceChoice, type SessionCredentials } from '../session/SessionClient.ts';
import type { ClosedReason, SessionState } from '../session/store.ts';
import { AnnouncementForm, AnnouncementLog, AnnouncementToasts } from './session/Announcements.tsx';
import { NetworkBanner, OwnConnectionBanner, PauseBanner } from './session/BreakdownBanners.tsx';
import { BreakdownPanel } from './session/BreakdownPanel.tsx';
import { ControlBar } from './session/ControlBar.tsx';
import { ParticipantsPanel } from './session/ParticipantsPanel.tsx';
import { MediatorRequests, UnmutePrompt } from './session/Requests.tsx';
import { RoomLine, RoomStatus } from './session/RoomHeader.tsx';
import { RoomsPanel } from './session/RoomsPanel.tsx';
import { WaitingList } from './session/WaitingList.tsx';
import { Stage } from './session/Stage.tsx';
import { useLeaveGuard } from './session/LeaveGuard.tsx';
import { DraftEditor } from '../draft/LazyDraftEditor.tsx';
import { ReviewAgreement } from '../signoff/ReviewAgreement.tsx';
import { SessionAgreementBanner } from '../signoff/SessionAgreementBanner.tsx';
import { ScorecardPanel } from '../assessment/ScorecardPanel.tsx';
import { jumpTo } from '../assessment/jump.ts';
import { MessagesToggle, SessionMessagesPanel, useSessionThreads } from '../threads/SessionThreads.tsx';
import { Section } from '../components/Section.tsx';
import { WithdrawConsent } from './ConsentAnswers.tsx';
import './consent.css';
import './session/session.css';
import './session/rooms.css';
import './session/stage.css';

/** The longest the side panels wait, after the stage is drawn, for the others' media to connect. */
const PANELS_WAIT_MAX_MS = 1_000;

/**
 * Owns one SessionClient for as long as it is mounted (a new `key` means a new client, e.g. for
 * "Rejoin"): the one the pre-join screen `prepared` (connected, device loaded), or a new one.
 * Unmounting leaves the session.
 */
export function SessionScreen({
  credentials,
  devices,
  prepared,
  caseTitle,
  onClosed,
}: {
  credentials: SessionCredentials;
  devices: DeviceChoice;
  prepared?: SessionClient | null;
  caseTitle?: string;
  onClosed: (reason: ClosedReason) => void;
}) {
  const [client, setClient] = useState<SessionClient | null>(null);
  const current = useRef<SessionClient | null>(null);

  useEffect(() => {
    // A prepared client that already ended (React runs effects twice in development) is not reused.
    const c = prepared && !prepared.ended ? prepared : new SessionClient(credentials);
    current.current = c;
    setClient(c);
    c.join(devices);
    return () => {
      current.current = null;
      void c.leave();
    };
    // One client per mount: credentials, devices and the prepared client are fixed for its lifetime.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const handleClosed = useCallback(
    (c: SessionClient, reason: ClosedReason) => {
      // Ignore a client this screen already let go of (React may mount effects twice in development).
      if (current.current === c) onClosed(reason);
    },
    [onClosed],
  );

  if (!client) return <div className="session session-booting" />;
  return <LiveSession client={client} credentials={credentials} caseTitleHint={caseTitle} onClosed={handleClosed} />;
}

/**
 * The live session: who can hear me (top), the stage, the side panel (participants; for the
 * mediator also rooms and announcements), and my own controls (bottom).
 */
function LiveSession({
  client,
  credentials,
  caseTitleHint,
  onClosed,
}: {
  client: SessionClient;
  credentials: SessionCredentials;
  caseTitleHint?: string;
  onClosed: (c: SessionClient, reason: ClosedReason) => void;
}) {
  const s = useSessionState(client);
  // Threads keep their own connection, so they survive reconnects of the session [2.10].
  const joinedOnce = useRef(false);
  if (s.connection.status === 'joined') joinedOnce.current = true;
  const threads = useSessionThreads(credentials, s.self, joinedOnce.current);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [soundRetry, setSoundRetry] = useState(0);
  const [leaving, setLeaving] = useState(false);
  // The agreement draft beside the stage (IMI 3.8.1); its own connection, independent of the media.
  const [showDraft, setShowDraft] = useState(false);
  // Reading (and signing) the frozen version, in place of the draft, without leaving the session.
  const [reviewing, setReviewing] = useState(false);
  const draftAllowed = s.self ? draftAccess(s.self.role, 'agreement') : 'none';

  useEffect(() => {
    if (s.connection.status === 'closed') onClosed(client, s.connection.reason);
  }, [client, s.connection, onClosed]);

  const title = s.caseTitle ?? caseTitleHint ?? 'Session';
  useDocumentTitle(title);
  const mediator = !!s.self && canModerate(s.self.role);
  const assessing = s.self?.role === 'assessor';

  // Once in, until the session ends for me or I press Leave (which needs no second question).
  const leaveDialog = useLeaveGuard(!!s.self && s.connection.status !== 'closed' && !leaving);

  // The first join is under way: a light view (what is happening, the pictures as they come, and
  // a way out) rather than the whole session, whose drawing would hold up the first pictures
  // (SessionClient.showSessionAfterPictures). The stage, the heading and the sound are the same
  // elements in both views (same places in the tree), so the switch neither restarts a video nor
  // moves the focus.
  const full = !(s.arriving && s.connection.status !== 'closed');

  const audio = s.remote.filter((m) => m.kind === 'audio');
  const onBlocked = useCallback(() => setSoundBlocked(true), []);
  // The side panels are drawn after the stage, once the others' media can flow (at most a second
  // later), as an interruptible update: the first pictures need the stage's video elements and
  // the device's time for connecting, not the panels.
  const [panelsShown, setPanelsShown] = useState(false);
  useEffect(() => {
    if (!full || panelsShown) return;
    let live = true;
    void client.receiving(PANELS_WAIT_MAX_MS).then(() => {
      if (live) startTransition(() => setPanelsShown(true));
    });
    return () => {
      live = false;
    };
  }, [client, full, panelsShown]);

  function turnOnSound() {
    setSoundBlocked(false);
    setSoundRetry((k) => k + 1);
  }

  async function leave() {
    setLeaving(true);
    await client.leave();
  }

  // Invitees open the review here; the mediator reads it on the case's draft page.
  const openReview =
    credentials.kind === 'invitee'
      ? () => {
          setShowDraft(true);
          setReviewing(true);
        }
      : null;
  const me = s.self ? { id: s.self.id, role: s.self.role } : null;

  // The written thread as the breakdown procedure's fallback [3.6.13]: its own connection.
  const openMessages = threads.client ? () => threads.setOpen(true) : null;

  return (
    <div className={!full ? 'session session-arriving' : mediator ? 'session session-mediator' : assessing ? 'session session-assessor' : 'session'}>
      {/* An assessor has no microphone or camera; what they reach for is their scorecard. */}
      {!full ? null : assessing ? (
        <a className="skip-link" href="#session-scorecard" onClick={(e) => jumpTo(e, 'session-scorecard')}>
          Skip to your scorecard
        </a>
      ) : (
        <a className="skip-link" href="#session-controls">
          Skip to your microphone and camera
        </a>
      )}
      <header className="session-top">
        <PageHeading className="session-title">{title}</PageHeading>
        {full ? (
          <>
            <RoomLine s={s} />
            <RoomStatus client={client} s={s} />
            <MessagesToggle threads={threads} />
            {/* On a phone the scorecard is below the videos: one tap away instead of a long scroll. */}
            {assessing ? (
              <a className="button button-secondary button-small session-scorecard-link" href="#session-scorecard" onClick={(e) => jumpTo(e, 'session-scorecard')}>
                Your scorecard
              </a>
            ) : null}
            {draftAllowed !== 'none' ? (
              <button type="button" className="button button-secondary button-small" aria-expanded={showDraft} aria-controls="session-draft"
                onClick={() => {
                  setShowDraft((v) => !v);
                  setReviewing(false);
                }}
              >
                Agreement draft
              </button>
            ) : null}
          </>
        ) : null}
      </header>

      {full ? (
        <div className="status-area">
          <OwnConnectionBanner s={s} onOpenMessages={openMessages} />
          <PauseBanner client={client} s={s} onOpenMessages={openMessages} />
          <NetworkBanner client={client} s={s} />
        </div>
      ) : null}
      {full && me && !showDraft ? <SessionAgreementBanner status={s.agreement} self={me} onOpen={openReview} compact /> : null}
      <StatusBanner state={s} soundBlocked={full && soundBlocked} onTurnOnSound={turnOnSound} onDismissNotice={() => client.room.dismissNotice()} />
      {full ? (
        <>
          {/* In the flow of the page, never over it: nothing may hide the line saying who can hear me. */}
          <AnnouncementToasts announcements={s.announcements} />
          {mediator ? <MediatorRequests client={client} s={s} /> : null}
          {mediator ? <WaitingList client={client} people={s.others} /> : null}
          <p className="sr-only" aria-live="polite">
            {s.announcement.text}
          </p>
        </>
      ) : null}

      <div className="session-body">
        {/* While joining, once the server has said who is in the room (before that, the banner says what is happening). */}
        {full || s.self ? <Stage client={client} s={s} selfShown={full || !!s.local.cameraTrack || !!s.local.micTrack} /> : null}
        {full && showDraft && s.self && s.caseId && draftAllowed !== 'none' ? (
          <div id="session-draft" className="session-draft">
            {reviewing && credentials.kind === 'invitee' ? (
              <div className="session-review">
                <ReviewAgreement token={credentials.token} self={{ id: s.self.id, role: s.self.role }} caseTitle={title} onBack={() => setReviewing(false)} inSession />
              </div>
            ) : (
              <>
                <SessionAgreementBanner status={s.agreement} self={{ id: s.self.id, role: s.self.role }} onOpen={openReview} />
                <DraftEditor
                  caseId={s.caseId}
                  kind="agreement"
                  {...(credentials.kind === 'invitee' ? { token: credentials.token } : {})}
                  self={{ participantId: s.self.id, name: s.self.displayName, role: s.self.role }}
                  access={draftAllowed}
                  label="Agreement draft"
                />
              </>
            )}
          </div>
        ) : null}
        {full ? (
          <div className="side-panel">
            {panelsShown ? (
              <>
                {assessing && credentials.kind === 'invitee' ? (
                  <div id="session-scorecard" tabIndex={-1}>
                    <ScorecardPanel token={credentials.token} variant="session" />
                  </div>
                ) : null}
                <SessionMessagesPanel threads={threads} />
                {mediator ? <RoomsPanel client={client} s={s} /> : null}
                {mediator ? <BreakdownPanel client={client} s={s} /> : null}
                <ParticipantsPanel client={client} s={s} />
                {/* Withdrawing takes the person out at once: the server closes the session with its own reason (4414). */}
                {credentials.kind === 'invitee' && s.self && requiresConsent(s.self.role) ? (
                  <Section title="Your consent" defaultOpen={false}>
                    <WithdrawConsent token={credentials.token} />
                  </Section>
                ) : null}
                {mediator ? <AnnouncementForm client={client} /> : null}
                <AnnouncementLog announcements={s.announcements} />
              </>
            ) : null}
          </div>
        ) : null}
      </div>

      {full ? (
        <>
          <UnmutePrompt client={client} s={s} />
          <ControlBar client={client} s={s} leaving={leaving} onLeave={() => void leave()} />
        </>
      ) : (
        <div className="status-area arriving-actions">
          <button type="button" className="button button-secondary" disabled={leaving} onClick={() => void leave()}>
            Leave session
          </button>
        </div>
      )}
      {leaveDialog}

      <div className="audio-sinks" aria-hidden="true">
        {audio.map((m) => {
          const name = s.others.find((o) => o.id === m.participantId)?.displayName ?? 'participant';
          return (
            <RemoteAudio
              key={m.consumerId}
              track={m.track}
              label={m.source === 'screen-audio' ? `Sound from ${name}’s shared screen` : `Sound of ${name}`}
              retryKey={soundRetry}
              onBlocked={onBlocked}
            />
          );
        })}
      </div>
    </div>
  );
}

function StatusBanner({
  state,
  soundBlocked,
  onTurnOnSound,
  onDismissNotice,
}: {
  state: SessionState;
  soundBlocked: boolean;
  onTurnOnSound: () => void;
  onDismissNotice: () => void;
}) {
  const c = state.connection;
  let body: ReactNode = null;
  let tone = 'info';
  if (c.status === 'connecting' || c.status === 'idle') {
    body = (
      <p>
        <span className="spinner" aria-hidden="true" /> {('message' in c && c.message) || 'Connecting to the session…'}
      </p>
    );
  } else if (c.status === 'reconnecting' && !state.outage) {
    // A first join that failed and is tried again; a drop after joining is OwnConnectionBanner's.
    tone = 'warning';
    body = (
      <>
        <p className="notice-title">
          <span className="spinner" aria-hidden="true" /> {c.message}
        </p>
        <p>
          Keep this page open. If it takes long, check your Wi-Fi or mobile data; turning your camera off uses less
          data.
        </p>
      </>
    );
  } else if (c.status === 'joined' && state.local.warning) {
    tone = 'warning';
    body = <p>{state.local.warning}</p>;
  }
  const notice = state.local.notice;
  return (
    <div className="status-area">
      <div role="status" aria-live="polite" className={body ? `banner banner-${tone}` : 'banner-empty'}>
        {body}
      </div>
      <div role="status" aria-live="polite" className={notice ? 'banner banner-info banner-action' : 'banner-empty'}>
        {notice ? (
          <>
            <p>{notice.text}</p>
            <button type="button" className="button button-small button-secondary" onClick={onDismissNotice}>
              OK
            </button>
          </>
        ) : null}
      </div>
      {soundBlocked ? (
        <div className="banner banner-warning banner-action">
          <p>Your browser paused the sound of this session.</p>
          <button type="button" className="button button-primary" onClick={onTurnOnSound}>
            <Icon name="sound" size={18} /> Turn on sound
          </button>
        </div>
      ) : null}
    </div>
  );
}
