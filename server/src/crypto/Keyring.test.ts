import { describe, expect, it } from 'vitest';
import { getSodium } from './sodium.ts';
import { Keyring } from './Keyring.ts';

describe('Keyring', () => {
  it('reloads the same signing key from its sealed form, and only with the same master key', async () => {
    const s = await getSodium();
    const master = s.crypto_secretbox_keygen();
    let saved: { publicKey: string; sealedSecretKey: string } | undefined;
    const a = Keyring.create(s, master, undefined, (k) => (saved = k));
    const b = Keyring.create(s, master, saved, () => expect.fail('must not save again'));
    const msg = s.from_string('hello');
    expect(b.verifyDetached(a.signDetached(msg), msg)).toBe(true);
    expect(() => Keyring.create(s, s.crypto_secretbox_keygen(), saved, () => undefined)).toThrow();
  });

  it('seals text so that it is unreadable, unique per call, and tamper-evident', async () => {
    const s = await getSodium();
    const k = Keyring.create(s, s.crypto_secretbox_keygen(), undefined, () => undefined);
    const { key, wrapped } = k.newCaseKey();
    expect(k.unwrapCaseKey(wrapped)).toEqual(key);
    const a = k.sealText(key, 'Smith v Jones boundary dispute');
    const b = k.sealText(key, 'Smith v Jones boundary dispute');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('Smith');
    expect(k.openText(key, a)).toBe('Smith v Jones boundary dispute');
    const tampered = a.slice(0, 40) + (a[40] === 'A' ? 'B' : 'A') + a.slice(41);
    expect(() => k.openText(key, tampered)).toThrow();
  });
});
