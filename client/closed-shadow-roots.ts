/**
 * Closed shadow roots, which the page's own code can reach but nobody else:
 * while the loader runs it wraps `Element.prototype.attachShadow` so that a
 * closed root attached from then on is remembered (in a WeakMap, so it dies
 * with its host) and the capture can mirror it like an open one. A root
 * attached before cobrowse.js ran stays out of reach: the loader must run
 * before the page's components attach theirs (a classic script, or the first
 * module script, in the <head>).
 */

/** Marks our wrapper, so a second copy of this module (the session bundle) finds the loader's map. */
const KEPT = Symbol.for('cobrowse.closedShadowRoots');

type Attach = ((this: Element, init: ShadowRootInit) => ShadowRoot) & { [KEPT]?: WeakMap<Element, ShadowRoot> };

/**
 * Starts remembering closed roots attached in `win` from now on, in `roots`;
 * returns the map (the first one, when `win` is already watched).
 */
export function keepClosedShadowRoots(
  win: Window & typeof globalThis = window,
  roots = new WeakMap<Element, ShadowRoot>(),
): WeakMap<Element, ShadowRoot> {
  const proto = win.Element?.prototype;
  const original = proto?.attachShadow as Attach | undefined;
  if (original?.[KEPT] !== undefined) return original[KEPT];
  if (proto === undefined || typeof original !== 'function') return roots;
  const attachShadow: Attach = function (this: Element, init: ShadowRootInit): ShadowRoot {
    const root = original.call(this, init);
    if (root.mode === 'closed') roots.set(this, root);
    return root;
  };
  attachShadow[KEPT] = roots;
  try {
    Object.defineProperty(proto, 'attachShadow', { value: attachShadow, writable: true, configurable: true });
  } catch {
    // A frozen prototype: closed roots stay closed to us too.
  }
  return roots;
}
