/**
 * Errors inside the engine's hooks: counted and logged (a few) for
 * integrators, never thrown into the customer's page. A failure that stops
 * sharing is told to the session once per streak, so the agent never sees a
 * silent "live" view of a page that is not being shared.
 */
export class CaptureErrors {
  /** Errors caught inside our hooks. */
  count = 0;
  readonly #onFailure: ((reason: string) => void) | undefined;

  constructor(onFailure: ((reason: string) => void) | undefined) {
    this.#onFailure = onFailure;
  }

  caught(error: unknown): void {
    this.count++;
    if (this.count <= 3) {
      // Visible to integrators debugging a page, never thrown into it.
      try {
        console.debug('[cobrowse] capture error', error);
      } catch {
        /* console may be gone */
      }
    }
  }

  /** Runs `work`; an error in it counts like any other caught one. */
  guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.caught(error);
    }
  }

  /** An integrator's predicate that never throws into the capture: an error counts and answers false. */
  guardedPredicate<T>(predicate: ((value: T) => boolean) | undefined): (value: T) => boolean {
    if (predicate === undefined) return () => false;
    return (value) => {
      try {
        return predicate(value);
      } catch (error) {
        this.caught(error);
        return false;
      }
    };
  }

  /** The page cannot be shared: tells the session why. */
  failed(error: unknown): void {
    // Not `instanceof Error`: the page's errors may come from another realm (an iframe).
    const message: unknown =
      typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    const reason = typeof message === 'string' ? message : String(error);
    try {
      this.#onFailure?.(reason.slice(0, 300));
    } catch (failure) {
      this.caught(failure);
    }
  }
}
