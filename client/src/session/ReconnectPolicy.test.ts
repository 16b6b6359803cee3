import { describe, expect, it } from 'vitest';
import { ReconnectPolicy } from './ReconnectPolicy.ts';

describe('ReconnectPolicy', () => {
  it('backs off exponentially up to 15 s, scaled by jitter in [0.5, 1.5)', () => {
    const low = new ReconnectPolicy(() => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => low.nextDelay())).toEqual([500, 1_000, 2_000, 4_000, 7_500, 7_500]);
    const high = new ReconnectPolicy(() => 0.999);
    for (let i = 0; i < 4; i++) high.nextDelay();
    expect(high.nextDelay()).toBeCloseTo(15_000 * 1.499);
  });

  it('starts over after reset', () => {
    const p = new ReconnectPolicy(() => 0.5);
    p.nextDelay();
    p.nextDelay();
    p.reset();
    expect(p.nextDelay()).toBe(1_000);
  });

  it('never retries after a terminal 44xx close, and that costs no attempt', () => {
    const p = new ReconnectPolicy(() => 0.5);
    expect(p.nextDelay(4410)).toBeNull();
    expect(p.nextDelay(4409)).toBeNull();
    expect(p.nextDelay(4503)).toBe(1_000);
    expect(p.nextDelay()).toBe(2_000);
  });
});
