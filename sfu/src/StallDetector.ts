/**
 * "No packets" detection for the breakdown ladder [3.6.13]. A connected WebRTC transport always
 * receives something: RTP, RTCP reports about once a second, and ICE consent checks every 4–6 s
 * (RFC 7675). A transport that received no byte for `silentMs` has lost its path even if ICE has
 * not noticed yet (mediasoup's own consent timeout is far longer). Pure: fed counters and clock.
 */
export class StallDetector {
  readonly #last = new Map<string, { bytes: number; changedAt: number; lost: boolean }>();
  readonly #silentMs: number;

  constructor(silentMs = 8_000) {
    this.#silentMs = silentMs;
  }

  /** One reading of a transport's received-bytes counter; returns a change of state, if any. */
  sample(transportId: string, bytesReceived: number, now: number): 'lost' | 'ok' | null {
    const prev = this.#last.get(transportId);
    if (!prev) {
      this.#last.set(transportId, { bytes: bytesReceived, changedAt: now, lost: false });
      return null;
    }
    if (bytesReceived !== prev.bytes) {
      prev.bytes = bytesReceived;
      prev.changedAt = now;
      if (prev.lost) {
        prev.lost = false;
        return 'ok';
      }
      return null;
    }
    if (!prev.lost && now - prev.changedAt >= this.#silentMs) {
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
