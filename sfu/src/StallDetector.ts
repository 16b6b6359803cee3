/**
 * "No packets" detection for the breakdown ladder [3.6.13]. A connected WebRTC transport always
 * receives something: RTP, RTCP reports about once a second, and ICE consent checks every 4–6 s
 * (RFC 7675). A transport that received no byte for `silentMs` has lost its path even if ICE has
 * not noticed yet (mediasoup's own consent timeout is far longer). Pure: fed counters and clock.
 *
 * Silence is counted only over time the samples really cover. The caller reads every transport
 * about every `samplePeriodMs`; a reading that comes much later than that (the server's event loop
 * or the worker was starved, as on a machine at load 15–45) is not evidence for the whole gap: the
 * counter may have been read long before the reply was handled, packets may still sit unread in
 * the worker's socket, and the browser on such a machine sends its RTCP and consent checks late
 * too. So each gap between two unchanged readings counts for at most `maxGapMs`; on schedule (every
 * gap within it) a stall is reported at the same reading as without the bound.
 */
export class StallDetector {
  readonly #last = new Map<string, { bytes: number; at: number; silentFor: number; lost: boolean }>();
  readonly #silentMs: number;
  readonly #maxGapMs: number;

  /** `samplePeriodMs`: how often the caller samples; a gap counts for at most 1.5 of it. */
  constructor(silentMs = 8_000, samplePeriodMs = 2_000) {
    this.#silentMs = silentMs;
    this.#maxGapMs = samplePeriodMs * 1.5;
  }

  /** One reading of a transport's received-bytes counter; returns a change of state, if any. */
  sample(transportId: string, bytesReceived: number, now: number): 'lost' | 'ok' | null {
    const prev = this.#last.get(transportId);
    if (!prev) {
      this.#last.set(transportId, { bytes: bytesReceived, at: now, silentFor: 0, lost: false });
      return null;
    }
    // A clock stepped back counts as no time; a late reading as at most maxGapMs.
    const gap = Math.min(Math.max(0, now - prev.at), this.#maxGapMs);
    prev.at = now;
    if (bytesReceived !== prev.bytes) {
      prev.bytes = bytesReceived;
      prev.silentFor = 0;
      if (prev.lost) {
        prev.lost = false;
        return 'ok';
      }
      return null;
    }
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
