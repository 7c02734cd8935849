/**
 * A tiny typed event emitter that runs in browsers and Node alike (Node's
 * `events` would drag a shim into browser bundles for no gain).
 */

export type Listener<T> = (payload: T) => void;

/** Typed events keyed by name; `on` returns its own unsubscribe function. */
export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Subscribes to one event; call the returned function to unsubscribe. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    // One listener function may subscribe twice; wrap it so each subscription is its own entry.
    const entry: Listener<Events[K]> = (payload) => listener(payload);
    set.add(entry as Listener<never>);
    return () => {
      set.delete(entry as Listener<never>);
    };
  }

  /** Calls every listener of `event`; a throwing listener never stops the others nor the emitter's owner. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const entry of [...set]) {
      try {
        (entry as Listener<Events[K]>)(payload);
      } catch (error) {
        // Rethrown outside the emitter's call stack so the bug stays visible
        // (uncaught error, test failure) without corrupting the owner's state.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Drops every listener, e.g. once the owner is closed for good. */
  clear(): void {
    this.#listeners.clear();
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
