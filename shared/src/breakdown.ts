import { z } from 'zod';
import type { ProtocolClause } from './clause.ts';

/**
 * The case's technology-breakdown procedure [3.6.6, 3.6.13, 3.7.17]. The mediator sets these per
 * case; the protocol agreement's "breakdown" clause is rendered from them, so parties consent to the
 * exact procedure that the platform then runs.
 */
export const BreakdownSettings = z
  .object({
    /** How long a dropped person is held "reconnecting" before the joint session pauses. */
    graceSeconds: z.number().int().min(10).max(900),
    /** Pause the joint room (parties' microphones held) while a party is missing past the grace period. */
    pauseJointSession: z.boolean(),
    /** Switch a person to audio only, automatically, when their measured network is poor. */
    audioOnlyFallback: z.boolean(),
    /** Point people to the written thread while someone is away. */
    textFallback: z.boolean(),
    /** Who to contact to arrange a new time if the session cannot go on (shown in the agreement). */
    reschedulingContact: z.string().trim().max(200),
  })
  .strict();
export type BreakdownSettings = z.infer<typeof BreakdownSettings>;

export const DEFAULT_BREAKDOWN: BreakdownSettings = {
  graceSeconds: 60,
  pauseJointSession: true,
  audioOnlyFallback: true,
  textFallback: true,
  reschedulingContact: '',
};

export const BREAKDOWN_CLAUSE_ID = 'breakdown';

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} seconds`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const mins = `${m} minute${m === 1 ? '' : 's'}`;
  return s ? `${mins} ${s} seconds` : mins;
}

/** The plain-language clause the parties consent to, written from the case's settings. */
export function breakdownClause(s: BreakdownSettings): ProtocolClause {
  const parts = [
    'If someone’s connection drops, the platform tries to reconnect them by itself and shows everyone that ' +
      'they are reconnecting, and for how long.',
    s.pauseJointSession
      ? `If a party is still missing after ${duration(s.graceSeconds)}, the joint session pauses: nobody negotiates ` +
        'while one side is absent. Microphones in the joint room stay off until they are back or the mediator ' +
        'decides how to continue.'
      : `If a party is still missing after ${duration(s.graceSeconds)}, the mediator decides whether to pause; ` +
        'nobody negotiates while one side is absent.',
    s.audioOnlyFallback
      ? 'If your network is too weak for video, the platform turns video off and continues with audio only, and ' +
        'tells you why.'
      : 'If your network is too weak for video, the platform suggests continuing with audio only; you decide.',
    s.textFallback ? 'While someone is away, the written messages of the case stay open to everyone.' : '',
    s.reschedulingContact
      ? `If the session cannot go on, the mediator will contact you to arrange a new time (contact: ${s.reschedulingContact}).`
      : 'If the session cannot go on, the mediator will contact you to arrange a new time.',
    'Every interruption is written in the session record.',
  ];
  return {
    id: BREAKDOWN_CLAUSE_ID,
    title: 'If the technology breaks down',
    body: parts.filter(Boolean).join(' '),
    imi: ['3.6.6', '3.6.13', '3.7.17'],
  };
}

/** Why the joint session is paused and since when. */
export interface SessionPause {
  since: string;
  /** People whose absence paused it (empty when the mediator paused by hand). */
  missing: { id: string; displayName: string }[];
  /** The mediator, when they paused by hand; null when the platform did. */
  by: { id: string; displayName: string } | null;
}

// --- network quality, measured by the client for the audio-only rung ------------------------

/** One measurement window of a person's connection (from RTCPeerConnection stats). */
export interface NetworkSample {
  /** Round-trip time to the media server in milliseconds (null if unknown). */
  rttMs: number | null;
  /** Fraction of packets lost in the window, 0–1 (null if unknown). */
  loss: number | null;
  /** Bandwidth estimate for sending, in kbit/s (null if unknown). */
  availableKbps: number | null;
}

export type NetworkQuality = 'good' | 'poor' | 'bad';

export interface NetworkVerdict {
  quality: NetworkQuality;
  /** Plain words for the person, naming what was measured. */
  reason: string;
}

/**
 * Thresholds: video needs ~300 kbit/s; above 10% loss or 800 ms RTT conversation suffers.
 * The bandwidth estimate counts only when delay or loss confirm it: the browser's estimate is
 * "what has been probed", so a sender that has little to send (a still picture, audio only) or a
 * busy device (an old phone) reports a low figure on a perfectly good network. Alone it would
 * switch people to audio only for nothing, and keep them there (audio alone never probes higher).
 */
export function classifyNetwork(s: NetworkSample): NetworkVerdict {
  const lossPct = s.loss === null ? null : Math.round(s.loss * 100);
  const strained = (lossPct !== null && lossPct >= 3) || (s.rttMs !== null && s.rttMs >= 250);
  const kbpsBelow = (k: number) => strained && s.availableKbps !== null && s.availableKbps < k;
  if ((lossPct !== null && lossPct >= 25) || (s.rttMs !== null && s.rttMs >= 1500) || kbpsBelow(80)) {
    return { quality: 'bad', reason: describe(s, lossPct) };
  }
  if ((lossPct !== null && lossPct >= 10) || (s.rttMs !== null && s.rttMs >= 800) || kbpsBelow(250)) {
    return { quality: 'poor', reason: describe(s, lossPct) };
  }
  return { quality: 'good', reason: 'Your connection is good.' };
}

function describe(s: NetworkSample, lossPct: number | null): string {
  const bits: string[] = [];
  if (s.availableKbps !== null) bits.push(`${Math.round(s.availableKbps)} kbit/s available`);
  if (lossPct !== null && lossPct > 0) bits.push(`${lossPct}% of data lost`);
  if (s.rttMs !== null) bits.push(`${Math.round(s.rttMs)} ms delay`);
  return `Your connection is weak (${bits.join(', ') || 'measured'}).`;
}

/**
 * Audio-only is switched on after `enterAfter` consecutive poor-or-bad windows and off again only
 * after `leaveAfter` good ones, so a single spike does not flap video on and off.
 */
export function nextAudioOnly(current: boolean, history: NetworkQuality[], enterAfter = 3, leaveAfter = 10): boolean {
  const tail = (n: number) => history.slice(-n);
  if (!current) return history.length >= enterAfter && tail(enterAfter).every((q) => q !== 'good');
  return !(history.length >= leaveAfter && tail(leaveAfter).every((q) => q === 'good'));
}

/** The holder named on microphones held because the joint session is paused (presence micHeldBy). */
export const PAUSE_HOLDER = { id: 'session-paused', displayName: 'the paused session' } as const;
