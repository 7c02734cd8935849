/**
 * While the customer reads the consent prompt, fetch and compile the session
 * bundle (modulepreload: nothing of it runs until Allow imports it), so
 * Allow does not wait for 90 KB to download and parse. The link lives in the
 * element's own shadow root: the host page's DOM never changes, and our UI is
 * never captured.
 */
import { createElement, pristine } from './pristine.js';

export class SessionPreload {
  #link: HTMLLinkElement | null = null;

  add(root: Node, url: string): void {
    if (this.#link) return;
    const link = createElement(document, 'link');
    link.rel = 'modulepreload';
    link.href = url;
    pristine.appendChild.call(root, link);
    this.#link = link;
  }

  drop(): void {
    this.#link?.remove();
    this.#link = null;
  }
}
