import { CloseCode } from '@parley/shared';
import type { Connections } from '../auth/Connections.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { LiveSessions } from '../live/LiveSessions.ts';
import type { Logger } from '../logger.ts';
import { BusRelay } from './BusRelay.ts';
import { CaseLeases } from './CaseLeases.ts';
import { CaseOwnership } from './CaseOwnership.ts';

export interface ClusterConfig {
  redisUrl: string;
  nodeUrl: string;
  leaseMs: number;
}

/**
 * This node's part in several (docs/scaling.md): which cases it runs (CaseOwnership over the
 * leases in Redis) and the bus events it shares with the others (BusRelay). Without a cluster
 * configuration every case is this node's and nothing is shared.
 */
export class Cluster {
  readonly ownership: CaseOwnership;
  readonly #leases: CaseLeases | undefined;
  readonly #relay: BusRelay | undefined;
  #closed = false;

  private constructor(ownership: CaseOwnership, leases?: CaseLeases, relay?: BusRelay) {
    this.ownership = ownership;
    this.#leases = leases;
    this.#relay = relay;
  }

  static async create(config: ClusterConfig | undefined, d: { bus: EventBus; logger: Logger }): Promise<Cluster> {
    if (!config) return new Cluster(CaseOwnership.single());
    const leases = await CaseLeases.create({ redisUrl: config.redisUrl, nodeUrl: config.nodeUrl, ttlMs: config.leaseMs, logger: d.logger });
    let relay: BusRelay;
    try {
      relay = await BusRelay.create({ redisUrl: config.redisUrl, nodeUrl: config.nodeUrl, bus: d.bus, logger: d.logger });
    } catch (err) {
      await leases.close();
      throw err;
    }
    return new Cluster(CaseOwnership.leased(leases, d.logger), leases, relay);
  }

  /**
   * The live sessions tell the ownership when a case stops running here (its lease may go), and a
   * lost lease stops the case here at once: the live case closes keeping its stored state, and
   * every connection for it is told to reconnect (4307), which brings it to the case's new node.
   */
  attach(live: LiveSessions, connections: Connections, logger: Logger): void {
    const ownership = this.ownership;
    ownership.isLive = (caseId) => live.get(caseId) !== undefined;
    live.onCaseClosed((caseId) => ownership.caseIdle(caseId));
    ownership.on('lost', (caseId) => {
      logger.warn({ caseId }, 'another node runs this case now: its connections here are sent there');
      live.get(caseId)?.close();
      connections.closeCase(caseId, CloseCode.Moved);
    });
  }

  /** Whether this node can share the cases now (Redis answers); true on one node. */
  ping(): Promise<boolean> {
    return this.#leases?.ping() ?? Promise.resolve(true);
  }

  /** Idempotent. Releases every case this node holds, so the others take them at once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#relay?.close();
    await this.#leases?.close();
  }
}
