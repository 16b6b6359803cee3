import { useEffect, useId, useState, type FormEvent } from 'react';
import { MAX_CAMERAS, OBSERVER_WAITING_ROOM, canPublish } from '@parley/shared';
import { Icon } from '../../components/media.tsx';
import { listCameras, suggestCamera, type CameraDevice } from '../../session/capture.ts';
import type { SessionClient } from '../../session/SessionClient.ts';
import { PRIMARY_CAMERA_LABEL, freshLabel } from '../../session/sources.ts';
import type { SessionState } from '../../session/store.ts';
import { isPauseHold } from './view.ts';

/** My own microphone, cameras and screen share, and Leave: always at hand at the bottom. */
export function ControlBar({ client, s, leaving, onLeave }: { client: SessionClient; s: SessionState; leaving: boolean; onLeave: () => void }) {
  const { mic, camera, extraCameras, screen } = s.local;
  const [adding, setAdding] = useState(false);
  const [sharing, setSharing] = useState(false);
  const held = s.self?.micHeldBy ?? null;
  const heldId = useId();
  const audioOnlyId = useId();
  const audioOnly = s.network.audioOnly;
  const publishes = !!s.self && canPublish(s.self.role, 'camera');
  const observer = !!s.self && !canPublish(s.self.role, 'mic');
  const canShare = publishes && typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;
  const cameraCount = (camera === 'none' ? 0 : 1) + extraCameras.length;
  const joined = s.connection.status === 'joined';

  async function toggleShare() {
    if (screen) return void client.screen.stop();
    setSharing(true);
    try {
      await client.screen.share();
    } finally {
      setSharing(false);
    }
  }

  return (
    <div className="controls-area">
      {adding ? <AddCameraForm client={client} s={s} onClose={() => setAdding(false)} /> : null}
      {extraCameras.length ? (
        <ul className="extra-cameras" aria-label="Your extra cameras">
          {extraCameras.map((c) => (
            <li key={c.key} className="extra-camera">
              <span className="extra-camera-name">{c.label}</span>
              <button type="button" className="button button-small button-secondary" onClick={() => void client.sources.setExtraCameraOn(c.key, c.state !== 'on')}>
                {c.state === 'on' ? `Turn ${c.label} off` : `Turn ${c.label} on`}
              </button>
              <button type="button" className="button button-small button-quiet" onClick={() => void client.sources.removeCamera(c.key)}>
                Remove {c.label}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="controls" role="group" aria-label="Session controls" id="session-controls" tabIndex={-1}>
        {/* An assessor observes: no microphone or camera to offer (threats #2), just say so. */}
        {observer ? (
          <p className="control-observer">{s.self?.roomId === OBSERVER_WAITING_ROOM ? 'Not observing right now: nobody sees or hears you' : 'Observing: nobody sees or hears you'}</p>
        ) : (
          <>
            <button
              type="button"
              className={held && mic !== 'on' ? 'control control-held-mic' : mic === 'off' ? 'control control-off' : 'control'}
              onClick={() => void client.setMicOn(mic !== 'on')}
              disabled={mic === 'none' || leaving || (!!held && mic !== 'on')}
              aria-label={held && mic !== 'on' ? 'Unmute microphone' : undefined}
              aria-describedby={held ? heldId : undefined}
            >
              <Icon name={mic === 'on' ? 'mic' : 'mic-off'} />
              <span>{mic === 'on' ? 'Mute microphone' : mic === 'off' ? 'Unmute microphone' : 'No microphone'}</span>
              {held ? (
                <span id={heldId} className="control-held">
                  {isPauseHold(held) ? 'Off while the joint session is paused' : `Muted by ${held.displayName}`}
                </span>
              ) : null}
            </button>
            <button
              type="button"
              className={camera === 'off' ? 'control control-off' : 'control'}
              onClick={() => void client.setCameraOn(camera !== 'on')}
              // On audio only the camera comes back with "Try video again", which also tells the server.
              disabled={camera === 'none' || leaving || (!!audioOnly && camera !== 'on')}
              aria-describedby={audioOnly ? audioOnlyId : undefined}
            >
              <Icon name={camera === 'on' ? 'camera' : 'camera-off'} />
              <span>{camera === 'on' ? 'Turn camera off' : camera === 'off' ? 'Turn camera on' : 'No camera'}</span>
              {audioOnly ? (
                <span id={audioOnlyId} className="control-held">
                  Audio only
                </span>
              ) : null}
            </button>
          </>
        )}
        {canShare ? (
          <button type="button" className={screen ? 'control control-active' : 'control'} onClick={() => void toggleShare()} disabled={leaving || sharing || (!joined && !screen)}>
            <Icon name="screen" />
            <span>{screen ? 'Stop sharing' : 'Share screen'}</span>
          </button>
        ) : null}
        {publishes ? (
          <button
            type="button"
            className="control control-secondary"
            aria-expanded={adding}
            onClick={() => setAdding(!adding)}
            disabled={leaving || !joined || (cameraCount >= MAX_CAMERAS && !adding)}
          >
            <Icon name="camera-plus" />
            <span>Add camera</span>
          </button>
        ) : null}
        <button type="button" className="control control-leave" onClick={onLeave} disabled={leaving}>
          <Icon name="leave" />
          <span>Leave session</span>
        </button>
      </div>
    </div>
  );
}

function AddCameraForm({ client, s, onClose }: { client: SessionClient; s: SessionState; onClose: () => void }) {
  const [cameras, setCameras] = useState<CameraDevice[] | null>(null);
  const [deviceId, setDeviceId] = useState('');
  const [label, setLabel] = useState(() => freshLabel([PRIMARY_CAMERA_LABEL, ...s.local.extraCameras.map((c) => c.label)]));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const inUse = [s.local.cameraTrack?.getSettings().deviceId ?? '', ...s.local.extraCameras.map((c) => c.deviceId)];
    void listCameras().then((list) => {
      if (!live) return;
      setCameras(list);
      setDeviceId(suggestCamera(list, inUse) ?? '');
    });
    return () => {
      live = false;
    };
    // Listed once when the form opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!label.trim() || busy) return;
    setBusy(true);
    const ok = await client.sources.addCamera(deviceId, label);
    setBusy(false);
    if (ok) onClose();
  }

  return (
    <form className="add-camera" onSubmit={(e) => void add(e)} aria-label="Add a camera">
      <p className="add-camera-intro">Show something else too, such as a document on the table. Everyone in your room will see it.</p>
      <label className="field-inline">
        <span>Camera to add</span>
        <select value={deviceId} onChange={(e) => setDeviceId(e.target.value)} disabled={!cameras}>
          {!cameras ? <option value="">Looking for cameras…</option> : null}
          {cameras?.length === 0 ? <option value="">Default camera</option> : null}
          {cameras?.map((c) => (
            <option key={c.deviceId} value={c.deviceId}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field-inline">
        <span>Label for this camera</span>
        <input value={label} maxLength={40} onChange={(e) => setLabel(e.target.value)} />
      </label>
      <div className="row-actions">
        <button type="submit" className="button button-small button-primary" disabled={busy || !label.trim() || !cameras}>
          Add this camera
        </button>
        <button type="button" className="button button-small button-quiet" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
