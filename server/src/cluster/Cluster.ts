import { CloseCode } from '@parley/shared';
import type { Connections } from '../auth/Connections.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { LiveSessions } from '../live/LiveSessions.ts';
import type { Logger } from '../logger.ts';
import { BusRelay } from './BusRelay.ts';
import { CaseLeases } from './CaseLeases.ts';
import { CaseOwnership } from './CaseOwnership.ts';
import { OnlineRoster } from './OnlineRoster.ts';

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
  readonly #roster: OnlineRoster | undefined;
  #closed = false;

  private constructor(ownership: CaseOwnership, shared?: { leases: CaseLeases; relay: BusRelay; roster: OnlineRoster }) {
    this.ownership = ownership;
    this.#leases = shared?.leases;
    this.#relay = shared?.relay;
    this.#roster = shared?.roster;
  }

  static async create(config: ClusterConfig | undefined, d: { bus: EventBus; logger: Logger }): Promise<Cluster> {
    if (!config) return new Cluster(CaseOwnership.single());
    const leases = await CaseLeases.create({ redisUrl: config.redisUrl, nodeUrl: config.nodeUrl, ttlMs: config.leaseMs, logger: d.logger });
    let relay: BusRelay | undefined;
    let roster: OnlineRoster;
    try {
      relay = await BusRelay.create({ redisUrl: config.redisUrl, nodeUrl: config.nodeUrl, bus: d.bus, logger: d.logger });
      roster = await OnlineRoster.create({ redisUrl: config.redisUrl, nodeUrl: config.nodeUrl, ttlMs: config.leaseMs, logger: d.logger });
    } catch (err) {
      await relay?.close();
      await leases.close();
      throw err;
    }
    return new Cluster(CaseOwnership.leased(leases, d.logger), { leases, relay, roster });
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
    const roster = this.#roster;
    if (roster) {
      live.onOnlineChanged((caseId, ids) => roster.set(caseId, ids));
      live.onCaseClosed((caseId) => roster.set(caseId, []));
    }
    ownership.on('lost', (caseId) => {
      logger.warn({ caseId }, 'another node runs this case now: its connections here are sent there');
      live.get(caseId)?.close();
      connections.closeCase(caseId, CloseCode.Moved);
    });
  }

  /**
   * Who is connected to a case that does not run on this node, as the node running it says
   * (nobody on one node: a case not live here is live nowhere).
   */
  onlineElsewhere(caseId: string): Promise<ReadonlySet<string>> {
    return this.#roster?.read(caseId) ?? Promise.resolve(new Set());
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
    await this.#roster?.close();
    await this.#leases?.close();
  }
}
