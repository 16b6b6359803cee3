import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * The current time, refreshed every `intervalMs` (countdowns, toasts that expire). Ticks are
 * aligned to the clock, so two counters on one screen (a tile and a list) never show different
 * seconds for the same thing.
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let interval: ReturnType<typeof setInterval> | null = null;
    const first = setTimeout(() => {
      setNow(Date.now());
      interval = setInterval(() => setNow(Date.now()), intervalMs);
    }, intervalMs - (Date.now() % intervalMs) + 5);
    return () => {
      clearTimeout(first);
      if (interval) clearInterval(interval);
    };
  }, [intervalMs]);
  return now;
}

export interface Action {
  /** Runs `work` unless one is already running; failures become `error` (plain words). */
  run: (work: () => Promise<unknown>) => Promise<boolean>;
  busy: boolean;
  error: string | null;
  clear: () => void;
}

/** One button's request: busy while it runs, and what went wrong in words the person can act on. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    if (running.current) return false;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      if (mounted.current) setError(messageOf(e));
      return false;
    } finally {
      running.current = false;
      if (mounted.current) setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { run, busy, error, clear };
}

function messageOf(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === 'disconnected' || code === 'timeout') return 'That did not reach the session. Check your connection and try again.';
  if (e instanceof Error && e.message) return e.message;
  return 'That did not work. Please try again.';
}

/** Chimes when `count` grows (a new request, someone new waiting); not when it shrinks or on first draw. */
export function useChimeOnIncrease(count: number): void {
  const previous = useRef(count);
  useEffect(() => {
    if (count > previous.current) playChime();
    previous.current = count;
  }, [count]);
}

/** A short two-note chime (no sound file), for requests the mediator should not miss. */
export function playChime(): void {
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    const start = ctx.currentTime + 0.02;
    [660, 880].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.12, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.17);
    });
    void ctx.resume().catch(() => undefined);
    setTimeout(() => void ctx.close().catch(() => undefined), 800);
  } catch {
    // Sound is a courtesy; the alert on screen is what counts.
  }
}
