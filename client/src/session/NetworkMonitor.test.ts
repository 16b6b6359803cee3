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
    const recv = (lost: number, received: number) => report({ id: 'v1', type: 'inbound-rtp', packetsLost: lost, packetsReceived: received });
    const first = sampleFromStats(null, recv(10, 1000), null, false);
    expect(first.sample.loss).toBeNull();
    const second = sampleFromStats(null, recv(30, 1180), first.counters, false);
    expect(second.sample.loss).toBeCloseTo(0.1);
    const reset = sampleFromStats(null, recv(0, 50), second.counters, false);
    expect(reset.sample.loss).toBeNull();
  });

  it('does not take one sender’s uplink loss, forwarded to everyone, for its own downlink', () => {
    const recv = (fromWes: [number, number], fromUma: [number, number]) =>
      report(
        { id: 'wes-video', type: 'inbound-rtp', packetsLost: fromWes[0], packetsReceived: fromWes[1] },
        { id: 'uma-video', type: 'inbound-rtp', packetsLost: fromUma[0], packetsReceived: fromUma[1] },
      );
    const first = sampleFromStats(null, recv([0, 1000], [0, 1000]), null, false);
    // Wes's streams lose 18 %, Uma's arrive whole: the mediator's own downlink is fine.
    const wesLossy = sampleFromStats(null, recv([36, 1164], [0, 1200]), first.counters, false);
    expect(wesLossy.sample.loss).toBe(0);
    // Both senders' streams lose alike: that is this person's own downlink.
    const ownLossy = sampleFromStats(null, recv([56, 1344], [20, 1380]), wesLossy.counters, false);
    expect(ownLossy.sample.loss).toBeCloseTo(0.1, 1);
  });

  it('knows nothing when there are no statistics', () => {
    expect(sampleFromStats(null, null, null, true).sample).toEqual({ rttMs: null, loss: null, availableKbps: null });
  });
});
