import type { Registry } from 'prom-client';
import { httpRoutes, type Readiness } from '@parley/shared';
import type { Mount } from '../http/mount.ts';

export interface OpsRouteDeps {
  ready: () => Promise<Readiness>;
  /** Absent when PARLEY_METRICS_TOKEN is not set; the gate then answers /metrics with 404 before this. */
  metrics: Registry | undefined;
}

/** Readiness for load balancers and orchestrators, and Prometheus metrics for the operator. */
export function mountOpsRoutes(mount: Mount, deps: OpsRouteDeps): void {
  mount(httpRoutes.ready, async (_req, res) => {
    const r = await deps.ready();
    // The same body either way: a 503 says which check failed.
    res.setHeader('Cache-Control', 'no-store');
    res.status(r.status === 'ready' ? 200 : 503).json(r);
  });
  mount(httpRoutes.metrics, async (_req, res) => {
    const registry = deps.metrics;
    if (!registry) throw new Error('metrics route reached without a registry');
    const text = await registry.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry.contentType).send(text);
  });
}
