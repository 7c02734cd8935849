/**
 * Reversible prototype patches (CSSOM methods, form value setters,
 * attachShadow, adoptedStyleSheets). A patch calls the page's original first
 * and never lets our hook throw into the page. On restore, a patch that the
 * page has since wrapped again is left in place but turned into a pass-through.
 */

export type ErrorSink = (error: unknown) => void;

/**
 * False when the page froze the prototype or made the property
 * non-configurable: the capture then goes without that hook (form values
 * are still polled, see form-watch.ts).
 */
function redefine(proto: object, name: string, descriptor: PropertyDescriptor): boolean {
  if (Object.isFrozen(proto)) return false;
  try {
    Object.defineProperty(proto, name, descriptor);
    return true;
  } catch {
    return false;
  }
}

export class PrototypePatches {
  readonly #restorers: Array<() => void> = [];
  readonly #onError: ErrorSink;

  constructor(onError: ErrorSink) {
    this.#onError = onError;
  }

  /** Wraps method `name` of `proto`; `after` runs once the original returned. */
  patchMethod(proto: object, name: string, after: (self: unknown, args: unknown[], result: unknown) => void): void {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor === undefined || typeof descriptor.value !== 'function') return;
    const original = descriptor.value as (this: unknown, ...args: unknown[]) => unknown;
    const onError = this.#onError;
    let active = true;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      if (active) {
        try {
          after(this, args, result);
        } catch (error) {
          onError(error);
        }
      }
      return result;
    };
    Object.defineProperty(wrapper, 'name', { value: original.name });
    Object.defineProperty(wrapper, 'length', { value: original.length });
    if (!redefine(proto, name, { ...descriptor, value: wrapper })) return;
    this.#restorers.push(() => {
      active = false;
      if (Object.getOwnPropertyDescriptor(proto, name)?.value === wrapper)
        Object.defineProperty(proto, name, descriptor);
    });
  }

  /** Wraps the setter of accessor `name` of `proto`; `after` runs once the original setter returned. */
  patchSetter(proto: object, name: string, after: (self: unknown) => void): void {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    const originalSet = descriptor?.set;
    if (descriptor === undefined || originalSet === undefined) return;
    const onError = this.#onError;
    let active = true;
    const set = function (this: unknown, value: unknown): void {
      originalSet.call(this, value);
      if (active) {
        try {
          after(this);
        } catch (error) {
          onError(error);
        }
      }
    };
    if (!redefine(proto, name, { ...descriptor, set })) return;
    this.#restorers.push(() => {
      active = false;
      if (Object.getOwnPropertyDescriptor(proto, name)?.set === set) Object.defineProperty(proto, name, descriptor);
    });
  }

  /** Undoes every patch, newest first. */
  restoreAll(): void {
    while (this.#restorers.length > 0) {
      const restore = this.#restorers.pop();
      try {
        restore?.();
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
