import type { Readiness } from '@parley/shared';
import type { Logger } from '../logger.ts';

/**
 * One thing this instance needs before it can serve a mediation. `probe` answers true when it
 * holds; false or a throw means it does not. `failure` is what /api/ready says then: fixed words,
 * because anyone may ask (the thrown error, which may name a path, goes to the log only).
 */
export interface ReadinessCheck {
  name: string;
  failure: string;
  probe: () => boolean | Promise<boolean>;
}

/**
 * Runs every check (all of them, so the answer names every failure, not only the first) and says
 * whether the instance is ready. Logs when readiness changes, not on every poll: a load balancer
 * asks every few seconds.
 */
export function readinessProbe(checks: readonly ReadinessCheck[], logger: Logger): () => Promise<Readiness> {
  let wasReady: boolean | undefined;
  return async () => {
    const results: Readiness['checks'] = [];
    for (const c of checks) {
      let ok: boolean;
      try {
        ok = await c.probe();
      } catch (err) {
        ok = false;
        logger.warn({ check: c.name, err }, 'readiness check failed');
      }
      results.push(ok ? { name: c.name, ok } : { name: c.name, ok, reason: c.failure });
    }
    const ready = results.every((r) => r.ok);
    if (ready !== wasReady) {
      if (ready) logger.info('ready: every readiness check passes');
      else logger.warn({ failing: results.filter((r) => !r.ok).map((r) => r.name) }, 'not ready');
      wasReady = ready;
    }
    return { status: ready ? 'ready' : 'not-ready', checks: results };
  };
}
