import {
  classifyNetwork,
  nextAudioOnly,
  type JoinResult,
  type NetworkSample,
  type Notifications,
  type Presence,
  type SessionPause,
} from '@parley/shared';
import type { OutageStep, SessionState } from './store.ts';

/**
 * How the breakdown procedure changes the session state [3.6.13, 3.7.17]: my own outage and its
 * rungs, other people's connection trouble, the paused joint session and the audio-only rung.
 * Pure, like transitions.ts; SessionClient and Breakdown decide when they apply.
 */

/** Enough windows to see a trend; nextAudioOnly looks at most this far back. */
const HISTORY = 20;

/** The next rung of my own outage; it keeps counting from when the trouble began. */
export function withOutage(s: SessionState, step: OutageStep, now: number): SessionState {
  if (s.outage?.step === step) return s;
  return { ...s, outage: { since: s.outage?.since ?? now, step }, recovered: null };
}

/** I am back: the outage ends, and how long it lasted is kept for "Back in the session". */
export function withRecovered(s: SessionState, now: number): SessionState {
  if (!s.outage) return s;
  return { ...s, outage: null, recovered: { at: now, seconds: Math.max(0, Math.round((now - s.outage.since) / 1000)) } };
}

export function afterJoinBreakdown(s: SessionState, joined: JoinResult, now: number): SessionState {
  let awaySeen: Record<string, number> = {};
  for (const p of joined.participants) {
    if (p.id === joined.self.id || p.connection === 'connected') continue;
    // Already away when I arrived: the server's time, but never in my future (clocks differ).
    const at = p.awaySince ? Date.parse(p.awaySince) : NaN;
    awaySeen = { ...awaySeen, [p.id]: Number.isNaN(at) ? (s.awaySeen[p.id] ?? now) : Math.min(at, now) };
  }
  return {
    ...s,
    breakdown: joined.breakdown ?? s.breakdown,
    pause: joined.pause ?? null,
    resumed: joined.pause ? null : s.resumed,
    awaySeen,
  };
}

/**
 * Someone's connection changed. A live change is timed from when it reached me, on my clock, so a
 * counter never jumps because the server's clock and mine differ.
 */
export function withAwaySeen(s: SessionState, before: Presence | undefined, now: Presence, at: number): SessionState {
  const wasAway = !!before && before.connection !== 'connected';
  const isAway = now.connection !== 'connected';
  if (isAway && (!wasAway || before?.connection !== now.connection || !(now.id in s.awaySeen))) {
    return { ...s, awaySeen: { ...s.awaySeen, [now.id]: at } };
  }
  if (!isAway && now.id in s.awaySeen) {
    const { [now.id]: _gone, ...rest } = s.awaySeen;
    return { ...s, awaySeen: rest };
  }
  return s;
}

export function withoutAwaySeen(s: SessionState, participantId: string): SessionState {
  if (!(participantId in s.awaySeen)) return s;
  const { [participantId]: _gone, ...rest } = s.awaySeen;
  return { ...s, awaySeen: rest };
}

/** What to read out when someone's connection changes; null when nothing worth saying changed. */
export function connectionAnnouncement(before: Presence | undefined, now: Presence): string | null {
  const name = now.displayName;
  const was = before?.connection ?? 'connected';
  if (now.connection !== was) {
    if (now.connection === 'reconnecting') return `${name}’s connection dropped. They are reconnecting.`;
    if (now.connection === 'media-lost') return `${name}’s audio and video are not getting through.`;
    return `${name} is back.`;
  }
  if (!!before && before.audioOnly !== now.audioOnly) {
    return now.audioOnly ? `${name} is on audio only because of a weak connection.` : `${name}’s video is back.`;
  }
  return null;
}

export function withPause(s: SessionState, pause: SessionPause): SessionState {
  return { ...s, pause, resumed: null };
}

export function withResumed(s: SessionState, e: Notifications['session:resumed'], now: number): SessionState {
  return { ...s, pause: null, resumed: { at: now, by: e.by, pausedSeconds: e.pausedSeconds } };
}

/** What to read out when the joint session pauses. */
export function pauseAnnouncement(p: SessionPause): string {
  const names = p.missing.map((m) => m.displayName);
  if (names.length) return `The joint session is paused: ${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} not connected.`;
  return `${p.by?.displayName ?? 'The mediator'} paused the joint session.`;
}

export function resumeAnnouncement(e: Notifications['session:resumed']): string {
  return e.by ? `${e.by.displayName} resumed the joint session.` : 'The joint session continues.';
}

// ---------------------------------------------------------------------------------------------
// The audio-only rung

export type AudioOnlyDecision = { kind: 'none' } | { kind: 'switch'; on: boolean; reason: string } | { kind: 'suggest'; reason: string | null };

/**
 * One measurement window: remember it, and decide what the rung does. The platform switches by
 * itself only when the case's procedure says so; otherwise it offers the switch. A choice the
 * person made themself is never undone by a measurement.
 */
export function withNetworkSample(s: SessionState, sample: NetworkSample, auto: boolean): { state: SessionState; decision: AudioOnlyDecision } {
  const verdict = classifyNetwork(sample);
  const history = [...s.network.history, verdict.quality].slice(-HISTORY);
  const current = s.network.audioOnly;
  let network = { ...s.network, sample, verdict, history };
  let decision: AudioOnlyDecision = { kind: 'none' };
  if (current?.by === 'person') {
    // The person decides; nothing to offer either.
  } else if (auto) {
    // Leaving takes longer than entering: with video off we measure less, and flapping is worse.
    const want = nextAudioOnly(!!current, history, 3, 15);
    if (want !== !!current) decision = { kind: 'switch', on: want, reason: want ? verdict.reason : 'Your connection is good again.' };
  } else {
    const weak = nextAudioOnly(network.suggestion !== null, history, 3, 10);
    const suggestion = weak ? (verdict.quality === 'good' ? network.suggestion : verdict.reason) : null;
    if (suggestion !== network.suggestion) {
      network = { ...network, suggestion };
      decision = { kind: 'suggest', reason: suggestion };
    }
  }
  return { state: { ...s, network }, decision };
}

/** Audio only switched on (by the platform or the person) or off; measurements start afresh. */
export function withAudioOnly(s: SessionState, audioOnly: SessionState['network']['audioOnly']): SessionState {
  return { ...s, network: { ...s.network, audioOnly, suggestion: null, history: [] } };
}
