import { describe, expect, it, beforeAll } from 'vitest';
import { ErrorCode, ParleyError } from '@parley/shared';
import { getSodium } from './sodium.ts';
import { Keyring } from './Keyring.ts';
import { InviteVerifier, signInvite, verifyInvite, type InvitePayload } from './tokens.ts';

let keys: Keyring;
let other: Keyring;
beforeAll(async () => {
  const s = await getSodium();
  keys = Keyring.create(s, s.crypto_secretbox_keygen(), undefined, () => undefined);
  other = Keyring.create(s, s.crypto_secretbox_keygen(), undefined, () => undefined);
});

const payload = (over: Partial<InvitePayload> = {}): InvitePayload => ({
  v: 1,
  typ: 'invite',
  cid: 'case_12345678',
  pid: 'part_12345678',
  role: 'party',
  jti: 'jti_123456789',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 3600,
  ...over,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ParleyError ? e.code : 'not-a-parley-error';
  }
  return undefined;
}

describe('invitation tokens', () => {
  it('round-trips a signed payload', () => {
    expect(verifyInvite(keys, signInvite(keys, payload()))).toEqual(payload());
  });

  it('refuses a token whose payload was altered to raise the role (threats #5)', () => {
    const token = signInvite(keys, payload());
    const [body, sig] = token.split('.');
    const s = keys.sodium;
    const json = JSON.parse(s.to_string(s.from_base64(body!, s.base64_variants.URLSAFE_NO_PADDING)));
    json.role = 'mediator';
    const forged = `${s.to_base64(s.from_string(JSON.stringify(json)), s.base64_variants.URLSAFE_NO_PADDING)}.${sig}`;
    expect(codeOf(() => verifyInvite(keys, forged))).toBe(ErrorCode.LinkInvalid);
  });

  it('refuses flipped signature bytes, a stripped signature and garbage', () => {
    const token = signInvite(keys, payload());
    // Flip one character in the middle of the signature (trailing base64 bits may be ignored).
    const at = token.indexOf('.') + 20;
    const flipped = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
    expect(flipped).not.toBe(token);
    for (const t of [flipped, token.split('.')[0]!, `${token.split('.')[0]}.`, 'x.y', '', 'a'.repeat(5000), 42, null]) {
      expect(codeOf(() => verifyInvite(keys, t))).toBe(ErrorCode.LinkInvalid);
    }
  });

  it('refuses a token signed by another server key', () => {
    expect(codeOf(() => verifyInvite(keys, signInvite(other, payload())))).toBe(ErrorCode.LinkInvalid);
  });

  it('refuses an expired token with its own code', () => {
    const t = signInvite(keys, payload({ exp: Math.floor(Date.now() / 1000) - 1 }));
    expect(codeOf(() => verifyInvite(keys, t))).toBe(ErrorCode.LinkExpired);
  });

  it('refuses a validly signed payload with extra fields', () => {
    const s = keys.sodium;
    const body = s.to_base64(s.from_string(JSON.stringify({ ...payload(), admin: true })), s.base64_variants.URLSAFE_NO_PADDING);
    const sig = s.to_base64(keys.signDetached(s.from_string(body)), s.base64_variants.URLSAFE_NO_PADDING);
    expect(codeOf(() => verifyInvite(keys, `${body}.${sig}`))).toBe(ErrorCode.LinkInvalid);
  });
});

describe('InviteVerifier (each token verified once per process)', () => {
  it('answers as verifyInvite does, and a remembered token is still refused once it has expired', () => {
    const v = new InviteVerifier(keys);
    const now = Date.now();
    const t = signInvite(keys, payload({ exp: Math.floor(now / 1000) + 60 }));
    expect(v.verify(t, now)).toEqual(verifyInvite(keys, t, now));
    // Remembered now: the second answer comes from memory, and expiry is still checked against the clock.
    expect(v.verify(t, now + 30_000)).toEqual(payload({ exp: Math.floor(now / 1000) + 60 }));
    expect(codeOf(() => v.verify(t, now + 61_000))).toBe(ErrorCode.LinkExpired);
  });

  it('remembers exact tokens only: the same payload under another signature is refused; the oldest are forgotten past its size', () => {
    const v = new InviteVerifier(keys, 2);
    expect(v.verify(signInvite(keys, payload())).jti).toBe(payload().jti);
    const forged = signInvite(other, payload());
    for (let i = 0; i < 2; i++) expect(codeOf(() => v.verify(forged))).toBe(ErrorCode.LinkInvalid);
    const tokens = ['jti_aaaaaaaaa', 'jti_bbbbbbbbb', 'jti_ccccccccc'].map((jti) => signInvite(keys, payload({ jti })));
    for (const t of [...tokens, ...tokens]) expect(v.verify(t).jti).toBe(verifyInvite(keys, t).jti);
  });
});

