import { describe, expect, it } from 'vitest';
import { randomId } from './randomId.ts';

describe('randomId', () => {
  it('is unpadded base64url of the asked number of bytes (the format stored ids already have)', () => {
    expect(randomId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomId(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomId(12)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(randomId(9)).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });
  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId(9)));
    expect(ids.size).toBe(1000);
  });
});
