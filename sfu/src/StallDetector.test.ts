import { describe, expect, it } from 'vitest';
import { StallDetector } from './StallDetector.ts';

describe('StallDetector', () => {
  it('reports a transport lost after silentMs without a byte, once, and ok when bytes flow again', () => {
    const d = new StallDetector(8_000);
    expect(d.sample('t', 100, 0)).toBeNull();
    expect(d.sample('t', 200, 2_000)).toBeNull();
    expect(d.sample('t', 200, 9_000)).toBeNull(); // 7 s quiet: still fine
    expect(d.sample('t', 200, 10_000)).toBe('lost');
    expect(d.sample('t', 200, 12_000)).toBeNull(); // told once
    expect(d.sample('t', 260, 14_000)).toBe('ok');
    expect(d.sample('t', 300, 16_000)).toBeNull();
  });

  it('keeps transports apart and forgets closed ones', () => {
    const d = new StallDetector(1_000);
    d.sample('a', 1, 0);
    d.sample('b', 1, 0);
    expect(d.sample('a', 2, 1_500)).toBeNull();
    expect(d.sample('b', 1, 1_500)).toBe('lost');
    d.retain(new Set(['a']));
    expect(d.sample('b', 1, 3_000)).toBeNull(); // starts afresh
  });
});
