/**
 * The public attributes and the reactive state of <cobrowse-session>, apart
 * from its behaviour (cobrowse-session.ts): what the element renders from.
 */
import { LitElement } from 'lit';
import type { Catalog, Language } from './i18n/catalog.js';
import type { CustomerView, CustomerViewModel, ViewerEntry } from './ui/view-model.js';

const CORNERS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'] as const;

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
    _view: { state: true },
    _supportCode: { state: true },
    _agentName: { state: true },
    _agentBot: { state: true },
    _handover: { state: true },
    _tookOver: { state: true },
    _hiddenCount: { state: true },
    _controlGranted: { state: true },
    _message: { state: true },
    _captureProblem: { state: true },
    _paused: { state: true },
    _viewers: { state: true },
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
  /** Where the session bundle is; defaults to cobrowse-session.js next to this script. */
  declare sessionSrc: string;
  /** Language of our UI (en, es, fr, de, pt, ja, ar); else the page's `lang`, else the browser's. */
  declare language: string;
  /** Integrator wording per language, as JSON: `{"en": {"consentTitle": "…"}}` (see setWording). */
  declare wordingJson: string;
  /** Show a "Share this page with support" button that gives the customer a support code. */
  declare supportButton: boolean;
  /** Corner of the live indicator: bottom-right (default; bottom-left right to left), bottom-left, top-right, top-left. */
  declare indicatorCorner: string;

  declare _view: CustomerView;
  declare _supportCode: string;
  declare _agentName: string;
  /** The agent is an automated program: named as one in the prompt and the indicator. */
  declare _agentBot: boolean;
  /** In the consent prompt of an automated agent: the customer lets a person take over without a new prompt. */
  declare _handover: boolean;
  /** A person just took over from the automated agent (said in the indicator for a while). */
  declare _tookOver: boolean;
  /** How many areas the outlines of what is hidden show right now (0: none shown). */
  declare _hiddenCount: number;
  declare _controlGranted: boolean;
  declare _message: string;
  /** The capture failed: the agent does not see this page, and the indicator says so. */
  declare _captureProblem: string;
  /** The customer paused sharing from the indicator. */
  declare _paused: boolean;
  /** Who watches besides the agent; `joined`: who started watching with the latest change. */
  declare _viewers: readonly ViewerEntry[];
  #joined: readonly ViewerEntry[] = [];
  /** Who guides now, when the lead was handed to a viewer ('' before any roster). */
  #leadName = '';

  constructor() {
    super();
    this.server = this.invite = this.maskSelectors = this.blockSelectors = '';
    this.navigationOrigins = this.sessionSrc = this.language = this.wordingJson = this.indicatorCorner = '';
    this.supportButton = this._controlGranted = this._paused = this._agentBot = this._handover = this._tookOver = false;
    this._view = 'idle';
    this._hiddenCount = 0;
    this._viewers = [];
    this._supportCode = this._agentName = this._message = this._captureProblem = '';
  }

  /** The server's list of viewers: who is new in it is announced. */
  protected noteViewers(viewers: readonly ViewerEntry[], lead: string): void {
    this.#leadName = lead;
    const before = new Set(this._viewers.map((viewer) => viewer.id));
    const joined = viewers.filter((viewer) => !before.has(viewer.id));
    this.#joined = joined;
    this._viewers = viewers;
    // Said once; then the live region goes back to the status.
    if (joined.length > 0)
      setTimeout(() => {
        if (this.#joined !== joined) return;
        this.#joined = [];
        this.requestUpdate();
      }, 8_000);
  }

  /** What the view renders, read from this state. */
  protected viewModel(catalog: Catalog, lang: Language): CustomerViewModel {
    return {
      view: this._view,
      lang,
      catalog,
      agentName: this._agentName,
      agentBot: this._agentBot,
      handover: this._handover,
      tookOver: this._tookOver,
      supportButton: this.supportButton,
      supportCode: this._supportCode,
      message: this._message,
      paused: this._paused,
      controlGranted: this._controlGranted,
      captureProblem: this._captureProblem,
      hiddenCount: this._hiddenCount,
      viewers: this._viewers,
      joined: this.#joined,
      leadName: this.#leadName,
      corner: CORNERS.find((corner) => corner === this.indicatorCorner) ?? null,
    };
  }
}
