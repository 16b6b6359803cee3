import type { Logger } from '../logger.ts';
import type { ServerEventName, ServerEvents } from './events.ts';

export type Listener<K extends ServerEventName> = (payload: ServerEvents[K]) => void;

/**
 * `fromOtherNodes`: the listener also hears the event when another node announced it (several
 * nodes, cluster/BusRelay.ts). Only listeners that act on this node's own connections and live
 * cases ask for it; a listener that writes to the store does not, so what it writes is written
 * once, by the node where the change was made.
 */
export interface ListenOptions {
  fromOtherNodes?: boolean;
}

/**
 * The server's one event bus. Listeners run synchronously in subscription order, so a reaction
 * (a record entry, a closed connection) has happened by the time `emit` returns, as it did when
 * the callers were wired by hand. A failing listener is logged and never reaches the emitter or
 * the listeners after it: a broken subscriber must not break a move or a consent.
 */
export class EventBus {
  readonly #listeners = new Map<ServerEventName, Set<Listener<never>>>();
  readonly #fromOtherNodes = new Map<ServerEventName, Set<Listener<never>>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Subscribes; the returned function unsubscribes. */
  on<K extends ServerEventName>(event: K, listener: Listener<K>, opts: ListenOptions = {}): () => void {
    const sets = [this.#listeners, ...(opts.fromOtherNodes ? [this.#fromOtherNodes] : [])].map((map) => {
      let set = map.get(event);
      if (!set) map.set(event, (set = new Set()));
      set.add(listener as Listener<never>);
      return set;
    });
    return () => sets.forEach((set) => set.delete(listener as Listener<never>));
  }

  /**
   * Subscribes one listener per event named (in the order written); the returned function
   * unsubscribes them all. How a feature subscribes itself: `subscribe(bus) { return bus.onEach({…}) }`.
   */
  onEach(listeners: { [K in ServerEventName]?: Listener<K> }, opts: ListenOptions = {}): () => void {
    const offs = (Object.keys(listeners) as ServerEventName[]).map((event) => this.on(event, listeners[event] as Listener<typeof event>, opts));
    return () => offs.forEach((off) => off());
  }

  emit<K extends ServerEventName>(event: K, payload: ServerEvents[K]): void {
    this.#run(this.#listeners, event, payload);
  }

  /** Another node announced it (BusRelay): only the listeners that asked for `fromOtherNodes` hear it. */
  emitFromOtherNode<K extends ServerEventName>(event: K, payload: ServerEvents[K]): void {
    this.#run(this.#fromOtherNodes, event, payload);
  }

  #run<K extends ServerEventName>(map: Map<ServerEventName, Set<Listener<never>>>, event: K, payload: ServerEvents[K]): void {
    const set = map.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (err) {
        this.#logger.error({ err, event }, 'event listener failed');
      }
    }
  }

  listenerCount(event: ServerEventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
