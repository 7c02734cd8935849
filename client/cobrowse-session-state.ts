/**
 * The public attributes and the reactive state of <cobrowse-session>, apart
 * from its behaviour (cobrowse-session.ts): what the element renders from.
 */
import { LitElement } from 'lit';
import { IDLE, type ElementState } from './customer-state.js';

export abstract class CobrowseSessionState extends LitElement {
  /**
   * Lit's reactive properties declared without decorators: esbuild lowers
   * standard decorators with helpers and turns every #private member into a
   * WeakMap access: 2 KB min+gzip of the loader (12.3 -> 10.4 KB, measured).
   */
  static override properties = {
    server: {},
    invite: {},
    maskSelectors: { attribute: 'mask-selectors' },
    blockSelectors: { attribute: 'block-selectors' },
    navigationOrigins: { attribute: 'navigation-origins' },
    sessionSrc: { attribute: 'session-src' },
    language: { attribute: 'lang' },
    wordingJson: { attribute: 'wording' },
    supportButton: { type: Boolean, attribute: 'support-button' },
    indicatorCorner: { attribute: 'indicator-corner' },
    _state: { state: true },
  };

  /** Base URL of the co-browsing server (the invite carries it too). */
  declare server: string;
  /** An invite (base64url code or JSON) to offer as soon as the element connects. */
  declare invite: string;
  /** Extra CSS selectors whose values are masked, comma-separated. */
  declare maskSelectors: string;
  /** Extra CSS selectors whose subtrees are hidden entirely, comma-separated. */
  declare blockSelectors: string;
  /**
   * Origins besides this page's own that an agent with control may navigate the
   * tab to (space- or comma-separated, e.g. "https://help.example.com"). Only
   * http: and https: addresses are ever followed.
   */
  declare navigationOrigins: string;
  /**
   * Where the session bundle is; defaults to cobrowse-session.js next to this script. Its chunks
   * (cobrowse-*-<hash>.js of the same build) load from beside it: a bundle hosted elsewhere needs them there too.
   */
  declare sessionSrc: string;
  /** Language of our UI (en, es, fr, de, pt, ja, ar); else the page's `lang`, else the browser's. */
  declare language: string;
  /** Integrator wording per language, as JSON: `{"en": {"consentTitle": "…"}}` (see setWording). */
  declare wordingJson: string;
  /** Show a "Share this page with support" button that gives the customer a support code. */
  declare supportButton: boolean;
  /** Corner of the live indicator: bottom-right (default; bottom-left right to left), bottom-left, top-right, top-left. */
  declare indicatorCorner: string;

  /** Everything the element is doing, as one state (customer-state.ts). */
  declare _state: ElementState;

  constructor() {
    super();
    this.server = this.invite = this.maskSelectors = this.blockSelectors = '';
    this.navigationOrigins = this.sessionSrc = this.language = this.wordingJson = this.indicatorCorner = '';
    this.supportButton = false;
    this._state = IDLE;
  }
}
