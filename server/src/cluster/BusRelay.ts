import { ClusterMessage, RelayedEvents, relayedEventNames, type RelayedEventName } from '@parley/shared/cluster';
import type { EventBus } from '../events/EventBus.ts';
import type { ServerEvents } from '../events/events.ts';
import type { Logger } from '../logger.ts';
import { redisClient, type Redis } from './redis.ts';

/** The Redis channel every node publishes its relayed bus events on and listens to. */
export const BUS_CHANNEL = 'parley:bus';

export interface BusRelayOptions {
  redisUrl: string;
  /** This node's name on the channel (its PARLEY_NODE_URL): a node does not hear its own messages again. */
  nodeUrl: string;
  bus: EventBus;
  logger: Logger;
}

/**
 * Carries the bus events other nodes must hear (shared/src/cluster.ts says which) over Redis
 * pub/sub: a change made through one node's HTTP API reaches the connections and the live case
 * on the node that runs the case. Pub/sub delivers at most once; what a lost message would have
 * closed is still closed by the re-check before every delivery (auth/Connections.ts).
 */
export class BusRelay {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #o: BusRelayOptions;
  readonly #log: Logger;
  readonly #off: () => void;
  #closed = false;

  private constructor(pub: Redis, sub: Redis, o: BusRelayOptions) {
    this.#pub = pub;
    this.#sub = sub;
    this.#o = o;
    this.#log = o.logger.child({ component: 'bus-relay' });
    const offs = relayedEventNames.map((event) => o.bus.on(event, (payload) => this.#publish(event, payload)));
    this.#off = () => offs.forEach((off) => off());
  }

  static async create(o: BusRelayOptions): Promise<BusRelay> {
    // A connection that subscribes can do nothing else: one to publish, one to listen.
    const pub = redisClient(o.redisUrl, o.logger);
    const sub = redisClient(o.redisUrl, o.logger);
    await Promise.all([pub.connect(), sub.connect()]);
    const relay = new BusRelay(pub, sub, o);
    await sub.subscribe(BUS_CHANNEL, (message) => relay.#receive(message));
    return relay;
  }

  #publish<K extends RelayedEventName>(event: K, payload: ServerEvents[K]): void {
    if (this.#closed) return;
    // Through the schema on the way out as well: only the fields it names leave the node.
    const parsed = RelayedEvents[event].safeParse(payload);
    if (!parsed.success) {
      this.#log.error({ event, issues: parsed.error.issues }, 'bus event not relayed: it does not fit its schema');
      return;
    }
    const message = JSON.stringify({ from: this.#o.nodeUrl, event, payload: parsed.data });
    this.#pub.publish(BUS_CHANNEL, message).catch((err: unknown) => this.#log.warn({ err, event }, 'bus event not relayed to the other nodes'));
  }

  #receive(message: string): void {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      json = undefined;
    }
    const parsed = ClusterMessage.safeParse(json);
    if (!parsed.success) {
      this.#log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'message on the bus channel refused: it does not fit its schema');
      return;
    }
    const m = parsed.data as ClusterMessage;
    if (m.from === this.#o.nodeUrl) return;
    // The schemas in shared/ are the wire form of these very events.
    this.#o.bus.emitFromOtherNode(m.event, m.payload as ServerEvents[typeof m.event]);
  }

  /** Idempotent: stops relaying and closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#off();
    await Promise.all([this.#sub.quit(), this.#pub.quit()].map((p) => p.catch(() => undefined)));
  }
}
