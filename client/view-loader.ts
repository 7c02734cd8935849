/**
 * Fetches the element's view module (cobrowse-ui.js, next to the loader) the
 * first time the customer is to be shown anything, and tracks that work so
 * the element's update is complete only once the view is shown too.
 */
import { adoptStyles, css, html, nothing, svg } from 'lit';
import type { CustomerViewModule, CustomerViewRenderer } from './ui/view-model.js';

export class ViewLoader {
  #module: Promise<CustomerViewModule> | null = null;
  #view: CustomerViewRenderer | null = null;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #root: () => ShadowRoot;
  readonly #onView: () => void;

  constructor(root: () => ShadowRoot, onView: () => void) {
    this.#root = root;
    this.#onView = onView;
  }

  /** The view, once here. */
  get view(): CustomerViewRenderer | null {
    return this.#view;
  }

  /** The module, fetched once (again after a failure). */
  module(): Promise<CustomerViewModule> {
    this.#module ??= import(
      /* @vite-ignore */ new URL('./cobrowse-ui.js', import.meta.url).href
    ) as Promise<CustomerViewModule>;
    return this.#module;
  }

  /** True once the view is here and `then` (the catalog) is done; false if the module could not be fetched. */
  ready(then: () => Promise<boolean>): Promise<boolean> {
    return this.track(
      this.module().then(
        async (module) => {
          if (!this.#view) {
            this.#view = module.customerView({ html, svg, css, nothing });
            adoptStyles(this.#root(), [this.#view.styles]);
            this.#onView();
          }
          return then();
        },
        () => {
          this.#module = null;
          return false;
        },
      ),
    );
  }

  /** Work the element's update waits for. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return work;
  }

  /** Settles when nothing tracked is pending; `afterEach` runs after each round (the element's own update). */
  async settled(afterEach: () => Promise<boolean>): Promise<boolean> {
    let result = await afterEach();
    while (this.#pending.size > 0) {
      for (const pending of [...this.#pending]) await pending;
      result = await afterEach();
    }
    return result;
  }
}
