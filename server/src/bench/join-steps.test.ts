import { describe, expect, it } from 'vitest';
import { firstAtOrAfter, frameStepTable, markedStepsAfter, spreadOfPresent, stepTable, stepsAfter } from './join-steps.ts';

describe('join step table', () => {
  it('takes the first mark at or after the moment, ignoring earlier joins and the order marks were kept in', () => {
    expect(firstAtOrAfter([900, 120, 1500, 1010], 1000)).toBe(1010);
    expect(firstAtOrAfter([1000], 1000)).toBe(1000);
    expect(firstAtOrAfter([10, 20], 1000)).toBeNull();
    expect(firstAtOrAfter(undefined, 0)).toBeNull();
  });

  it('gives each step in ms after the moment, null when it was not marked after it', () => {
    const marks = { 'socket-connected': [40, 1030], 'join-ack': [1080], 'device-loaded': [60] };
    expect(stepsAfter(marks, 1000, ['socket-connected', 'join-ack', 'device-loaded', 'consumer-built'])).toEqual({
      'socket-connected': 30,
      'join-ack': 80,
      'device-loaded': null,
      'consumer-built': null,
    });
  });

  it('also reports steps it was not told about, but not the moments measured from', () => {
    const marks = { 'join-click': [1000], 'prejoin-ready': [500], 'join-ack': [1080], 'new-step': [1010] };
    expect(markedStepsAfter(marks, 1000, ['join-ack', 'device-loaded'], ['join-click', 'prejoin-ready'])).toEqual({ 'join-ack': 80, 'device-loaded': null, 'new-step': 10 });
  });

  it('orders rows by when the steps happened and counts only the rounds that had them', () => {
    const rounds = [
      { b: 50, a: 200, c: null },
      { b: 70, a: 100, c: null },
      { b: 60, a: null, c: null },
    ];
    expect(stepTable(rounds, ['a', 'b', 'c'])).toEqual([
      { step: 'b', n: 3, p50_ms: 60, p95_ms: 70 },
      { step: 'a', n: 2, p50_ms: 200, p95_ms: 200 },
      { step: 'c', n: 0, p50_ms: null, p95_ms: null },
    ]);
  });

  it('spreads only the values present', () => {
    expect(spreadOfPresent([null, 30, 10, 20])).toEqual({ n: 3, p50: 20, p95: 30, max: 30 });
    expect(spreadOfPresent([null, null])).toEqual({ n: 0, p50: null, p95: null, max: null });
  });

  it('puts the packet and frame moments in the same table as the marked steps', () => {
    const round = { steps: { 'join-ack': 40, 'device-loaded': null }, firstPacket: 300, firstFrameReceived: 320, firstFrame: 350, allFrames: 400 };
    expect(frameStepTable([round]).map((r) => [r.step, r.p50_ms])).toEqual([
      ['join-ack', 40],
      ['first-rtp-packet', 300],
      ['first-frame-received', 320],
      ['first-frame', 350],
      ['all-remote-frames', 400],
      ['device-loaded', null],
    ]);
  });
});
