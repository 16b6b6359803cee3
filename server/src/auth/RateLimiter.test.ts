import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, RateLimiter } from './RateLimiter.ts';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the given rate', () => {
    const r = new RateLimiter(10, 5, 0);
    expect(Array.from({ length: 7 }, () => r.take(0))).toEqual([true, true, true, true, true, false, false]);
    expect(r.drainRefused()).toBe(2);
    expect(r.take(100)).toBe(true); // 0.1 s → one token
    expect(r.take(100)).toBe(false);
    expect(r.take(10_000)).toBe(true);
    expect(Array.from({ length: 5 }, () => r.take(10_000)).filter(Boolean)).toHaveLength(4); // capped at burst
  });
});

describe('KeyedRateLimiter', () => {
  it('shares one budget per key and keeps keys apart', () => {
    const r = new KeyedRateLimiter(1, 3);
    expect(Array.from({ length: 4 }, () => r.take('ana', 0))).toEqual([true, true, true, false]);
    expect(r.take('ben', 0)).toBe(true);
    expect(r.take('ana', 1000)).toBe(true);
  });

  it('forgets keys whose bucket refilled', () => {
    const r = new KeyedRateLimiter(10, 2);
    r.take('ana', 0);
    expect(r.size).toBe(1);
    r.take('ben', 61_000);
    expect(r.size).toBe(1);
  });
});
