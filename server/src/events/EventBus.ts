import type { Logger } from '../logger.ts';
import type { ServerEventName, ServerEvents } from './events.ts';

export type Listener<K extends ServerEventName> = (payload: ServerEvents[K]) => void;

/**
 * The server's one event bus. Listeners run synchronously in subscription order, so a reaction
 * (a record entry, a closed connection) has happened by the time `emit` returns, as it did when
 * the callers were wired by hand. A failing listener is logged and never reaches the emitter or
 * the listeners after it: a broken subscriber must not break a move or a consent.
 */
export class EventBus {
  readonly #listeners = new Map<ServerEventName, Set<Listener<never>>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Subscribes; the returned function unsubscribes. */
  on<K extends ServerEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => void set.delete(listener as Listener<never>);
  }

  /**
   * Subscribes one listener per event named (in the order written); the returned function
   * unsubscribes them all. How a feature subscribes itself: `subscribe(bus) { return bus.onEach({…}) }`.
   */
  onEach(listeners: { [K in ServerEventName]?: Listener<K> }): () => void {
    const offs = (Object.keys(listeners) as ServerEventName[]).map((event) => this.on(event, listeners[event] as Listener<typeof event>));
    return () => offs.forEach((off) => off());
  }

  emit<K extends ServerEventName>(event: K, payload: ServerEvents[K]): void {
    const set = this.#listeners.get(event);
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
