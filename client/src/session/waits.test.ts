import { describe, expect, it, vi } from 'vitest';
import { atMost, flowing } from './waits.ts';

/** What flowing() reads of a received track: muted until its first packets, then an unmute event. */
function fakeTrack(muted: boolean, readyState: MediaStreamTrackState = 'live') {
  const t = new EventTarget() as EventTarget & { muted: boolean; readyState: MediaStreamTrackState };
  t.muted = muted;
  t.readyState = readyState;
  return t as unknown as MediaStreamTrack & { muted: boolean };
}

describe('flowing', () => {
  it('waits for a muted received track to unmute', async () => {
    const track = fakeTrack(true);
    let done = false;
    const wait = flowing(track).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    (track as unknown as { muted: boolean }).muted = false;
    track.dispatchEvent(new Event('unmute'));
    await wait;
    expect(done).toBe(true);
  });

  it('resolves at once for a track that already receives, or ended', async () => {
    await expect(flowing(fakeTrack(false))).resolves.toBeUndefined();
    await expect(flowing(fakeTrack(true, 'ended'))).resolves.toBeUndefined();
  });
});

describe('atMost', () => {
  it('gives up waiting after maxMs, and clears its timer when the wait ends first', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const capped = atMost(new Promise<void>(() => undefined), 500).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(499);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await capped;
      expect(done).toBe(true);

      await atMost(Promise.resolve(), 500);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
