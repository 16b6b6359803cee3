import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { JOINT_ROOM, canPublish, roleLabel, type Presence } from '@parley/shared';
import { Icon, RemoteAudio, VideoView } from '../components/media.tsx';
import { PageHeading, useDocumentTitle } from '../components/Page.tsx';
import { initials, listNames } from '../format.ts';
import { useSessionState } from '../session/hooks.ts';
import { SessionClient, type DeviceChoice, type SessionCredentials } from '../session/SessionClient.ts';
import type { ClosedReason, DeviceState, RemoteMedia, SessionState } from '../session/store.ts';

/**
 * Owns one SessionClient for as long as it is mounted (a new `key` means a new client, e.g. for
 * "Rejoin"). Unmounting leaves the session.
 */
export function SessionScreen({
  credentials,
  devices,
  caseTitle,
  onClosed,
}: {
  credentials: SessionCredentials;
  devices: DeviceChoice;
  caseTitle?: string;
  onClosed: (reason: ClosedReason) => void;
}) {
  const [client, setClient] = useState<SessionClient | null>(null);
  const current = useRef<SessionClient | null>(null);

  useEffect(() => {
    const c = new SessionClient(credentials, devices);
    current.current = c;
    setClient(c);
    c.start();
    return () => {
      current.current = null;
      void c.leave();
    };
    // One client per mount: credentials and devices are fixed for its lifetime.
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
  return <LiveSession client={client} caseTitleHint={caseTitle} onClosed={handleClosed} />;
}

const micWords: Record<DeviceState, string> = { on: 'Microphone on', off: 'Microphone off', none: 'No microphone' };
const cameraWords: Record<DeviceState, string> = { on: 'Camera on', off: 'Camera off', none: 'No camera' };

function roomName(roomId: string | undefined): string {
  return !roomId || roomId === JOINT_ROOM ? 'the joint room' : 'a private room (caucus)';
}

function describeRole(p: Pick<Presence, 'role' | 'side'>): string {
  return `${roleLabel[p.role]}${p.side ? ` · Side ${p.side}` : ''}`;
}

function LiveSession({
  client,
  caseTitleHint,
  onClosed,
}: {
  client: SessionClient;
  caseTitleHint?: string;
  onClosed: (c: SessionClient, reason: ClosedReason) => void;
}) {
  const s = useSessionState(client);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [soundRetry, setSoundRetry] = useState(0);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    if (s.connection.status === 'closed') onClosed(client, s.connection.reason);
  }, [client, s.connection, onClosed]);

  const title = s.caseTitle ?? caseTitleHint ?? 'Session';
  useDocumentTitle(title);

  const self = s.self;
  const roomPeople = s.others.filter((o) => !self || o.roomId === self.roomId);
  const names = roomPeople.map((p) => p.displayName);
  const observing = self ? !canPublish(self.role, 'mic') : false;

  let roomLine: string;
  const offline = s.connection.status !== 'joined';
  if (!self) roomLine = 'Connecting to the session…';
  else if (s.connection.status === 'connecting') roomLine = `Joining ${roomName(self.roomId)}…`;
  else if (offline)
    // Honest while the connection is down: nobody receives this person's camera or microphone.
    roomLine = `You are in ${roomName(self.roomId)} · Reconnecting: nobody can see or hear you right now`;
  else if (observing)
    roomLine = `You are in ${roomName(self.roomId)} · You are observing: nobody can see or hear you${names.length ? `. In this room: ${listNames(names)}` : ''}`;
  else if (names.length === 0) roomLine = `You are in ${roomName(self.roomId)} · Nobody else is in this room yet`;
  else roomLine = `You are in ${roomName(self.roomId)} · Everyone in this room can see and hear you: ${names.join(', ')}`;

  const audio = s.remote.filter((m) => m.kind === 'audio');
  const onBlocked = useCallback(() => setSoundBlocked(true), []);

  function turnOnSound() {
    setSoundBlocked(false);
    setSoundRetry((k) => k + 1);
  }

  async function leave() {
    setLeaving(true);
    await client.leave();
  }

  const { mic, camera } = s.local;
  return (
    <div className="session">
      <header className="session-top">
        <PageHeading className="session-title">{title}</PageHeading>
        <p className="room-line">
          <span className="room-dot" aria-hidden="true" />
          {roomLine}
        </p>
      </header>

      <StatusBanner state={s} soundBlocked={soundBlocked} onTurnOnSound={turnOnSound} />
      <p className="sr-only" aria-live="polite">
        {s.announcement.text}
      </p>

      <div className="session-body">
        <section className="stage" aria-label="Videos">
          {roomPeople.length === 0 ? (
            <div className="stage-empty">
              <p>{s.connection.status === 'joined' ? 'Waiting for the others to join…' : 'Connecting…'}</p>
            </div>
          ) : (
            <ul className={`tiles tiles-${Math.min(roomPeople.length, 6)}`}>
              {roomPeople.map((p) => (
                <li key={p.id}>
                  <RemoteTile person={p} media={s.remote.filter((m) => m.participantId === p.id)} offline={offline} />
                </li>
              ))}
            </ul>
          )}
          <SelfView name={self?.displayName ?? 'You'} track={s.local.cameraTrack} camera={camera} mic={mic} />
        </section>

        <section className="panel" aria-labelledby="participants-heading">
          <h2 id="participants-heading">Participants</h2>
          <ul className="panel-list">
            {self ? (
              <li className="panel-person">
                <span className="panel-name">{self.displayName} (you)</span>
                <span className="panel-role">{describeRole(self)}</span>
                <span className="panel-state">
                  {micWords[mic]} · {cameraWords[camera]}
                </span>
              </li>
            ) : null}
            {roomPeople.map((p) => (
              <li key={p.id} className="panel-person">
                <span className="panel-name">{p.displayName}</span>
                <span className="panel-role">{describeRole(p)}</span>
                <span className="panel-state">
                  {micWords[p.mic]} · {cameraWords[p.camera]}
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>

      <div className="controls" role="group" aria-label="Session controls">
        <button
          type="button"
          className={mic === 'off' ? 'control control-off' : 'control'}
          onClick={() => void client.setMicOn(mic !== 'on')}
          disabled={mic === 'none' || leaving}
        >
          <Icon name={mic === 'on' ? 'mic' : 'mic-off'} />
          <span>{mic === 'on' ? 'Mute microphone' : mic === 'off' ? 'Unmute microphone' : 'No microphone'}</span>
        </button>
        <button
          type="button"
          className={camera === 'off' ? 'control control-off' : 'control'}
          onClick={() => void client.setCameraOn(camera !== 'on')}
          disabled={camera === 'none' || leaving}
        >
          <Icon name={camera === 'on' ? 'camera' : 'camera-off'} />
          <span>{camera === 'on' ? 'Turn camera off' : camera === 'off' ? 'Turn camera on' : 'No camera'}</span>
        </button>
        <button type="button" className="control control-leave" onClick={() => void leave()} disabled={leaving}>
          <Icon name="leave" />
          <span>Leave session</span>
        </button>
      </div>

      <div className="audio-sinks" aria-hidden="true">
        {audio.map((m) => (
          <RemoteAudio
            key={m.consumerId}
            track={m.track}
            label={`Sound of ${s.others.find((o) => o.id === m.participantId)?.displayName ?? 'participant'}`}
            retryKey={soundRetry}
            onBlocked={onBlocked}
          />
        ))}
      </div>
    </div>
  );
}

function StatusBanner({ state, soundBlocked, onTurnOnSound }: { state: SessionState; soundBlocked: boolean; onTurnOnSound: () => void }) {
  const c = state.connection;
  let body: ReactNode = null;
  let tone = 'info';
  if (c.status === 'connecting' || c.status === 'idle') {
    body = (
      <p>
        <span className="spinner" aria-hidden="true" /> {('message' in c && c.message) || 'Connecting to the session…'}
      </p>
    );
  } else if (c.status === 'reconnecting') {
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
  return (
    <div className="status-area">
      <div role="status" aria-live="polite" className={body ? `banner banner-${tone}` : 'banner-empty'}>
        {body}
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

function RemoteTile({ person, media, offline }: { person: Presence; media: RemoteMedia[]; offline: boolean }) {
  const video = media.find((m) => m.kind === 'video' && m.source === 'camera');
  const sound = media.find((m) => m.kind === 'audio' && m.source === 'mic');
  const showVideo = !!video && !video.producerPaused && person.camera !== 'off';
  const muted = person.mic !== 'on' || (sound?.producerPaused ?? false);
  let placeholder = 'Camera off';
  if (person.camera === 'none') placeholder = 'No camera';
  else if (person.camera === 'on' && !video) placeholder = offline ? 'Reconnecting…' : 'Video starting…';

  return (
    <figure className="tile">
      {video ? <VideoView track={video.track} label={`Video of ${person.displayName}`} hidden={!showVideo} /> : null}
      {!showVideo ? (
        <div className="tile-placeholder">
          <span className="avatar" aria-hidden="true">
            {initials(person.displayName)}
          </span>
          <span className="tile-placeholder-text">{placeholder}</span>
        </div>
      ) : null}
      <figcaption className="tile-caption">
        <span className="tile-name">{person.displayName}</span>
        <span className="tile-role">{describeRole(person)}</span>
        {muted ? (
          <span className="tile-muted">
            <Icon name="mic-off" size={16} /> {person.mic === 'none' ? 'No microphone' : 'Muted'}
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}

function SelfView({ name, track, camera, mic }: { name: string; track: MediaStreamTrack | null; camera: DeviceState; mic: DeviceState }) {
  const showVideo = !!track && camera === 'on';
  return (
    <figure className="self-view">
      {track ? <VideoView track={track} label="Your own video (mirrored)" mirrored hidden={!showVideo} /> : null}
      {!showVideo ? (
        <div className="tile-placeholder tile-placeholder-small">
          <span className="avatar avatar-small" aria-hidden="true">
            {initials(name)}
          </span>
          <span className="tile-placeholder-text">{camera === 'none' ? 'No camera' : 'Camera off'}</span>
        </div>
      ) : null}
      <figcaption className="tile-caption tile-caption-small">
        <span className="tile-name">
          You
          {mic !== 'on' ? (
            <>
              {' '}
              <Icon name="mic-off" size={13} />
              <span className="sr-only">{mic === 'none' ? ', no microphone' : ', microphone off'}</span>
            </>
          ) : null}
        </span>
      </figcaption>
    </figure>
  );
}
