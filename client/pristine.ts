/**
 * The page's DOM and globals as they were when our code loaded. A page may
 * clobber `document.createElement` with `<img name="createElement">`, shadow
 * `form.attributes` with `<input name="attributes">`, or have analytics or
 * zone.js replace `MutationObserver`, `fetch`, `WebSocket`, `JSON` later on:
 * the customer code calls these copies (prototype methods and accessors,
 * called on the object), never the page's current properties.
 *
 * The loader takes them at load; the session bundle, fetched later, adopts
 * the loader's copies (adoptPristine) rather than taking its own.
 */

import { keepClosedShadowRoots } from './closed-shadow-roots.js';

function takePristine() {
  const g = globalThis;
  const D = Document.prototype;
  const N = Node.prototype;
  const E = Element.prototype;
  return {
    WebSocket: g.WebSocket,
    fetch: g.fetch,
    MutationObserver: g.MutationObserver,
    Promise: g.Promise,
    jsonStringify: JSON.stringify,
    jsonParse: JSON.parse,
    queueMicrotask: g.queueMicrotask,
    requestAnimationFrame: g.requestAnimationFrame,
    cancelAnimationFrame: g.cancelAnimationFrame,
    setTimeout: g.setTimeout,
    clearTimeout: g.clearTimeout,
    createElement: D.createElement,
    getAttribute: E.getAttribute,
    contains: N.contains,
    appendChild: N.appendChild,
    addEventListener: EventTarget.prototype.addEventListener,
    removeEventListener: EventTarget.prototype.removeEventListener,
    showModal: HTMLDialogElement.prototype.showModal,
    showPopover: HTMLElement.prototype.showPopover as (() => void) | undefined,
    documentElement: Object.getOwnPropertyDescriptor(D, 'documentElement')?.get as (
      this: Document,
    ) => HTMLElement | null,
    activeElement: Object.getOwnPropertyDescriptor(D, 'activeElement')?.get as (this: Document) => Element | null,
    /** Closed shadow roots attached since the loader ran (closed-shadow-roots.ts). */
    closedShadowRoots: keepClosedShadowRoots(),
  };
}

export type Pristine = ReturnType<typeof takePristine>;

/** The references this bundle uses. Tests may swap one (e.g. a counting WebSocket); the page cannot reach this object. */
export const pristine: Pristine = takePristine();

/** The session bundle takes the loader's references, captured earlier than its own. */
export function adoptPristine(from: Pristine | undefined): void {
  if (from && from !== pristine) Object.assign(pristine, from);
}

/** `document.createElement`, immune to `<img name="createElement">`. */
export function createElement<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K): HTMLElementTagNameMap[K] {
  return pristine.createElement.call(doc, tag) as HTMLElementTagNameMap[K];
}

/** `document.activeElement` as an HTMLElement (or null), immune to clobbering. */
export function activeHtmlElement(doc: Document): HTMLElement | null {
  const active = pristine.activeElement.call(doc);
  return active instanceof HTMLElement ? active : null;
}

/** JSON.stringify as it was at load (analytics wrappers and `Array.prototype.toJSON` set later are bypassed). */
export function toJson(value: unknown): string {
  return pristine.jsonStringify.call(JSON, value);
}

/** JSON.parse as it was at load. */
export function fromJson(text: string): unknown {
  return pristine.jsonParse.call(JSON, text) as unknown;
}

/** setTimeout as it was at load (zone.js and analytics wrap it; a page may replace it with one that never fires). */
export function timeout(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  return pristine.setTimeout.call(globalThis, callback, ms);
}

/** clearTimeout as it was at load. */
export function cancelTimeout(id: ReturnType<typeof setTimeout>): void {
  pristine.clearTimeout.call(globalThis, id);
}

/** queueMicrotask as it was at load. */
export function microtask(callback: () => void): void {
  pristine.queueMicrotask.call(globalThis, callback);
}
