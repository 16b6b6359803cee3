import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Icon, useMicLevel, VideoView } from '../components/media.tsx';
import { Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { cameraConstraints, micConstraints, type DeviceChoice } from '../session/local-media.ts';
import { markStep } from '../session/timeline.ts';
import { findDevices, type DeviceOption, type FoundDevices } from './devices.ts';
import './prejoin.css';

const NONE = 'none';
const PREF_KEY = 'parley.devices';

type Permission = 'asking' | FoundDevices['permission'];

function readPreference(): { mic?: string; camera?: string } {
  try {
    const raw = localStorage.getItem(PREF_KEY);
    return raw ? (JSON.parse(raw) as { mic?: string; camera?: string }) : {};
  } catch {
    return {};
  }
}

function savePreference(mic: string, camera: string): void {
  try {
    localStorage.setItem(PREF_KEY, JSON.stringify({ mic, camera }));
  } catch {
    // Storage may be off; the choice simply is not remembered.
  }
}

function pick(options: DeviceOption[], preferred: string | undefined, fromStream: string | undefined): string {
  if (preferred === NONE) return NONE;
  if (preferred && options.some((o) => o.id === preferred)) return preferred;
  if (fromStream && options.some((o) => o.id === fromStream)) return fromStream;
  return options[0]?.id ?? NONE;
}

/**
 * Camera and microphone check before joining (both roles). Shows a live preview and a level meter
 * for the chosen devices, explains in plain words what to do if the browser blocks them, and
 * always allows joining without them.
 */
export function PreJoin({ intro, onJoin }: { intro?: ReactNode; onJoin: (choice: DeviceChoice) => void }) {
  useDocumentTitle('Check your camera and microphone');
  const uid = useId();
  const [permission, setPermission] = useState<Permission>('asking');
  const [cameras, setCameras] = useState<DeviceOption[]>([]);
  const [mics, setMics] = useState<DeviceOption[]>([]);
  const [cameraId, setCameraId] = useState<string>(NONE);
  const [micId, setMicId] = useState<string>(NONE);
  const [preview, setPreview] = useState<{ video: MediaStreamTrack | null; audio: MediaStreamTrack | null }>({ video: null, audio: null });
  const [previewProblem, setPreviewProblem] = useState<string | null>(null);
  const [askKey, setAskKey] = useState(0);
  const previewRef = useRef(preview);
  previewRef.current = preview;
  /** Tracks given to the session on Join: not stopped when this screen goes away. */
  const handedOver = useRef(new Set<MediaStreamTrack>());
  const stopUnlessHanded = (t: MediaStreamTrack | null) => {
    if (t && !handedOver.current.has(t)) t.stop();
  };

  // 1. Permission, then the device lists (labels are only visible after permission).
  useEffect(() => {
    let live = true;
    (async () => {
      setPermission('asking');
      const found = await findDevices(navigator);
      if (!live) return;
      setCameras(found.cameras);
      setMics(found.mics);
      const pref = readPreference();
      setCameraId(pick(found.cameras, pref.camera, found.defaultCamera));
      setMicId(pick(found.mics, pref.mic, found.defaultMic));
      setPermission(found.permission);
    })();
    return () => {
      live = false;
    };
  }, [askKey]);

  // 2. Preview of the chosen devices; reopened whenever the choice changes.
  useEffect(() => {
    if (permission === 'asking' || permission === 'unsupported' || permission === 'denied') return;
    let live = true;
    const opened: MediaStreamTrack[] = [];
    (async () => {
      setPreviewProblem(null);
      const open = async (kind: 'audio' | 'video', id: string): Promise<MediaStreamTrack | null> => {
        if (id === NONE) return null;
        // Opened exactly as the session sends them, so Join hands these very tracks over.
        const constraints = kind === 'audio' ? micConstraints(id) : cameraConstraints(id);
        try {
          const s = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints });
          const track = (kind === 'audio' ? s.getAudioTracks() : s.getVideoTracks())[0] ?? null;
          if (track) opened.push(track);
          return track;
        } catch {
          return null;
        }
      };
      const [video, audio] = await Promise.all([open('video', cameraId), open('audio', micId)]);
      if (!live) {
        opened.forEach((t) => t.stop());
        return;
      }
      setPreview({ video, audio });
      if ((cameraId !== NONE && !video) || (micId !== NONE && !audio)) {
        setPreviewProblem(
          cameraId !== NONE && !video
            ? 'We could not start this camera. It may be in use by another app (close video calls in other apps or tabs), or choose another camera.'
            : 'We could not start this microphone. It may be in use by another app, or choose another microphone.',
        );
      }
    })();
    return () => {
      live = false;
      opened.forEach(stopUnlessHanded);
    };
    // stopUnlessHanded reads a ref only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [permission, cameraId, micId]);

  // Stop the preview when leaving this screen; the session opens the devices itself.
  useEffect(
    () => () => {
      stopUnlessHanded(previewRef.current.video);
      stopUnlessHanded(previewRef.current.audio);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  // If the browser's question stays unanswered, do not trap the person on this page.
  const [slowAsk, setSlowAsk] = useState(false);
  useEffect(() => {
    if (permission !== 'asking') {
      setSlowAsk(false);
      return;
    }
    const t = setTimeout(() => setSlowAsk(true), 12_000);
    return () => clearTimeout(t);
  }, [permission]);

  const level = useMicLevel(preview.audio && preview.audio.readyState === 'live' ? preview.audio : null);
  const asking = permission === 'asking';
  useEffect(() => {
    if (!asking) markStep('prejoin-ready');
  }, [asking]);

  function join() {
    markStep('join-click');
    savePreference(micId, cameraId);
    const { video, audio } = previewRef.current;
    const give = (t: MediaStreamTrack | null, wanted: boolean) => {
      if (!wanted || !t || t.readyState !== 'live') return null;
      handedOver.current.add(t);
      return t;
    };
    onJoin({
      micDeviceId: micId === NONE ? null : micId,
      cameraDeviceId: cameraId === NONE ? null : cameraId,
      preview: { mic: give(audio, micId !== NONE), camera: give(video, cameraId !== NONE) },
    });
  }

  const noCamera = !asking && cameras.length === 0;
  const noMic = !asking && mics.length === 0;

  return (
    <Shell narrow>
      <PageHeading>Check your camera and microphone</PageHeading>
      {intro}
      <div role="status" aria-live="polite" className="prejoin-status">
        {asking ? (
          <p>
            Your browser may ask to use your camera and microphone. Choose <strong>Allow</strong> so the others can see
            and hear you.
            {slowAsk ? ' Still waiting for an answer. You can also join without them.' : ''}
          </p>
        ) : null}
      </div>

      {permission === 'denied' ? (
        <Notice tone="warning" title="Your browser blocked the camera and microphone">
          <p>
            To allow them, tap the camera or padlock icon next to the web address, choose <strong>Allow</strong> for
            camera and microphone, then press <strong>Try again</strong>. On a phone, you may also need to allow your
            browser to use the camera in the phone’s settings.
          </p>
          <p>You can also join without them: the others will not see or hear you, but you will see and hear them.</p>
          <button type="button" className="button button-secondary" onClick={() => setAskKey((k) => k + 1)}>
            Try again
          </button>
        </Notice>
      ) : null}
      {permission === 'unsupported' ? (
        <Notice tone="warning" title="This browser cannot use a camera here">
          <p>
            Open your link in a recent version of Chrome, Edge, Firefox or Safari. Check that the address starts with
            https://. You can still join to see and hear the others.
          </p>
        </Notice>
      ) : null}
      {permission === 'unavailable' || (permission === 'partial' && (noCamera || noMic)) ? (
        <Notice tone="warning" title={noCamera && noMic ? 'No camera or microphone found' : noCamera ? 'No camera found' : 'No microphone found'}>
          <p>
            Check that it is plugged in and not used by another app, then press <strong>Try again</strong>. You can also
            join without it.
          </p>
          <button type="button" className="button button-secondary" onClick={() => setAskKey((k) => k + 1)}>
            Try again
          </button>
        </Notice>
      ) : null}

      <div className="prejoin">
        <div className="preview">
          {preview.video && preview.video.readyState === 'live' ? (
            <VideoView track={preview.video} label="Preview of your camera" mirrored />
          ) : (
            <div className="preview-empty">
              <Icon name="camera-off" size={32} />
              <span>{asking ? 'Starting camera…' : cameraId === NONE ? 'Camera not used' : 'No picture'}</span>
            </div>
          )}
        </div>

        <div className="prejoin-controls">
          <div className="field">
            <label htmlFor={`${uid}-camera`}>Camera</label>
            <select id={`${uid}-camera`} value={cameraId} onChange={(e) => setCameraId(e.target.value)} disabled={asking}>
              {cameras.map((d) => (
                <option key={d.id || 'default'} value={d.id}>
                  {d.label}
                </option>
              ))}
              <option value={NONE}>{asking ? 'Looking for cameras…' : cameras.length ? 'Don’t use my camera' : 'No camera found'}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-mic`}>Microphone</label>
            <select id={`${uid}-mic`} value={micId} onChange={(e) => setMicId(e.target.value)} disabled={asking}>
              {mics.map((d) => (
                <option key={d.id || 'default'} value={d.id}>
                  {d.label}
                </option>
              ))}
              <option value={NONE}>{asking ? 'Looking for microphones…' : mics.length ? 'Don’t use my microphone' : 'No microphone found'}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-level`}>Microphone level</label>
            <meter id={`${uid}-level`} className="level" min={0} max={1} low={0.15} optimum={0.5} value={level} />
            <p className="hint">
              {asking ? 'The level shows here once your microphone is on.' : micId === NONE ? 'Microphone not used: the others will not hear you.' : 'Say something: the bar should move.'}
            </p>
          </div>
          {previewProblem ? (
            <p className="field-error" role="alert">
              {previewProblem}
            </p>
          ) : null}
          <p className="hint">Use headphones if you can: it avoids echo for everyone.</p>
          <button type="button" className="button button-primary button-large button-block" onClick={join} disabled={asking && !slowAsk}>
            Join session
          </button>
          {cameraId === NONE && micId === NONE && !asking ? (
            <p className="hint">You will join without camera and microphone. You can still see and hear the others.</p>
          ) : null}
        </div>
      </div>
    </Shell>
  );
}
