import { describe, expect, it } from 'vitest';
import { sampleFromStats } from './NetworkMonitor.ts';

/** A stand-in for RTCStatsReport: only forEach is used. */
const report = (...stats: Array<Record<string, unknown>>) => ({ forEach: (fn: (s: Record<string, unknown>) => void) => stats.forEach(fn) }) as unknown as RTCStatsReport;

describe('sampleFromStats', () => {
  const sendPair = { id: 'p1', type: 'candidate-pair', state: 'succeeded', nominated: true, availableOutgoingBitrate: 1_200_000, currentRoundTripTime: 0.04 };

  it('reads bandwidth and delay from the pair in use, and loss the server reports', () => {
    const send = report(sendPair, { type: 'remote-inbound-rtp', kind: 'audio', fractionLost: 0.02 }, { type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.12 });
    const { sample } = sampleFromStats(send, null, null, true);
    expect(sample).toEqual({ rttMs: 40, loss: 0.12, availableKbps: 1200 });
  });

  it('prefers the pair the transport names', () => {
    const send = report(
      { id: 't', type: 'transport', selectedCandidatePairId: 'p2' },
      sendPair,
      { id: 'p2', type: 'candidate-pair', state: 'succeeded', availableOutgoingBitrate: 90_000, currentRoundTripTime: 0.9 },
    );
    expect(sampleFromStats(send, null, null, true).sample).toEqual({ rttMs: 900, loss: null, availableKbps: 90 });
  });

  it('leaves bandwidth out while no video is sent', () => {
    expect(sampleFromStats(report(sendPair), null, null, false).sample.availableKbps).toBeNull();
  });

  it('turns receive totals into loss per window, skipping the first window and counter resets', () => {
    const recv = (lost: number, received: number) => report({ type: 'inbound-rtp', packetsLost: lost, packetsReceived: received });
    const first = sampleFromStats(null, recv(10, 1000), null, false);
    expect(first.sample.loss).toBeNull();
    const second = sampleFromStats(null, recv(30, 1180), first.counters, false);
    expect(second.sample.loss).toBeCloseTo(0.1);
    const reset = sampleFromStats(null, recv(0, 50), second.counters, false);
    expect(reset.sample.loss).toBeNull();
  });

  it('knows nothing when there are no statistics', () => {
    expect(sampleFromStats(null, null, null, true).sample).toEqual({ rttMs: null, loss: null, availableKbps: null });
  });
});
