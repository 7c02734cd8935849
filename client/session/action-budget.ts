/**
 * How much the agent's remote actions may ask of the customer's page (review
 * s12 F6): 60 edits of 100,000 characters grew a textarea to 6,000,000
 * characters in 0.8-2.1 s of the customer's main thread, and nothing bounded
 * how fast the agent could try guesses on a page that echoes its typing.
 * Past a bound the action is refused as `limit` (answered, never dropped).
 */

/** Actions per second over time, and at once: a person types under 15 keys a second, a held key repeats ~30. */
export const ACTIONS_PER_SECOND = 100;
export const ACTION_BURST = 500;
/** Characters the agent's actions may put into the page's fields in all, per page load. */
export const MAX_INSERTED_PER_PAGE = 200_000;
/** A field the agent's edits may grow to (the customer's own typing or pasting is not limited). */
export const MAX_REMOTE_FIELD_LENGTH = 100_000;

/** The clock the page found at load (a page replacing performance.now cannot speed the refill up). */
const loadedNow = performance.now.bind(performance);

export class ActionBudget {
  readonly #now: () => number;
  #tokens = ACTION_BURST;
  #at: number;
  #inserted = 0;

  constructor(now: () => number = loadedNow) {
    this.#now = now;
    this.#at = now();
  }

  /** Takes one action that inserts `inserted` characters; false (nothing taken) when over a bound. */
  take(inserted: number): boolean {
    const now = this.#now();
    this.#tokens = Math.min(ACTION_BURST, this.#tokens + (Math.max(0, now - this.#at) * ACTIONS_PER_SECOND) / 1_000);
    this.#at = now;
    if (this.#tokens < 1 || this.#inserted + inserted > MAX_INSERTED_PER_PAGE) return false;
    this.#tokens -= 1;
    this.#inserted += inserted;
    return true;
  }
}
