import { MAX_CAMERAS, canPublish, canSelfUnmute, type Role, type RequestName, type RequestPayload, type RequestResults } from '@parley/shared';
import { CaptureError, openCamera } from './capture.ts';
import { openLocalMedia, type DeviceChoice } from './local-media.ts';
import type { MediaEngine, ProduceFailure, ProduceItem, Stale } from './MediaEngine.ts';
import { MESSAGES } from './messages.ts';
import { errorCodeOf } from './Signalling.ts';
import { PRIMARY_CAMERA_LABEL, extraCameraKey, type SourceKey } from './sources.ts';
import { withExtraCamera, withExtraCameraChange, withoutExtraCamera } from './source-transitions.ts';
import type { SessionState } from './store.ts';
import { withSourceEnded, withSourcePaused } from './transitions.ts';

/** What SessionClient hands the helpers that manage this person's own sources. */
export interface SourceDeps {
  media: MediaEngine;
  request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<RequestResults[K]>;
  /** SessionClient's store: read it, and apply a transition to it. */
  read(): SessionState;
  update(change: (s: SessionState) => SessionState): void;
  /** Tell the person something about what they just tried. */
  notice(text: string): void;
  /** The current connection's staleness check (a drop makes work in flight stale). */
  stale(): Stale;
  /** The session is over: nothing may be opened any more. */
  finished(): boolean;
}

export const CAMERA_MESSAGES = {
  offline: 'You are not connected right now. Try again once you are back in the session.',
  tooMany: `You can use at most ${MAX_CAMERAS} cameras.`,
  labelTaken: 'You already have a camera with that name. Please choose another name.',
  refused: 'We could not add that camera to the session. Please try again.',
} as const;

/**
 * This person's microphone and cameras: the ones chosen before joining, and extra labelled cameras
 * added during the session [2.11-vi]. Their tracks outlive reconnects (`plan()` is produced again
 * on every join); turning one off takes effect locally first. The mediator's mute hold is matched
 * here [2.11-v]. Writes only through `deps.update`, with pure transitions.
 */
export class LocalSources {
  private opened = false;
  private nextCamera = 1;
  /** Which cameras were on when audio only began, to turn exactly those back on afterwards. */
  private videoBeforeAudioOnly: { camera: boolean; extras: SourceKey[] } | null = null;

  constructor(private readonly deps: SourceDeps) {}

  /** Open the chosen camera and microphone, once per client. A device that stops later is reported by trackEnded. */
  async open(devices: DeviceChoice): Promise<void> {
    if (this.opened) return;
    this.opened = true;
    const local = await openLocalMedia(devices);
    if (this.deps.finished()) {
      local.micTrack?.stop();
      local.cameraTrack?.stop();
      return;
    }
    this.deps.update((s) => ({ ...s, local: { ...s.local, ...local } }));
  }

  /** What to produce on every join, in order: microphone, primary camera, extra cameras. */
  plan(role: Role): ProduceItem[] {
    const local = this.deps.read().local;
    const items: ProduceItem[] = [
      { key: 'mic', source: 'mic', track: local.micTrack, paused: local.mic === 'off' },
      { key: 'camera', source: 'camera', label: PRIMARY_CAMERA_LABEL, track: local.cameraTrack, paused: local.camera === 'off' },
      ...local.extraCameras.map((c) => ({ key: c.key, source: 'camera' as const, label: c.label, track: c.track, paused: c.state === 'off', optional: true })),
    ];
    return items.filter(({ source }) => canPublish(role, source));
  }

  /** After the join produced `plan()`: remember the extra cameras' new producers, drop refused ones. */
  afterProduce(failures: ProduceFailure[]): void {
    const failed = new Set(failures.map((f) => f.key));
    for (const c of this.deps.read().local.extraCameras) {
      if (failed.has(c.key)) this.forgetCamera(c.key);
      else this.deps.update((s) => withExtraCameraChange(s, c.key, { producerId: this.deps.media.producerId(c.key) }));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Microphone and primary camera

  setMicOn(on: boolean): Promise<void> {
    // The mediator holds the microphone: the server would refuse, so do not even open it locally.
    if (on && !canSelfUnmute(!!this.deps.read().self?.micHeldBy)) return Promise.resolve();
    return this.setPaused('mic', !on);
  }

  /** Unmute after the mediator asked, without waiting for news of the lifted hold. */
  unmuteAfterAsk(): Promise<void> {
    return this.setPaused('mic', false);
  }

  setCameraOn(on: boolean): Promise<void> {
    return this.setPaused('camera', !on);
  }

  /** The server paused the microphone for the mediator's hold: match it here so nothing says "on". */
  holdMic(): void {
    const { local } = this.deps.read();
    if (local.mic === 'none') return;
    if (local.micTrack) local.micTrack.enabled = false;
    this.deps.media.setProducerPaused('mic', true);
    this.deps.update((s) => withSourcePaused(s, 'mic', true));
  }

  private async setPaused(source: 'mic' | 'camera', paused: boolean): Promise<void> {
    if (this.deps.finished()) return;
    const local = this.deps.read().local;
    if ((source === 'mic' ? local.mic : local.camera) === 'none') return;
    const track = source === 'mic' ? local.micTrack : local.cameraTrack;
    // Local first: muting must take effect at once, even while offline.
    if (track) track.enabled = !paused;
    this.deps.update((s) => withSourcePaused(s, source, paused));

    const producerId = this.deps.media.setProducerPaused(source, paused);
    if (producerId === null) return; // applied when we produce again after a reconnect
    try {
      await this.deps.request('producer:set-paused', { producerId, paused });
    } catch (error) {
      if (source === 'mic' && !paused && errorCodeOf(error) === 'forbidden') {
        // The mediator muted this person meanwhile: stay muted here too.
        this.holdMic();
        return;
      }
      // Offline: the state is re-sent when the join flow runs again. Otherwise the local pause
      // already keeps this person private; others may briefly see a stale icon.
      console.warn('[parley] producer:set-paused failed', { source, paused, code: errorCodeOf(error) });
    }
  }

  /**
   * The audio-only rung [3.6.13]: every camera off while the network is too weak for video, and
   * back on afterwards, but only the ones that were on before.
   */
  async setAudioOnly(on: boolean): Promise<void> {
    if (on) {
      if (this.videoBeforeAudioOnly) return;
      const { local } = this.deps.read();
      const extras = local.extraCameras.filter((c) => c.state === 'on').map((c) => c.key);
      this.videoBeforeAudioOnly = { camera: local.camera === 'on', extras };
      await Promise.all([local.camera === 'on' ? this.setPaused('camera', true) : null, ...extras.map((k) => this.setExtraCameraOn(k, false))]);
      return;
    }
    const before = this.videoBeforeAudioOnly;
    this.videoBeforeAudioOnly = null;
    if (!before) return;
    await Promise.all([before.camera ? this.setPaused('camera', false) : null, ...before.extras.map((k) => this.setExtraCameraOn(k, true))]);
  }

  // ---------------------------------------------------------------------------------------------
  // Extra cameras

  /** Open and publish another camera. Resolves true when it is on; otherwise the person was told why. */
  async addCamera(deviceId: string, label: string): Promise<boolean> {
    const { local } = this.deps.read();
    const name = label.trim();
    const taken = [PRIMARY_CAMERA_LABEL, ...local.extraCameras.map((c) => c.label)].map((l) => l.toLowerCase());
    if (taken.includes(name.toLowerCase())) return this.fail(CAMERA_MESSAGES.labelTaken);
    if ((local.cameraTrack ? 1 : 0) + local.extraCameras.length >= MAX_CAMERAS) return this.fail(CAMERA_MESSAGES.tooMany);
    if (!this.deps.media.canSend) return this.fail(CAMERA_MESSAGES.offline);

    let track: MediaStreamTrack;
    try {
      track = await openCamera(deviceId);
    } catch (error) {
      return this.fail(error instanceof CaptureError ? error.message : CAMERA_MESSAGES.refused);
    }
    const key = extraCameraKey(this.nextCamera++);
    track.addEventListener('ended', () => void this.removeCamera(key));
    this.deps.update((s) => withExtraCamera(s, { key, label: name, deviceId, track, state: 'on', producerId: null }));
    try {
      const producer = await this.deps.media.produceOne({ key, source: 'camera', label: name, track, paused: false }, this.deps.stale());
      if (producer) this.deps.update((s) => withExtraCameraChange(s, key, { producerId: producer.id }));
      return true;
    } catch (error) {
      console.warn('[parley] extra camera refused', { code: errorCodeOf(error) });
      this.forgetCamera(key);
      return this.fail(CAMERA_MESSAGES.refused);
    }
  }

  async setExtraCameraOn(key: SourceKey, on: boolean): Promise<void> {
    const camera = this.deps.read().local.extraCameras.find((c) => c.key === key);
    if (!camera) return;
    camera.track.enabled = on;
    this.deps.update((s) => withExtraCameraChange(s, key, { state: on ? 'on' : 'off' }));
    const producerId = this.deps.media.setProducerPaused(key, !on);
    if (producerId === null) return;
    await this.deps.request('producer:set-paused', { producerId, paused: !on }).catch((error: unknown) => {
      console.warn('[parley] producer:set-paused failed', { key, code: errorCodeOf(error) });
    });
  }

  async removeCamera(key: SourceKey): Promise<void> {
    if (!this.deps.read().local.extraCameras.some((c) => c.key === key)) return;
    const closing = this.closeProducer(key);
    this.forgetCamera(key);
    await closing;
  }

  private forgetCamera(key: SourceKey): void {
    this.deps.read().local.extraCameras.find((c) => c.key === key)?.track.stop();
    this.deps.media.closeProducer(key);
    this.deps.update((s) => withoutExtraCamera(s, key));
  }

  // ---------------------------------------------------------------------------------------------

  /** A produced track ended by itself (unplugged, permission revoked): MediaEngine's hook. */
  async trackEnded(key: SourceKey): Promise<void> {
    if (key !== 'mic' && key !== 'camera') return this.removeCamera(key);
    const closing = this.closeProducer(key);
    this.deps.update((s) => withSourceEnded(s, key, key === 'mic' ? MESSAGES.micEnded : MESSAGES.cameraEnded));
    await closing;
  }

  /** The session is over: stop every track this person opened. */
  stopAll(): void {
    const { micTrack, cameraTrack, extraCameras } = this.deps.read().local;
    micTrack?.stop();
    cameraTrack?.stop();
    for (const c of extraCameras) c.track.stop();
  }

  /** Close here at once (synchronously, before the first await), then tell the server. */
  private async closeProducer(key: SourceKey): Promise<void> {
    const producer = this.deps.media.closeProducer(key);
    if (!producer) return;
    await this.deps.request('producer:close', { producerId: producer.id }).catch(() => undefined);
  }

  private fail(text: string): false {
    this.deps.notice(text);
    return false;
  }
}
