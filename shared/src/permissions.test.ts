import { describe, expect, it } from 'vitest';
import { canJoinSession, canPublish, receivesMediaFrom, requiresConsent } from './permissions.ts';

describe('permissions', () => {
  it('every role but the mediator must consent before joining', () => {
    expect(requiresConsent('mediator')).toBe(false);
    for (const role of ['party', 'advisor', 'assessor'] as const) {
      expect(canJoinSession({ role, consentCurrent: false })).toEqual({ allowed: false, reason: 'consent_required' });
      expect(canJoinSession({ role, consentCurrent: true })).toEqual({ allowed: true });
    }
    expect(canJoinSession({ role: 'mediator', consentCurrent: false })).toEqual({ allowed: true });
  });

  it('assessors never publish', () => {
    expect(canPublish('assessor', 'mic')).toBe(false);
    expect(canPublish('assessor', 'camera')).toBe(false);
    expect(canPublish('party', 'mic')).toBe(true);
  });

  it('media flows only between different people in the same room', () => {
    expect(receivesMediaFrom({ id: 'a', roomId: 'joint' }, { id: 'b', roomId: 'joint' })).toBe(true);
    expect(receivesMediaFrom({ id: 'a', roomId: 'joint' }, { id: 'a', roomId: 'joint' })).toBe(false);
    expect(receivesMediaFrom({ id: 'a', roomId: 'caucus-abcd' }, { id: 'b', roomId: 'joint' })).toBe(false);
  });
});
