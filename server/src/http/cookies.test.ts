import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, sessionCookie } from './cookies.ts';

describe('the mediator’s session cookie', () => {
  it('stays on its own host unless a domain for several nodes is set, and is cleared on the same one', () => {
    expect(sessionCookie('abc', { secure: true, maxAgeMs: 60_000 })).toBe('parley_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure');
    expect(sessionCookie('abc', { secure: true, maxAgeMs: 60_000, domain: 'parley.example.org' })).toContain('; Domain=parley.example.org;');
    expect(clearedSessionCookie(true, 'parley.example.org')).toBe('parley_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Domain=parley.example.org; Secure');
    expect(clearedSessionCookie(false)).not.toContain('Domain');
  });
});
