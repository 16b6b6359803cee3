import { describe, expect, it } from 'vitest';
import { getSodium } from './sodium.ts';
import { Keyring } from './Keyring.ts';

describe('Keyring binary records', () => {
  it('seals bytes tamper-evidently, and a derived key per document does not open another document', async () => {
    const s = await getSodium();
    const k = Keyring.create(s, s.crypto_secretbox_keygen(), undefined, () => undefined);
    const { key } = k.newCaseKey();
    const data = s.from_string('The parties agree to share the fence costs.');
    const a = k.deriveKey(key, 'draft/case.x.agreement');
    const n = k.deriveKey(key, 'draft/case.x.notes');
    expect(a).not.toEqual(n);
    const sealed = k.sealBytes(a, data);
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('fence');
    expect(k.openBytes(a, sealed)).toEqual(data);
    expect(() => k.openBytes(n, sealed)).toThrow();
    const flipped = sealed.slice();
    flipped[30] = flipped[30]! ^ 1;
    expect(() => k.openBytes(a, flipped)).toThrow();
  });
});
