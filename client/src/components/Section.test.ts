import { describe, expect, it } from 'vitest';
import { readSectionOpen, writeSectionOpen } from './Section.tsx';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('side panel sections remember whether they are open', () => {
  it('a section folded away reads as folded next time; others keep their default', () => {
    const s = memoryStorage();
    expect(readSectionOpen(s, 'Breakdown procedure', true)).toBe(true);
    writeSectionOpen(s, 'Breakdown procedure', false);
    expect(readSectionOpen(s, 'Breakdown procedure', true)).toBe(false);
    expect(readSectionOpen(s, 'Rooms', true)).toBe(true);
    writeSectionOpen(s, 'Breakdown procedure', true);
    expect(readSectionOpen(s, 'Breakdown procedure', false)).toBe(true);
  });

  it('a browser that refuses storage gets the default, without an error', () => {
    const refusing = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => writeSectionOpen(refusing, 'Rooms', false)).not.toThrow();
    expect(readSectionOpen(refusing, 'Rooms', true)).toBe(true);
    expect(readSectionOpen(undefined, 'Rooms', false)).toBe(false);
  });
});
