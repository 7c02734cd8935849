/**
 * Stylesheets from other sites that the page loaded without CORS (a CDN's
 * `<link rel=stylesheet>` with no `crossorigin`): the browser hides their
 * rules from script, so they could not be sent and were missing in a mirror
 * that loads nothing itself (asset policy `channel`). Most CDNs serve CSS
 * with `Access-Control-Allow-Origin: *`: the customer's browser asks for the
 * same URL again in CORS mode, without credentials (usually from its cache),
 * and the rules, URLs made absolute and masked like any CSS, go out as that
 * link's rules. A server that does not allow it leaves the sheet missing
 * under `channel`; under `fallback` (and a console that allows agent
 * fetches) the agent's browser loads it itself.
 *
 * The fetched rules are kept per sheet object for readRules()
 * (stylesheets.ts), so the snapshot and every later change read them where
 * they read a readable sheet's.
 */
import { maskCss } from '../../shared/mask-css.js';
import { absoluteCssUrls } from './urls.js';
import { pristine } from '../pristine.js';

/** Parses CSS text into rule texts without touching the page (stylesheets.ts). */
export type ParseRules = (css: string, win: Window & typeof globalThis) => string[] | null;

/** Largest stylesheet fetched again (a CDN's whole framework CSS is a few hundred kB). */
const MAX_SHEET_BYTES = 2 * 1024 * 1024;
/** Sheets fetched again per capture at most. */
const MAX_SHEETS = 64;
const FETCH_TIMEOUT_MS = 10_000;

/** Rules fetched for sheets whose rules the page cannot read (set here, read by readRules). */
export const fetchedSheetRules = new WeakMap<CSSStyleSheet, string[]>();

export interface CorsSheetHooks {
  /** The rules of `sheet` are now known: send them as its owner's rules. */
  fetched: (sheet: CSSStyleSheet) => void;
  /** Whether to fetch at all (not when the agent loads every asset itself). */
  enabled: () => boolean;
  caught: (error: unknown) => void;
}

export class CorsSheets {
  readonly #hooks: CorsSheetHooks;
  readonly #parse: ParseRules;
  readonly #asked = new WeakSet<CSSStyleSheet>();
  #count = 0;

  constructor(hooks: CorsSheetHooks, parse: ParseRules) {
    this.#hooks = hooks;
    this.#parse = parse;
  }

  /** An unreadable sheet of `link` was met: fetch its text in CORS mode once. */
  request(link: HTMLLinkElement, sheet: CSSStyleSheet): void {
    if (this.#asked.has(sheet) || fetchedSheetRules.has(sheet) || !this.#hooks.enabled()) return;
    const href = sheet.href ?? link.href;
    if (!/^https?:/i.test(href) || this.#count >= MAX_SHEETS) return;
    this.#asked.add(sheet);
    this.#count++;
    void this.#fetch(href, link).then(
      (rules) => {
        if (rules === null) return;
        fetchedSheetRules.set(sheet, rules);
        this.#hooks.fetched(sheet);
      },
      (error: unknown) => this.#hooks.caught(error),
    );
  }

  async #fetch(href: string, link: HTMLLinkElement): Promise<string[] | null> {
    const win = link.ownerDocument.defaultView as (Window & typeof globalThis) | null;
    if (win === null) return null;
    const init: RequestInit = {
      mode: 'cors',
      credentials: 'omit',
      cache: 'force-cache',
      referrerPolicy: 'no-referrer',
    };
    if (typeof AbortSignal.timeout === 'function') init.signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    let response: Response;
    try {
      response = await pristine.fetch.call(globalThis, href, init);
    } catch {
      // No CORS on that server (or offline): nothing can be read.
      return null;
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !/^text\/css\b/i.test(type)) return null;
    const text = await response.text();
    if (text.length > MAX_SHEET_BYTES) return null;
    // URLs absolute against the sheet's own address, then masked like any CSS that leaves.
    return this.#parse(text, win)?.map((rule) => maskCss(absoluteCssUrls(rule, href)).text) ?? null;
  }
}
