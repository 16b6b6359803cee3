/**
 * "No packets" detection for the breakdown ladder [3.6.13]. A connected WebRTC transport that
 * carries media always receives something: RTP from a sender, RTCP reports from a receiver about
 * once a second. One that received no byte for `silentMs` has lost its path even if ICE has not
 * noticed yet (mediasoup's own consent timeout is far longer). Pure: fed counters and clock.
 * ICE consent checks (RFC 7675) do not help: on a worker's WebRtcServer (one media port) mediasoup
 * hands STUN to the ICE server without counting it in the transport's bytesReceived.
 *
 * Silence is counted only over time the samples really cover. The caller reads every transport
 * about every `samplePeriodMs`; a reading that comes much later than that (the server's event loop
 * or the worker was starved, as on a machine at load 15–45) is not evidence for the whole gap: the
 * counter may have been read long before the reply was handled, packets may still sit unread in
 * the worker's socket, and the browser on such a machine sends its RTCP and consent checks late
 * too. So each gap between two unchanged readings counts for at most `maxGapMs`; on schedule (every
 * gap within it) a stall is reported at the same reading as without the bound.
 *
 * Silence is evidence only while the browser has something to send on the path. A receive
 * transport with no flowing consumer carries no RTP and no RTCP (a mediator alone in the session,
 * whose receive transport was connected on the pre-join screen, once got a false "media lost"
 * after 8 s); a send transport whose producers are all paused is as quiet. So the caller says
 * whether traffic is expected, and only time between two readings that both expected it counts.
 */
/**
 * What one reading of a path saw: bytes since the last reading ('carrying'), none while nothing
 * was expected ('idle'), or none though media flows ('silent': on the way to 'lost').
 */
export type PathReading = 'carrying' | 'idle' | 'silent';

/** Readings of every path since the process started, by what they saw (the operator's metric). */
export type PathReadingCounts = Record<PathReading, number>;

export const newPathReadingCounts = (): PathReadingCounts => ({ carrying: 0, idle: 0, silent: 0 });

export class StallDetector {
  readonly #last = new Map<string, { bytes: number; at: number; silentFor: number; lost: boolean; expecting: boolean }>();
  readonly #silentMs: number;
  readonly #maxGapMs: number;
  readonly #counts: PathReadingCounts;

  /**
   * `samplePeriodMs`: how often the caller samples; a gap counts for at most 1.5 of it. `counts`:
   * where each reading after a transport's first is tallied (shared by every case of a server).
   */
  constructor(silentMs = 8_000, samplePeriodMs = 2_000, counts: PathReadingCounts = newPathReadingCounts()) {
    this.#silentMs = silentMs;
    this.#maxGapMs = samplePeriodMs * 1.5;
    this.#counts = counts;
  }

  /**
   * One reading of a transport's received-bytes counter; returns a change of state, if any.
   * `expecting`: whether the browser has media or feedback to send on it now (see above).
   */
  sample(transportId: string, bytesReceived: number, now: number, expecting: boolean): 'lost' | 'ok' | null {
    const prev = this.#last.get(transportId);
    if (!prev) {
      this.#last.set(transportId, { bytes: bytesReceived, at: now, silentFor: 0, lost: false, expecting });
      return null;
    }
    // A clock stepped back counts as no time; a late reading as at most maxGapMs; a gap at either
    // end of which nothing was expected as none.
    const gap = expecting && prev.expecting ? Math.min(Math.max(0, now - prev.at), this.#maxGapMs) : 0;
    prev.at = now;
    prev.expecting = expecting;
    this.#counts[bytesReceived !== prev.bytes ? 'carrying' : expecting ? 'silent' : 'idle'] += 1;
    if (bytesReceived !== prev.bytes) {
      prev.bytes = bytesReceived;
      prev.silentFor = 0;
      if (prev.lost) {
        prev.lost = false;
        return 'ok';
      }
      return null;
    }
    if (!expecting) prev.silentFor = 0;
    prev.silentFor += gap;
    if (!prev.lost && prev.silentFor >= this.#silentMs) {
      prev.lost = true;
      return 'lost';
    }
    return null;
  }

  forget(transportId: string): void {
    this.#last.delete(transportId);
  }

  /** Drops transports no longer sampled (closed). */
  retain(ids: Set<string>): void {
    for (const id of this.#last.keys()) if (!ids.has(id)) this.#last.delete(id);
  }
}
