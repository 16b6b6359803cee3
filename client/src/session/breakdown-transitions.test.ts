import { describe, expect, it } from 'vitest';
import { DEFAULT_BREAKDOWN, type JoinResult, type NetworkSample, type Presence } from '@parley/shared';
import {
  afterJoinBreakdown,
  connectionAnnouncement,
  withAudioOnly,
  withAwaySeen,
  withNetworkSample,
  withOutage,
  withPause,
  withRecovered,
  withResumed,
} from './breakdown-transitions.ts';
import { initialSessionState, type SessionState } from './store.ts';

const person = (id: string, patch: Partial<Presence> = {}): Presence => ({
  id,
  displayName: id === 'ana00000' ? 'Ana' : 'Ben',
  role: 'party',
  side: 'A',
  roomId: 'joint',
  mic: 'on',
  micHeldBy: null,
  camera: 'on',
  cameras: [],
  sharing: false,
  connection: 'connected',
  awaySince: null,
  audioOnly: false,
  ...patch,
});
const state = (patch: Partial<SessionState> = {}): SessionState => ({ ...initialSessionState, ...patch });
const weak: NetworkSample = { rttMs: 900, loss: 0.2, availableKbps: 120 };
const good: NetworkSample = { rttMs: 40, loss: 0, availableKbps: 2000 };

describe('my own outage', () => {
  it('keeps counting from the first sign of trouble through every rung, and says how long it lasted', () => {
    let s = withOutage(state(), 'offline', 1_000);
    s = withOutage(s, 'reconnecting', 9_000);
    s = withOutage(s, 'rejoining', 12_000);
    expect(s.outage).toEqual({ since: 1_000, step: 'rejoining' });
    s = withRecovered(s, 13_400);
    expect(s.outage).toBeNull();
    expect(s.recovered).toEqual({ at: 13_400, seconds: 12 });
  });

  it('a join without an outage is not a recovery', () => {
    const s = state();
    expect(withRecovered(s, 5)).toBe(s);
  });
});

describe('other people’s connection', () => {
  it('times a live drop from when it reached this device, and forgets it when they are back', () => {
    const before = person('ana00000');
    const away = person('ana00000', { connection: 'reconnecting', awaySince: '1999-01-01T00:00:00.000Z' });
    let s = withAwaySeen(state(), before, away, 50_000);
    expect(s.awaySeen).toEqual({ ana00000: 50_000 });
    expect(withAwaySeen(s, away, away, 60_000)).toBe(s);
    s = withAwaySeen(s, away, person('ana00000'), 70_000);
    expect(s.awaySeen).toEqual({});
  });

  it('on joining, uses the server’s time for people already away, but never a time in the future', () => {
    const joined = {
      self: person('me000000'),
      participants: [
        person('ana00000', { connection: 'reconnecting', awaySince: new Date(40_000).toISOString() }),
        person('ben00000', { connection: 'media-lost', awaySince: new Date(99_000).toISOString() }),
      ],
      pause: null,
      breakdown: { ...DEFAULT_BREAKDOWN, graceSeconds: 20 },
    } as unknown as JoinResult;
    const s = afterJoinBreakdown(state(), joined, 60_000);
    expect(s.awaySeen).toEqual({ ana00000: 40_000, ben00000: 60_000 });
    expect(s.breakdown.graceSeconds).toBe(20);
  });

  it('reads out drops, returns and the audio-only switch, and nothing else', () => {
    const ana = person('ana00000');
    expect(connectionAnnouncement(ana, { ...ana, connection: 'reconnecting' })).toBe('Ana’s connection dropped. They are reconnecting.');
    expect(connectionAnnouncement({ ...ana, connection: 'reconnecting' }, ana)).toBe('Ana is back.');
    expect(connectionAnnouncement(ana, { ...ana, connection: 'media-lost' })).toBe('Ana’s audio and video are not getting through.');
    expect(connectionAnnouncement(ana, { ...ana, audioOnly: true })).toBe('Ana is on audio only because of a weak connection.');
    expect(connectionAnnouncement(ana, { ...ana, mic: 'off' })).toBeNull();
    expect(connectionAnnouncement(undefined, ana)).toBeNull();
  });
});

describe('the paused joint session', () => {
  it('shows the pause until it is resumed, then how long it lasted', () => {
    const pause = { since: '2030-01-01T00:00:00.000Z', missing: [{ id: 'ana00000', displayName: 'Ana' }], by: null };
    let s = withPause(state(), pause);
    expect(s.pause).toBe(pause);
    s = withResumed(s, { by: null, pausedSeconds: 75 }, 9);
    expect(s.pause).toBeNull();
    expect(s.resumed).toEqual({ at: 9, by: null, pausedSeconds: 75 });
  });
});

describe('the audio-only rung', () => {
  const feed = (s: SessionState, samples: NetworkSample[], auto: boolean) => {
    const decisions = [];
    for (const sample of samples) {
      const next = withNetworkSample(s, sample, auto);
      s = next.state;
      decisions.push(next.decision);
    }
    return { s, decisions };
  };

  it('switches by itself after three weak windows when the case says so, and back after a long good stretch', () => {
    const { s, decisions } = feed(state(), [weak, weak, weak], true);
    expect(decisions.map((d) => d.kind)).toEqual(['none', 'none', 'switch']);
    expect(decisions[2]).toMatchObject({ on: true, reason: expect.stringContaining('120 kbit/s available') });
    const on = withAudioOnly(s, { by: 'auto', reason: 'weak' });
    const back = feed(on, Array(15).fill(good), true);
    expect(back.decisions.at(-1)).toMatchObject({ kind: 'switch', on: false });
    expect(back.decisions.slice(0, -1).every((d) => d.kind === 'none')).toBe(true);
  });

  it('only offers the switch when the case leaves it to the person', () => {
    const { s, decisions } = feed(state(), [weak, weak, weak, weak], false);
    expect(decisions.map((d) => d.kind)).toEqual(['none', 'none', 'suggest', 'none']);
    expect(s.network.suggestion).toMatch(/^Your connection is weak/);
    expect(feed(s, Array(10).fill(good), false).s.network.suggestion).toBeNull();
  });

  it('never undoes the person’s own choice', () => {
    const chosen = withAudioOnly(state(), { by: 'person', reason: 'mine' });
    const { decisions } = feed(chosen, Array(20).fill(good), true);
    expect(decisions.every((d) => d.kind === 'none')).toBe(true);
  });
});
