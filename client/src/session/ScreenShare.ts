import { canStartShare } from '@parley/shared';
import { CaptureError, openScreen } from './capture.ts';
import type { SourceDeps } from './LocalSources.ts';
import type { ProduceFailure, ProduceItem } from './MediaEngine.ts';
import { errorCodeOf } from './Signalling.ts';
import { withScreen, withScreenProducer } from './source-transitions.ts';
import type { SourceKey } from './sources.ts';

const SCREEN = 'screen';
const SCREEN_AUDIO = 'screen-audio';

export const SHARE_MESSAGES = {
  conflict:
    'Someone in this room is already sharing their screen. Only one screen can be shared at a time; ask the mediator if you need to share too.',
  failed: 'We could not share your screen. Please try again.',
  offline: 'You are not connected right now. Try again once you are back in the session.',
} as const;

export const isScreenKey = (key: SourceKey): boolean => key === SCREEN || key === SCREEN_AUDIO;

/**
 * One screen share with its sound [2.11-ii]: the browser's picker, publishing, the browser's own
 * "Stop sharing", and the end of a share the server decided (mediator, move to another room). The
 * share survives a reconnect (SessionClient produces `plan()` again). Writes only via `deps.update`.
 */
export class ScreenShare {
  private starting = false;

  constructor(private readonly deps: SourceDeps) {}

  plan(): ProduceItem[] {
    const screen = this.deps.read().local.screen;
    if (!screen) return [];
    const items: ProduceItem[] = [{ key: SCREEN, source: 'screen', track: screen.track, paused: false, optional: true }];
    if (screen.audioTrack) items.push({ key: SCREEN_AUDIO, source: 'screen-audio', track: screen.audioTrack, paused: false, optional: true });
    return items;
  }

  /** After the join produced `plan()`: a share refused meanwhile (someone else shares) ends here. */
  afterProduce(failures: ProduceFailure[]): void {
    const failed = failures.find((f) => f.key === SCREEN);
    if (failed) {
      this.release();
      this.deps.notice(errorCodeOf(failed.error) === 'conflict' ? SHARE_MESSAGES.conflict : SHARE_MESSAGES.failed);
    }
    this.deps.update((s) => withScreenProducer(s, this.deps.media.producerId(SCREEN)));
  }

  async share(): Promise<void> {
    const { self, others, rooms, local } = this.deps.read();
    if (this.starting || local.screen) return;
    if (!this.deps.media.canSend) return this.deps.notice(SHARE_MESSAGES.offline);
    // The server decides; asking first spares the person a picker that would end in a refusal.
    const room = rooms.find((r) => r.id === self?.roomId);
    const sharesHere = others.filter((o) => o.roomId === self?.roomId && o.sharing).length;
    if (room && !canStartShare(room, sharesHere).allowed) return this.deps.notice(SHARE_MESSAGES.conflict);

    this.starting = true;
    try {
      let tracks: Awaited<ReturnType<typeof openScreen>>;
      try {
        tracks = await openScreen();
      } catch (error) {
        if (error instanceof CaptureError && error.reason === 'failed') this.deps.notice(error.message);
        return;
      }
      const { video, audio } = tracks;
      // The browser's own "Stop sharing" button ends the track.
      video.addEventListener('ended', () => void this.stop());
      audio?.addEventListener('ended', () => void this.closeProducer(SCREEN_AUDIO));
      this.deps.update((s) => withScreen(s, { track: video, audioTrack: audio, producerId: null }));

      const stale = this.deps.stale();
      try {
        const producer = await this.deps.media.produceOne({ key: SCREEN, source: 'screen', track: video, paused: false }, stale);
        if (producer) this.deps.update((s) => withScreenProducer(s, producer.id));
        if (producer && audio) {
          await this.deps.media
            .produceOne({ key: SCREEN_AUDIO, source: 'screen-audio', track: audio, paused: false }, stale)
            .catch((error: unknown) => console.warn('[parley] screen sound refused', { code: errorCodeOf(error) }));
        }
      } catch (error) {
        this.release();
        this.deps.notice(errorCodeOf(error) === 'conflict' ? SHARE_MESSAGES.conflict : SHARE_MESSAGES.failed);
      }
    } finally {
      this.starting = false;
    }
  }

  /** Stop sharing (button, browser bar, the mediator, a move). Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.deps.read().local.screen) return;
    // closeProducer forgets the producer synchronously, before its first await.
    const closing = [this.closeProducer(SCREEN), this.closeProducer(SCREEN_AUDIO)];
    this.release();
    await Promise.all(closing);
  }

  trackEnded(key: SourceKey): void {
    if (key === SCREEN) void this.stop();
    else void this.closeProducer(SCREEN_AUDIO);
  }

  stopAll(): void {
    const screen = this.deps.read().local.screen;
    screen?.track.stop();
    screen?.audioTrack?.stop();
  }

  /** Stop capturing and forget the share here (the server is told separately, if at all). */
  private release(): void {
    this.stopAll();
    this.deps.media.closeProducer(SCREEN);
    this.deps.media.closeProducer(SCREEN_AUDIO);
    this.deps.update((s) => withScreen(s, null));
  }

  private async closeProducer(key: SourceKey): Promise<void> {
    const producer = this.deps.media.closeProducer(key);
    if (!producer) return;
    // The server may have closed it already (the mediator stopped the share): nothing to undo.
    await this.deps.request('producer:close', { producerId: producer.id }).catch(() => undefined);
  }
}
