import type { Browser, BrowserContext, Page } from '@playwright/test';

/**
 * What the first-frame and reconnect benchmarks observe inside a page, the same way for Parley and
 * for the bare mediasoup page: installed as an init script, so it is in place before the page's
 * own code runs and nothing depends on polling from outside. Every time is the page's
 * performance.now() (ms since that document's navigation started).
 *
 *   - buttonUsableAt: the first moment a visible, enabled <button> named `button` exists;
 *   - clicks: each click on that button (capture phase, before the page's own handler);
 *   - onlineAt / offlineAt: the window's online and offline events;
 *   - frames: the first presented frame of each remote video track, from requestVideoFrameCallback
 *     on every <video> whose aria-label starts with `videoPrefix` (a MutationObserver arms it on
 *     each video element as it appears, and it keeps re-arming, so a new track is seen too);
 *   - longTasks: the main thread's long tasks (PerformanceObserver 'longtask');
 *   - packetWatches: from each click and each online event, the first RTP packet of a video stream
 *     that had received none before that moment, from getStats() of every RTCPeerConnection the
 *     page created (the constructor is wrapped to know them), polled every 5 ms until found.
 */
export interface ProbeOptions {
  /** Accessible text of the button that starts a join ("Join session", "Join"). */
  button: string;
  /** aria-label prefix of remote videos ("Video of "); the page's own preview never matches. */
  videoPrefix: string;
}

export interface ProbeFrame {
  label: string;
  trackId: string;
  /** metadata.presentationTime: the frame was decoded and handed to the compositor. */
  at: number;
  /** metadata.receiveTime: the last packet of the frame arrived (WebRTC sources); null if absent. */
  receiveTime: number | null;
}

export interface ProbeState {
  buttonUsableAt: number | null;
  clicks: number[];
  onlineAt: number[];
  offlineAt: number[];
  frames: ProbeFrame[];
  packetWatches: Array<{ from: number; at: number | null }>;
  /** The page's long tasks (main thread busy ≥ 50 ms at a stretch): what delays every step after a click. */
  longTasks: Array<{ start: number; duration: number }>;
}

/** Runs in the page (serialised by Playwright): no references to anything outside this function. */
function installFrameProbe(opts: ProbeOptions): void {
  const w = window as unknown as { __frameProbe?: ProbeState };
  if (w.__frameProbe) return;
  const state: ProbeState = { buttonUsableAt: null, clicks: [], onlineAt: [], offlineAt: [], frames: [], packetWatches: [], longTasks: [] };
  w.__frameProbe = state;
  const now = () => performance.now();
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing in this browser: the figure is then 0.
  }

  // Every peer connection the page makes, in creation order (an index names each in a stream key).
  const pcs: RTCPeerConnection[] = [];
  const Native = window.RTCPeerConnection;
  if (Native) {
    const Wrapped = function (this: unknown, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
      const pc = new Native(...args);
      pcs.push(pc);
      return pc;
    } as unknown as typeof RTCPeerConnection;
    Wrapped.prototype = Native.prototype;
    Object.defineProperty(Wrapped, 'generateCertificate', { value: Native.generateCertificate.bind(Native) });
    window.RTCPeerConnection = Wrapped;
  }

  /** Video streams that have received packets: `${pc index}:${ssrc}`. */
  async function videoStreamsWithPackets(): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const [i, pc] of pcs.entries()) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats().catch(() => null);
      report?.forEach((e: Record<string, unknown>) => {
        // mediasoup-client's "probator" receiver gets bandwidth probes (SSRC 1234), not media.
        if (e.type !== 'inbound-rtp' || e.kind !== 'video' || e.mid === 'probator' || e.ssrc === 1234) return;
        if (typeof e.packetsReceived === 'number' && e.packetsReceived > 0) keys.add(`${i}:${String(e.ssrc)}`);
      });
    }
    return keys;
  }

  async function watchPackets(from: number): Promise<void> {
    const watch = { from, at: null as number | null };
    state.packetWatches.push(watch);
    const before = await videoStreamsWithPackets();
    const deadline = from + 60_000;
    while (now() < deadline) {
      const seen = await videoStreamsWithPackets();
      if ([...seen].some((k) => !before.has(k))) {
        watch.at = now();
        return;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  window.addEventListener(
    'click',
    (e) => {
      const button = (e.target as Element | null)?.closest?.('button');
      if (!button || button.textContent?.trim() !== opts.button) return;
      const at = now();
      state.clicks.push(at);
      void watchPackets(at);
    },
    true,
  );
  window.addEventListener('online', () => {
    const at = now();
    state.onlineAt.push(at);
    void watchPackets(at);
  });
  window.addEventListener('offline', () => state.offlineAt.push(now()));

  const seenTracks = new Set<string>();
  const armed = new WeakSet<HTMLVideoElement>();
  function arm(video: HTMLVideoElement): void {
    if (armed.has(video) || typeof video.requestVideoFrameCallback !== 'function') return;
    armed.add(video);
    const onFrame = (_: number, meta: VideoFrameCallbackMetadata) => {
      const label = video.getAttribute('aria-label') ?? '';
      const track = video.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
      if (track && label.startsWith(opts.videoPrefix) && !seenTracks.has(track.id)) {
        seenTracks.add(track.id);
        state.frames.push({ label, trackId: track.id, at: meta.presentationTime, receiveTime: typeof meta.receiveTime === 'number' ? meta.receiveTime : null });
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  function usable(b: HTMLButtonElement): boolean {
    return b.textContent?.trim() === opts.button && !b.disabled && b.getClientRects().length > 0;
  }
  function scan(): void {
    for (const v of document.querySelectorAll('video')) arm(v);
    if (state.buttonUsableAt === null && [...document.querySelectorAll('button')].some(usable)) state.buttonUsableAt = now();
  }
  new MutationObserver(scan).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled', 'hidden', 'class'] });
}

/** A fresh browser profile (camera and microphone allowed) for a page the probe watches. */
export async function probedContext(browser: Browser, opts: ProbeOptions): Promise<BrowserContext> {
  const ctx = await browser.newContext({ permissions: ['camera', 'microphone'] });
  await addProbe(ctx, opts);
  return ctx;
}

/** Adds the probe to a context made elsewhere (the Parley bench platform's). */
export async function addProbe(ctx: BrowserContext, opts: ProbeOptions): Promise<void> {
  // tsx (esbuild keepNames) wraps named functions in __name(); the serialised probe needs it too.
  await ctx.addInitScript('window.__name = window.__name || ((f) => f);');
  await ctx.addInitScript(installFrameProbe, opts);
}

export interface ProbeReading extends ProbeState {
  /** Each User Timing mark whose name starts with the prefix, by the rest of its name. */
  marks: Record<string, number[]>;
}

/** What the probe saw so far, and the page's marks named `${markPrefix}<step>`. */
export function readProbe(page: Page, markPrefix: string): Promise<ProbeReading> {
  return page.evaluate((prefix) => {
    const state = (window as unknown as { __frameProbe?: ProbeState }).__frameProbe;
    if (!state) throw new Error('the frame probe is not installed in this page');
    const marks: Record<string, number[]> = {};
    for (const m of performance.getEntriesByType('mark')) {
      if (!m.name.startsWith(prefix)) continue;
      (marks[m.name.slice(prefix.length)] ??= []).push(m.startTime);
    }
    return { ...state, marks };
  }, markPrefix);
}

/**
 * Waits until the page has presented a first frame, at or after `from`, of `count` remote video
 * tracks with different labels (polling the probe's record every 50 ms; the times themselves were
 * taken in the page when the frames were presented).
 */
export async function waitForFrames(page: Page, from: number, count: number, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    ([f, c]) => {
      const frames = (window as unknown as { __frameProbe: ProbeState }).__frameProbe.frames;
      return new Set(frames.filter((x) => x.at >= f).map((x) => x.label)).size >= c;
    },
    [from, count] as const,
    { polling: 50, timeout: timeoutMs },
  );
}

/** The first packet came before the first frame, but its 5 ms poll may still be finishing: give it a moment. */
export async function settlePacketWatch(page: Page, from: number): Promise<void> {
  await page
    .waitForFunction((f) => (window as unknown as { __frameProbe: ProbeState }).__frameProbe.packetWatches.some((w) => w.from === f && w.at !== null), from, { polling: 20, timeout: 5_000 })
    .catch(() => undefined);
}

/** From one reading, ms after `from`: the first new remote frame, the frame once all `count` labels had one, and the first new packet. */
export function framesAfter(
  reading: ProbeReading,
  from: number,
  count: number,
): { firstFrame: number | null; allFrames: number | null; firstFrameReceived: number | null; firstPacket: number | null; busyBeforeFirstFrame: number | null } {
  const frames = reading.frames.filter((f) => f.at >= from).sort((a, b) => a.at - b.at);
  const labels = new Set<string>();
  let allAt: number | null = null;
  for (const f of frames) {
    labels.add(f.label);
    if (labels.size >= count) {
      allAt = f.at;
      break;
    }
  }
  const first = frames[0];
  const watch = reading.packetWatches.find((w) => w.from === from);
  return {
    firstFrame: first ? first.at - from : null,
    allFrames: allAt === null ? null : allAt - from,
    firstFrameReceived: first?.receiveTime != null ? first.receiveTime - from : null,
    firstPacket: watch?.at != null ? watch.at - from : null,
    busyBeforeFirstFrame: first ? busyBetween(reading.longTasks, from, first.at) : null,
  };
}

/** How many ms of long tasks fall between `from` and `to`: the main thread was blocked that long. */
export function busyBetween(tasks: ReadonlyArray<{ start: number; duration: number }>, from: number, to: number): number {
  let busy = 0;
  for (const t of tasks) busy += Math.max(0, Math.min(to, t.start + t.duration) - Math.max(from, t.start));
  return Math.round(busy);
}
