/** Small waits the session's flows share. Each resolves; none rejects. */

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `wait`, or `maxMs`, whichever comes first. */
export function atMost(wait: Promise<void>, maxMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([wait, new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]).finally(() => clearTimeout(timer));
}

/**
 * Until media arrives on a received track. A received track is muted until its first packets
 * come (WebRTC spec: "receive-track muted until RTP arrives"); one that ended never unmutes, so
 * callers bound this with atMost.
 */
export function flowing(track: MediaStreamTrack): Promise<void> {
  if (!track.muted || track.readyState === 'ended') return Promise.resolve();
  return new Promise((resolve) => track.addEventListener('unmute', () => resolve(), { once: true }));
}

/** Until the page has drawn `n` frames (never, in a hidden tab: bound it with atMost). */
export function drawnFrames(n: number): Promise<void> {
  if (typeof requestAnimationFrame !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });
}

