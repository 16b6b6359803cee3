import { describe, expect, it } from 'vitest';
import { DISCONNECTED_GRACE_MS, RESTART_DEADLINE_MS, TransportWatch, type Timers } from './TransportWatch.ts';

/** Timers driven by hand: `advance(ms)` runs whatever is due. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    set: (fn, ms) => {
      const id = next++;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clear: (h) => void due.delete(h as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now && due.has(id)) {
        due.delete(id);
        t.fn();
      }
    }
  };
  return { timers, advance };
}

function setup(restart: () => Promise<void> = () => Promise.resolve(), state: () => 'connected' | 'failed' = () => 'failed') {
  const { timers, advance } = manualTimers();
  const log: string[] = [];
  const watch = new TransportWatch(
    {
      restartIce: () => {
        log.push('restart');
        return restart();
      },
      trouble: () => log.push('trouble'),
      restored: (restarted) => log.push(restarted ? 'restored after restart' : 'restored'),
      giveUp: () => log.push('give up'),
      currentState: state,
    },
    timers,
  );
  return { watch, advance, log };
}

describe('TransportWatch', () => {
  it('lets a short disconnection heal by itself', () => {
    const { watch, advance, log } = setup();
    watch.onState('connected');
    watch.onState('disconnected');
    advance(DISCONNECTED_GRACE_MS - 1);
    watch.onState('connected');
    advance(RESTART_DEADLINE_MS * 2);
    expect(log).toEqual([]);
  });

  it('restarts ICE when a disconnection lasts, and reports the repair', () => {
    const { watch, advance, log } = setup();
    watch.onState('connected');
    watch.onState('disconnected');
    advance(DISCONNECTED_GRACE_MS);
    expect(log).toEqual(['trouble', 'restart']);
    watch.onState('connecting');
    watch.onState('connected');
    advance(RESTART_DEADLINE_MS * 2);
    expect(log).toEqual(['trouble', 'restart', 'restored after restart']);
  });

  it('restarts at once when ICE failed, and rejoins when the restart does not bring it back', () => {
    const { watch, advance, log } = setup();
    watch.onState('failed');
    expect(log).toEqual(['trouble', 'restart']);
    advance(RESTART_DEADLINE_MS);
    expect(log).toEqual(['trouble', 'restart', 'give up']);
    // Nothing more after giving up: the rejoin replaces this transport.
    watch.onState('connected');
    expect(log).toEqual(['trouble', 'restart', 'give up']);
  });

  it('rejoins when new ICE parameters cannot be had', async () => {
    const { watch, log } = setup(() => Promise.reject(new Error('not connected')));
    watch.onState('failed');
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['trouble', 'restart', 'give up']);
  });

  it('counts a forced restart on a path that never broke as repaired when the deadline finds it connected', () => {
    const { watch, advance, log } = setup(undefined, () => 'connected');
    watch.onState('connected');
    watch.restartNow();
    advance(RESTART_DEADLINE_MS);
    expect(log).toEqual(['trouble', 'restart', 'restored after restart']);
  });

  it('does nothing once stopped', () => {
    const { watch, advance, log } = setup();
    watch.onState('disconnected');
    watch.stop();
    advance(RESTART_DEADLINE_MS * 2);
    watch.onState('failed');
    expect(log).toEqual([]);
  });
});
