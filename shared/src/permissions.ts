import type { MediaSource, Role } from './domain.ts';

/**
 * Who may do what, as pure functions of role and state. The server calls these before every
 * handler; the client calls the same functions only to decide what to show.
 */

/** Everyone but the mediator (who authors the agreement) must consent before any live contact (3.6.8). */
export function requiresConsent(role: Role): boolean {
  return role !== 'mediator';
}

export interface JoinState {
  role: Role;
  consentCurrent: boolean;
}

export type JoinDecision = { allowed: true } | { allowed: false; reason: 'consent_required' };

export function canJoinSession(s: JoinState): JoinDecision {
  if (requiresConsent(s.role) && !s.consentCurrent) return { allowed: false, reason: 'consent_required' };
  return { allowed: true };
}

/** Assessors observe; they never publish (docs/threats.md #2). */
export function canPublish(role: Role, _source: MediaSource): boolean {
  return role !== 'assessor';
}

export function canManageCase(role: Role): boolean {
  return role === 'mediator';
}

/**
 * Whether `viewer` receives media from `producerOwner`. Only people in the same room hear and see
 * each other; this is the rule the SFU applies when it decides which consumers exist.
 */
export function receivesMediaFrom(viewer: { id: string; roomId: string }, producerOwner: { id: string; roomId: string }): boolean {
  return viewer.id !== producerOwner.id && viewer.roomId === producerOwner.roomId;
}

export const roleLabel: Record<Role, string> = {
  mediator: 'Mediator',
  party: 'Party',
  advisor: 'Advisor',
  assessor: 'Assessor (observing)',
};
