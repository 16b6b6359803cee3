import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from './store.ts';

afterEach(() => vi.useRealTimers());

function watched(initial = 0) {
  const store = new Store(initial);
  const heard: number[] = [];
  store.subscribe(() => heard.push(store.getSnapshot()));
  return { store, heard };
}

describe('Store.hold', () => {
  it('keeps updating the state but tells listeners once, when released', () => {
    const { store, heard } = watched();
    const release = store.hold(1_000);
    store.update((n) => n + 1);
    store.update((n) => n + 1);
    expect(store.getSnapshot()).toBe(2);
    expect(heard).toEqual([]);
    release();
    expect(heard).toEqual([2]);
    release();
    expect(heard).toEqual([2]);
  });

  it('tells listeners at once again after the last of overlapping holds ends', () => {
    const { store, heard } = watched();
    const first = store.hold(1_000);
    const second = store.hold(1_000);
    store.update((n) => n + 1);
    first();
    expect(heard).toEqual([]);
    second();
    expect(heard).toEqual([1]);
    store.update((n) => n + 1);
    expect(heard).toEqual([1, 2]);
  });

  it('ends by itself after its longest time', () => {
    vi.useFakeTimers();
    const { store, heard } = watched();
    store.hold(250);
    store.update((n) => n + 1);
    vi.advanceTimersByTime(249);
    expect(heard).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(heard).toEqual([1]);
  });

  it('says nothing at the end when nothing changed', () => {
    const { store, heard } = watched();
    const release = store.hold(1_000);
    store.update((n) => n);
    release();
    expect(heard).toEqual([]);
  });
});
