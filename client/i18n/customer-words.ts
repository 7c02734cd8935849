/**
 * The words <cobrowse-session> shows: the language it speaks, that
 * language's catalog (fetched the first time: English comes with the view
 * module, the others from i18n/<lang>.js), and the integrator's wording
 * applied on top (its module is fetched only by pages that set wording).
 */
import type { Catalog, Language } from './catalog.js';
import type { applyWording, parseWording } from './wording.js';
import { pristine } from '../pristine.js';

interface WordingModule {
  applyWording: typeof applyWording;
  parseWording: typeof parseWording;
}

export class CustomerWords {
  #lang: Language = 'en';
  #wanted: Language = 'en';
  /** The language being fetched or shown; null before the first load(). */
  #loading: Language | null = null;
  #catalog: Catalog | null = null;
  /** The catalog with the integrator's wording applied. */
  #shown: Catalog | null = null;
  #wording: Record<string, unknown> = {};
  #ready: Promise<void> = pristine.Promise.resolve();
  readonly #onChange: () => void;
  readonly #english: () => Promise<Catalog>;
  readonly #base: string;

  /** `base` is the loader's URL (catalogs are next to it); `english` fetches the built-in catalog. */
  constructor(base: string, english: () => Promise<Catalog>, onChange: () => void) {
    this.#base = base;
    this.#english = english;
    this.#onChange = onChange;
  }

  get lang(): Language {
    return this.#lang;
  }

  /** What to show, or null until the first catalog is here. */
  get catalog(): Catalog | null {
    return this.#shown ?? this.#catalog;
  }

  /** Settles once the chosen language's catalog, with its wording, is shown. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Speak `lang`. Its catalog is fetched by load(), the first time the
   * customer is to be shown anything, and at once after that.
   */
  want(lang: Language): void {
    this.#wanted = lang;
    if (this.#loading !== null) void this.load();
  }

  /** Fetch the wanted language's catalog (and wording) unless it is here or on its way; settles when shown. */
  load(): Promise<void> {
    const lang = this.#wanted;
    if (lang === this.#loading) return this.#ready;
    this.#loading = lang;
    const load =
      lang === 'en'
        ? this.#english()
        : (
            import(/* @vite-ignore */ new URL(`./i18n/${lang}.js`, this.#base).href) as Promise<{ catalog: Catalog }>
          ).then((m) => m.catalog);
    this.#ready = load
      .then((catalog) => {
        if (this.#loading !== lang) return;
        this.#catalog = catalog;
        this.#lang = lang;
        return this.#apply();
      })
      .catch(() => {
        // Not fetched: the catalog shown so far stays, and the next load() tries again.
        if (this.#loading === lang) this.#loading = this.#catalog ? this.#lang : null;
      });
    return this.#ready;
  }

  /** Replace all integrator wording (`{ en: {...}, fr: {...} }`). */
  replaceWording(all: Record<string, unknown>): void {
    this.#wording = all;
    this.#ready = this.#ready.then(() => this.#apply());
  }

  /** Integrator wording for one language. */
  setWording(lang: string, wording: object): void {
    this.replaceWording({ ...this.#wording, [lang.toLowerCase()]: wording });
  }

  async #apply(): Promise<void> {
    const base = this.#catalog;
    const raw = this.#wording[this.#lang];
    this.#shown = null;
    this.#onChange();
    if (raw === undefined || !base) return;
    try {
      const m = (await import(/* @vite-ignore */ new URL('./i18n/wording.js', this.#base).href)) as WordingModule;
      if (this.#catalog !== base) return;
      this.#shown = m.applyWording(base, m.parseWording(raw));
      this.#onChange();
    } catch {
      // The module could not be fetched: the default wording stays.
    }
  }
}
