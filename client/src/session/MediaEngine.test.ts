import { describe, expect, it } from 'vitest';
import { renewalDelay } from './MediaEngine.ts';

describe('TURN credential renewal', () => {
  it('renews a tenth of the remaining life before expiry, and at least a minute before', () => {
    expect(renewalDelay(3600_000, 0)).toBe(3240_000);
    expect(renewalDelay(300_000, 0)).toBe(240_000);
    expect(renewalDelay(30_000, 0)).toBe(0);
  });
});
