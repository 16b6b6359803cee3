import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/** Plays one video track. Muted: sound always goes through RemoteAudio elements. */
export function VideoView({ track, label, mirrored, hidden }: { track: MediaStreamTrack; label: string; mirrored?: boolean; hidden?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  // Attached as the element is inserted, not after the page is painted: the browser's player
  // then starts while the first frame is still on its way.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    el.play().catch(() => undefined); // muted video may always autoplay; nothing to tell anyone
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return (
    <video
      ref={ref}
      aria-label={label}
      className={mirrored ? 'video mirrored' : 'video'}
      autoPlay
      playsInline
      muted
      hidden={hidden}
    />
  );
}

/**
 * Plays one remote audio track through an <audio autoplay> element. Browsers may refuse to start
 * sound without a click; `onBlocked` lets the screen offer a "Turn on sound" button, and changing
 * `retryKey` tries again after that click.
 */
export function RemoteAudio({ track, label, retryKey, onBlocked }: { track: MediaStreamTrack; label: string; retryKey: number; onBlocked: () => void }) {
  const ref = useRef<HTMLAudioElement>(null);
  const onBlockedRef = useRef(onBlocked);
  onBlockedRef.current = onBlocked;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!(el.srcObject instanceof MediaStream) || el.srcObject.getTracks()[0] !== track) {
      el.srcObject = new MediaStream([track]);
    }
    el.play().catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'NotAllowedError') onBlockedRef.current();
    });
  }, [track, retryKey]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) el.srcObject = null;
    };
  }, []);
  return <audio ref={ref} autoPlay aria-label={label} />;
}

/** Live level of a microphone track, 0..1, sampled about 15 times a second. */
export function useMicLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track || typeof AudioContext === 'undefined') {
      setLevel(0);
      return;
    }
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    let frame = 0;
    let last = 0;
    const tick = (t: number) => {
      frame = requestAnimationFrame(tick);
      if (t - last < 66) return;
      last = t;
      analyser.getByteTimeDomainData(data);
      let sum = 0;
      for (const v of data) {
        const x = (v - 128) / 128;
        sum += x * x;
      }
      const rms = Math.sqrt(sum / data.length);
      setLevel(Math.min(1, rms * 4)); // speech sits around 0.05–0.2 rms; stretch it to fill the bar
    };
    frame = requestAnimationFrame(tick);
    // Some browsers start the context suspended until the page has had a click.
    const resume = () => void ctx.resume().catch(() => undefined);
    resume();
    window.addEventListener('pointerdown', resume);
    window.addEventListener('keydown', resume);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('pointerdown', resume);
      window.removeEventListener('keydown', resume);
      source.disconnect();
      void ctx.close().catch(() => undefined);
    };
  }, [track]);
  return level;
}

type IconName = 'mic' | 'mic-off' | 'camera' | 'camera-off' | 'camera-plus' | 'screen' | 'leave' | 'sound' | 'warning';

/** Decorative icons; every use sits next to words that say the same thing. */
export function Icon({ name, size = 22 }: { name: IconName; size?: number }) {
  const common = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.8, strokeLinecap: 'round' as const, strokeLinejoin: 'round' as const };
  return (
    <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width={size} height={size} className="icon">
      {name === 'mic' || name === 'mic-off' ? (
        <g {...common}>
          <rect x="9" y="3" width="6" height="11" rx="3" />
          <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
          {name === 'mic-off' ? <path d="M4 4l16 16" strokeWidth="2.2" /> : null}
        </g>
      ) : null}
      {name === 'camera' || name === 'camera-off' ? (
        <g {...common}>
          <rect x="3" y="6" width="13" height="12" rx="2" />
          <path d="M16 10l5-3v10l-5-3" />
          {name === 'camera-off' ? <path d="M3 3l18 18" strokeWidth="2.2" /> : null}
        </g>
      ) : null}
      {name === 'camera-plus' ? (
        <g {...common}>
          <rect x="3" y="6" width="13" height="12" rx="2" />
          <path d="M16 10l5-3v10l-5-3M9.5 9.5v5M7 12h5" />
        </g>
      ) : null}
      {name === 'screen' ? (
        <g {...common}>
          <rect x="3" y="4" width="18" height="12" rx="1.5" />
          <path d="M8 20h8M12 16v4M12 13V7M9.5 9.5L12 7l2.5 2.5" />
        </g>
      ) : null}
      {name === 'leave' ? (
        <g {...common}>
          <path d="M10 4H5a1 1 0 0 0-1 1v14a1 1 0 0 0 1 1h5M15 8l4 4-4 4M19 12H9" />
        </g>
      ) : null}
      {name === 'sound' ? (
        <g {...common}>
          <path d="M4 9h4l5-4v14l-5-4H4zM17 9a4 4 0 0 1 0 6M19.5 6.5a8 8 0 0 1 0 11" />
        </g>
      ) : null}
      {name === 'warning' ? (
        <g {...common}>
          <path d="M12 3l10 18H2zM12 10v5M12 18v.5" />
        </g>
      ) : null}
    </svg>
  );
}
