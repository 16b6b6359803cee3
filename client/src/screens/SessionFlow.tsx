import { useEffect, useState, type ReactNode } from 'react';
import { CloseCode } from '@parley/shared';
import { Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { Link } from '../router.tsx';
import { SessionClient, type DeviceChoice, type SessionCredentials } from '../session/SessionClient.ts';
import type { ClosedReason } from '../session/store.ts';
import { PreJoin } from './PreJoin.tsx';
import { ObserverPreJoin } from '../assessment/ObserverPreJoin.tsx';
import { SessionScreen } from './SessionScreen.tsx';

type Stage =
  | { kind: 'prejoin' }
  /** `prepared`: the client the pre-join screen connected, already joining, handed over to the session. */
  | { kind: 'live'; attempt: number; prepared: SessionClient | null }
  | { kind: 'closed'; reason: ClosedReason; attempt: number };

/**
 * While the person checks their camera and microphone, a session client connects and loads its
 * device (nothing changes on the server), so pressing Join only has to join. Returns a function
 * that starts the join and hands the client over (it is then the session's to close); otherwise
 * it is closed when the pre-join screen goes away.
 */
function usePreparedClient(credentials: SessionCredentials, active: boolean): (devices: DeviceChoice) => SessionClient | null {
  const [slot] = useState(() => ({ client: null as SessionClient | null }));
  useEffect(() => {
    if (!active) return;
    const c = new SessionClient(credentials);
    slot.client = c;
    c.start();
    return () => {
      if (slot.client === c) {
        slot.client = null;
        void c.leave();
      }
    };
    // The credentials are fixed for the flow's lifetime.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);
  return (devices) => {
    const c = slot.client;
    slot.client = null;
    // Joining starts in the click itself, not after the session screen has rendered.
    c?.join(devices);
    return c;
  };
}

/**
 * Pre-join → session → "you left" (or why the session ended), for both roles.
 * `onRefused` lets the invitee's page take over for reasons it handles itself (consent missing,
 * link withdrawn); it returns true when it did.
 */
export function SessionFlow({
  credentials,
  caseTitle,
  intro,
  backTo,
  onRefused,
  observer,
}: {
  credentials: SessionCredentials;
  caseTitle?: string;
  intro?: ReactNode;
  backTo?: { href: string; label: string };
  onRefused?: (reason: ClosedReason) => boolean;
  /** An assessor: never publishes, so no camera check (and no camera light) before joining. */
  observer?: boolean;
}) {
  const [stage, setStage] = useState<Stage>({ kind: 'prejoin' });
  const [choice, setChoice] = useState<DeviceChoice>({ micDeviceId: null, cameraDeviceId: null });
  const takePrepared = usePreparedClient(credentials, stage.kind === 'prejoin');

  if (stage.kind === 'prejoin' && observer) {
    return <ObserverPreJoin intro={intro} onJoin={() => setStage({ kind: 'live', attempt: 1, prepared: takePrepared(choice) })} />;
  }
  if (stage.kind === 'prejoin') {
    return (
      <PreJoin
        intro={intro}
        onJoin={(c) => {
          setChoice(c);
          setStage({ kind: 'live', attempt: 1, prepared: takePrepared(c) });
        }}
      />
    );
  }
  if (stage.kind === 'live') {
    return (
      <SessionScreen
        key={stage.attempt}
        credentials={credentials}
        devices={choice}
        prepared={stage.prepared}
        caseTitle={caseTitle}
        onClosed={(reason) => {
          if (reason.why !== 'left' && onRefused?.(reason)) return;
          setStage({ kind: 'closed', reason, attempt: stage.attempt });
        }}
      />
    );
  }
  return (
    <ClosedScreen
      reason={stage.reason}
      backTo={backTo}
      onRejoin={() => setStage({ kind: 'live', attempt: stage.attempt + 1, prepared: null })}
      onCheckDevices={() => setStage({ kind: 'prejoin' })}
    />
  );
}

function ClosedScreen({
  reason,
  backTo,
  onRejoin,
  onCheckDevices,
}: {
  reason: ClosedReason;
  backTo?: { href: string; label: string };
  onRejoin: () => void;
  onCheckDevices: () => void;
}) {
  const heading =
    reason.why === 'left'
      ? 'You left the session'
      : reason.code === CloseCode.Replaced
        ? 'This session is open in another window'
        : reason.code === CloseCode.ReplacedElsewhere
          ? 'Your link was opened somewhere else'
          : reason.code === CloseCode.SessionEnded
            ? 'The session has ended'
            : reason.why === 'terminal'
            ? 'The session ended for you'
            : reason.why === 'refused'
              ? 'You could not join the session'
              : 'Something went wrong';
  useDocumentTitle(heading);

  return (
    <Shell narrow>
      <PageHeading>{heading}</PageHeading>
      {reason.why === 'left' ? (
        <p className="lead">Your camera and microphone are off. You can come back while the session is still going.</p>
      ) : (
        <Notice tone={reason.why === 'terminal' && (reason.code === CloseCode.Replaced || reason.code === CloseCode.SessionEnded) ? 'info' : 'warning'}>
          <p>{reason.message}</p>
        </Notice>
      )}
      {reason.why === 'refused' && !backTo ? (
        <p>If this keeps happening, contact the mediator.</p>
      ) : null}
      <div className="button-row">
        {reason.canRejoin ? (
          <button type="button" className="button button-primary button-large" onClick={onRejoin}>
            {reason.why === 'left' ? 'Rejoin' : reason.code === CloseCode.SessionEnded ? 'Join again' : 'Join here instead'}
          </button>
        ) : null}
        {reason.why === 'left' ? (
          <button type="button" className="button button-quiet" onClick={onCheckDevices}>
            Check camera and microphone
          </button>
        ) : null}
        {backTo ? (
          <Link to={backTo.href} className="button button-secondary">
            {backTo.label}
          </Link>
        ) : null}
      </div>
    </Shell>
  );
}
