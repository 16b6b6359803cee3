import type { JoinResult, NetworkSample, RequestName, RequestPayload, RequestResults } from '@parley/shared';
import {
  pauseAnnouncement,
  resumeAnnouncement,
  withAudioOnly,
  withNetworkSample,
  withPause,
  withResumed,
} from './breakdown-transitions.ts';
import { errorCodeOf, type TypedSocket } from './Signalling.ts';
import type { SessionState } from './store.ts';

export interface BreakdownDeps {
  request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<RequestResults[K]>;
  read(): SessionState;
  update(change: (s: SessionState) => SessionState): void;
  announce(text: string): void;
  /** Turn this person's cameras off for audio only, or back to how they were. */
  setCamerasForAudioOnly(on: boolean): Promise<void>;
  connected(): boolean;
}

const PERSON_CHOSE = 'Chosen by the participant on a weak connection.';

/**
 * The parts of the breakdown procedure [3.6.13, 3.7.17] that are neither the socket nor the media
 * transports: the paused joint session (and the mediator's pause and resume), and the audio-only
 * rung fed by NetworkMonitor. The ladder's connection rungs live in SessionClient and MediaEngine.
 * Writes only through `deps.update`, with the pure transitions of breakdown-transitions.ts.
 */
export class Breakdown {
  constructor(private readonly deps: BreakdownDeps) {}

  listen(socket: TypedSocket): void {
    socket.on('session:paused', (pause) => {
      this.deps.update((s) => withPause(s, pause));
      this.deps.announce(pauseAnnouncement(pause));
    });
    socket.on('session:resumed', (e) => {
      this.deps.update((s) => withResumed(s, e, Date.now()));
      this.deps.announce(`${resumeAnnouncement(e)} Turn your microphone on when you want to speak.`);
    });
  }

  /** Back in the session: the server forgets audio only with the old connection, so say it again. */
  afterJoin(joined: JoinResult): void {
    const audioOnly = this.deps.read().network.audioOnly;
    if (audioOnly && !joined.self.audioOnly) void this.tell(true, audioOnly.reason);
  }

  // ---------------------------------------------------------------------------------------------
  // The audio-only rung

  /** One measurement window from NetworkMonitor (or simulated by a test). */
  onSample(sample: NetworkSample): void {
    const current = this.deps.read();
    const { state, decision: d } = withNetworkSample(current, sample, current.breakdown.audioOnlyFallback);
    // Synchronous read-then-write: nothing can change the store in between.
    this.deps.update(() => state);
    if (d.kind === 'switch') void this.apply(d.on, 'auto', d.reason);
    else if (d.kind === 'suggest' && d.reason) this.deps.announce(`${d.reason} You can switch to audio only.`);
  }

  /** The person's own choice: audio only now, or "Try video again". */
  chooseAudioOnly(on: boolean): Promise<void> {
    const { network } = this.deps.read();
    return this.apply(on, 'person', on ? (network.suggestion ?? network.verdict?.reason ?? PERSON_CHOSE) : 'The participant asked to try video again.');
  }

  private async apply(on: boolean, by: 'auto' | 'person', reason: string): Promise<void> {
    this.deps.update((s) => withAudioOnly(s, on ? { by, reason } : null));
    this.deps.announce(
      on
        ? by === 'auto'
          ? `Your video is off because your connection is weak. ${reason} Audio continues.`
          : 'You switched to audio only. Others no longer see your video.'
        : 'Video is back on.',
    );
    await this.deps.setCamerasForAudioOnly(on);
    await this.tell(on, reason);
  }

  /** The server stops (or resumes) sending this person video and tells the others why. */
  private async tell(on: boolean, reason: string): Promise<void> {
    if (!this.deps.connected()) return; // sent again after the rejoin (afterJoin)
    try {
      await this.deps.request('media:audio-only', { on, reason: reason.slice(0, 200) });
    } catch (error) {
      console.warn('[parley] media:audio-only failed', { on, code: errorCodeOf(error) });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The mediator's pause and resume

  async pause(): Promise<void> {
    const { pause } = await this.deps.request('session:pause', {});
    this.deps.update((s) => (s.pause ? s : withPause(s, pause)));
  }

  /** Also the mediator's decision to go on although someone is still missing. */
  async resume(): Promise<void> {
    await this.deps.request('session:resume', {});
  }
}
