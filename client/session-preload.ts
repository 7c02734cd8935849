/**
 * While the customer reads the consent prompt, fetch the session bundle
 * (modulepreload) and, once the prompt has painted, evaluate it, so Allow
 * neither waits for 70 KB to download nor for its evaluation (about 50 ms
 * after Allow before, measured with bench/allow.mjs). Evaluating it is safe
 * before consent: the bundle only defines classes and schemas when it
 * loads; nothing is captured, observed, opened or sent until
 * startSession() runs after Allow (test/e2e/consent-preload.test.ts watches
 * for any of that). Once evaluated, and until the customer answers, the
 * bundle warms its capture code up on a made-up detached document
 * (capture/warm-up.ts: the first snapshot after Allow then runs on compiled
 * code). The link lives in the element's own shadow root: the host page's
 * DOM never changes, and our UI is never captured.
 */
import { createElement, pristine } from './pristine.js';
import type { StartSession } from './session-api.js';

/** What the loader takes from the session bundle here. */
export interface SessionModule {
  startSession: StartSession;
  /** Warms the capture code up on a made-up document while the prompt shows; returns its stop. */
  warmUp: () => () => void;
}

export class SessionPreload {
  #link: HTMLLinkElement | null = null;
  #module: Promise<SessionModule> | null = null;
  /**
   * The module once evaluated (null before): then Allow starts the session at once,
   * while its prompt still shows (see RenderHold in top-layer-ui.ts).
   */
  evaluated: SessionModule | null = null;
  #stopWarmUp: (() => void) | undefined;

  add(root: Node, url: string): void {
    if (this.#link) return;
    const link = createElement(document, 'link');
    link.rel = 'modulepreload';
    link.href = url;
    pristine.appendChild.call(root, link);
    this.#link = link;
    // Two frames: the first paints the prompt, so evaluating never delays it.
    const frame = pristine.requestAnimationFrame;
    frame.call(window, () =>
      frame.call(window, () => {
        // Unless answered meanwhile (then the session loads it, and there is nothing to warm up).
        if (this.#link === link) void this.load(url).catch(() => undefined);
      }),
    );
  }

  /** The session module: the one evaluated while the prompt showed, or a fresh import (a resumed session). */
  load(url: string): Promise<SessionModule> {
    const module = (this.#module ??= import(/* @vite-ignore */ url) as Promise<SessionModule>);
    // A failed load is not kept: Allow tries again rather than failing on an old error.
    void module.then(
      (evaluated) => {
        if (this.#module !== module) return;
        this.evaluated = evaluated;
        // Evaluated while the prompt shows (not answered yet): warm the capture up meanwhile.
        if (this.#link) this.#stopWarmUp = evaluated.warmUp();
      },
      () => {
        if (this.#module === module) this.#module = null;
      },
    );
    return module;
  }

  /**
   * The customer answered: the warm-up stops at once (one not started yet never starts) and the link goes.
   * The module stays: the session starts from it.
   */
  drop(): void {
    this.#stopWarmUp?.();
    this.#link?.remove();
    this.#link = null;
  }
}
