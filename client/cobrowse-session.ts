import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { markStage } from '../shared/stage-marks.js';
import { ConsentSocket } from './consent-socket.js';
import { RTL_LANGUAGES, type Catalog, type Language } from './i18n/catalog.js';
import { en } from './i18n/en.js';
import { chooseLanguage } from './i18n/language.js';
import type { applyWording, parseWording } from './i18n/wording.js';
import { activeHtmlElement, createElement, fromJson, microtask, pristine } from './pristine.js';
import { InviteError, parseInvite } from './invite.js';
import { clearResume, loadResume, resumedControl, saveResume } from './resume-store.js';
import type {
  AdoptedSignaling,
  CustomerEndReason,
  CustomerSessionState,
  InviteData,
  SessionHandle,
  SessionHost,
  StartSession,
} from './session-api.js';

/** Line icons drawn inline: emoji depend on an emoji font the customer's system may not have. */
function icon(path: ReturnType<typeof svg>) {
  return html`<svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;
}
const ICON_EYE = icon(svg`<path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>`);
const ICON_LOCK = icon(svg`<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>`);
const ICON_HAND = icon(svg`<path d="M5 3l6 17 2.5-7.5L21 10z"/>`);
const ICON_STOP = icon(svg`<circle cx="12" cy="12" r="9"/><rect x="9" y="9" width="6" height="6" rx="1"/>`);

type View = 'idle' | 'support-code' | 'consent' | 'starting' | CustomerSessionState | 'control-prompt' | 'error';

/**
 * Co-browsing for the customer's page: shows the consent prompt when support
 * offers to look at the page, then the live indicator with a one-click End,
 * the control permission prompt, and the agent's guidance overlay.
 *
 * @fires cobrowse-consent-granted - the customer allowed sharing
 * @fires cobrowse-consent-declined - the customer declined
 * @fires cobrowse-connected - the agent's browser is connected and sees the page
 * @fires cobrowse-control-granted - the customer let the agent click and type
 * @fires cobrowse-control-revoked - control ended (either side)
 * @fires cobrowse-ended - sharing ended; `detail.reason` says why
 * @fires cobrowse-paused - the customer paused sharing
 * @fires cobrowse-resumed - the customer resumed sharing
 * @fires cobrowse-error - an invite or connection problem; `detail.message`
 * @csspart dialog - the consent and control prompts
 * @csspart indicator - the live indicator
 * @csspart primary-button - Allow / End buttons
 * @cssprop --cobrowse-accent - accent colour (default a blue with AA contrast on white)
 * @cssprop --cobrowse-font - font stack
 * @cssprop --cobrowse-z - z-index of the UI (default 2147483000)
 */
@customElement('cobrowse-session')
export class CobrowseSession extends LitElement {
  static override styles = css`
    :host {
      --_accent: var(--cobrowse-accent, #1d4ed8);
      --_font: var(--cobrowse-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
      font-family: var(--_font);
      color: #111827;
      position: fixed;
      inset: auto 16px 16px auto;
      z-index: var(--cobrowse-z, 2147483000);
      line-height: 1.45;
    }
    dialog .actions {
      position: sticky;
      bottom: -24px;
      background: #fff;
      padding: 12px 0 24px;
      margin-bottom: -24px;
    }
    dialog::backdrop {
      background: rgb(17 24 39 / 45%);
    }
    [role=dialog] {
      border: 0;
      background: #fff;
      border-radius: 14px;
      box-shadow: 0 24px 60px rgb(0 0 0 / 30%);
      max-width: 440px;
      /* A margin on every side at 360 px: the modal dialog's box is the viewport's width. */
      width: calc(100% - 32px);
      max-height: calc(100dvh - 32px);
      overflow: auto;
      padding: 24px;
      box-sizing: border-box;
    }
    h2 {
      font-size: 1.2rem;
      margin: 0 0 12px;
    }
    h2:focus {
      outline: none;
    }
    ul {
      list-style: none;
      margin: 0 0 20px;
      padding: 0;
      display: grid;
      gap: 10px;
    }
    li {
      display: grid;
      grid-template-columns: 24px 1fr;
      gap: 8px;
      font-size: 0.95rem;
    }
    li svg {
      color: var(--_accent);
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 10px;
      justify-content: flex-end;
    }
    button {
      font: inherit;
      font-weight: 600;
      border-radius: 8px;
      padding: 10px 16px;
      min-height: 44px;
      border: 1px solid #6b7280;
      background: #fff;
      color: #111827;
    }
    button.primary {
      background: var(--_accent);
      border-color: var(--_accent);
      color: #fff;
    }
    button.danger {
      background: #b91c1c;
      border-color: #b91c1c;
      color: #fff;
    }
    button:focus-visible {
      outline: 3px solid #f59e0b;
      outline-offset: 2px;
    }
    [popover] {
      inset: auto 16px 16px auto;
      margin: 0;
      border: 0;
      overflow: visible;
    }
    [popover][dir=rtl] {
      inset: auto auto 16px 16px;
    }
    .indicator {
      display: flex;
      align-items: center;
      gap: 10px;
      background: #111827;
      color: #f9fafb;
      border-radius: 999px;
      padding: 6px 6px 6px 14px;
      box-shadow: 0 8px 24px rgb(0 0 0 / 25%);
      font-size: 0.9rem;
    }
    .indicator button {
      min-height: 36px;
      padding: 6px 14px;
      border-radius: 999px;
    }
    .dot {
      position: relative;
      width: 10px;
      height: 10px;
      border-radius: 50%;
      background: #ef4444;
      box-shadow: 0 0 0 3px rgb(239 68 68 / 35%);
      flex: none;
    }
    .dot.waiting {
      background: #f59e0b;
      box-shadow: 0 0 0 3px rgb(245 158 11 / 35%);
    }
    .panel {
      background: #fff;
      border-radius: 14px;
      box-shadow: 0 16px 40px rgb(0 0 0 / 25%);
      padding: 20px;
      max-width: 320px;
      box-sizing: border-box;
    }
    .panel h2 {
      font-size: 1.05rem;
    }
    .panel p {
      margin: 0 0 12px;
      font-size: 0.95rem;
    }
    .panel .code {
      font: 700 2rem/1.2 ui-monospace, Menlo, monospace;
      letter-spacing: 0.08em;
      color: #111827;
    }
    .support {
      box-shadow: 0 8px 24px rgb(0 0 0 / 20%);
      border-radius: 999px;
    }
    .toast {
      background: #111827;
      color: #f9fafb;
      border-radius: 10px;
      padding: 10px 14px;
      font-size: 0.9rem;
      max-width: 320px;
    }
    .overlay {
      position: fixed;
      inset: 0;
      pointer-events: none;
      z-index: -1;
    }
    @media (max-width: 480px) {
      :host,
      [popover] {
        inset: auto 8px 8px;
      }
      [role=dialog] {
        padding: 18px;
      }
      .actions button {
        flex: 1 1 auto;
      }
    }
    @media (prefers-reduced-motion: no-preference) {
      /* The pulsing ring animates transform and opacity only: the compositor runs it, so the
         customer's page is not repainted every frame while it is being captured. */
      .dot:not(.waiting) {
        box-shadow: none;
      }
      .dot:not(.waiting)::after {
        content: '';
        position: absolute;
        inset: -3px;
        border-radius: 50%;
        background: rgb(239 68 68 / 35%);
        will-change: transform, opacity;
        animation: pulse 2s ease-in-out infinite;
      }
      @keyframes pulse {
        50% {
          transform: scale(1.375);
          opacity: 0.3;
        }
      }
    }
  `;

  /** Base URL of the co-browsing server (the invite carries it too). */
  @property() accessor server = '';
  /** An invite (base64url code or JSON) to offer as soon as the element connects. */
  @property() accessor invite = '';
  /** Extra CSS selectors whose values are masked, comma-separated. */
  @property({ attribute: 'mask-selectors' }) accessor maskSelectors = '';
  /** Extra CSS selectors whose subtrees are hidden entirely, comma-separated. */
  @property({ attribute: 'block-selectors' }) accessor blockSelectors = '';
  /**
   * Origins besides this page's own that an agent with control may navigate the
   * tab to (space- or comma-separated, e.g. "https://help.example.com"). Only
   * http: and https: addresses are ever followed.
   */
  @property({ attribute: 'navigation-origins' }) accessor navigationOrigins = '';
  /** Where the session bundle is; defaults to cobrowse-session.js next to this script. */
  @property({ attribute: 'session-src' }) accessor sessionSrc = '';

  /** Language of our UI (en, es, fr, de, pt, ja, ar); else the page's `lang`, else the browser's. */
  @property({ attribute: 'lang' }) accessor language = '';

  /** Integrator wording per language, as JSON: `{"en": {"consentTitle": "…"}}` (see setWording). */
  @property({ attribute: 'wording' }) accessor wordingJson = '';

  /** Show a "Share this page with support" button that gives the customer a support code. */
  @property({ type: Boolean, attribute: 'support-button' }) accessor supportButton = false;

  @state() accessor _view: View = 'idle';
  @state() accessor _supportCode = '';
  @state() accessor _agentName = '';
  @state() accessor _controlGranted = false;
  @state() accessor _message = '';
  /** The capture failed: the agent does not see this page, and the indicator says so. */
  @state() accessor _captureProblem = '';
  /** The customer paused sharing from the indicator. */
  @state() accessor _paused = false;
  /** Set with the catalog; #applyWording() requests the render. */
  #lang: Language = 'en';
  #catalog: Catalog = en;
  #wantedLang: Language = 'en';
  /** The catalog with the integrator's wording applied, once the wording module is here. */
  #shown: Catalog | null = null;
  #wording: Record<string, unknown> = {};
  #wordingReady: Promise<void> | undefined;

  get _heading(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[role="dialog"] h2');
  }

  get _overlay(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.overlay');
  }

  #invite: InviteData | null = null;
  #consentSocket: ConsentSocket | null = null;
  #session: SessionHandle | null = null;
  #consentAnswer: ((granted: boolean) => void) | null = null;
  #controlAnswer: ((granted: boolean) => void) | null = null;
  #toastTimer: ReturnType<typeof setTimeout> | null = null;
  #returnFocus: HTMLElement | null = null;
  #preload: HTMLLinkElement | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#chooseLanguage();
    // Re-attached (moved in the page): the running offer or session carries on; never start a second one.
    if (this.#invite) return;
    const resumable = loadResume();
    if (resumable) {
      this.#invite = resumable;
      this._agentName = resumable.agentName ?? '';
      void this.#startSession(true, resumedControl());
    } else if (this.invite) {
      void this.offer(this.invite).catch(() => undefined);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Unloading a page does not disconnect elements (the session's pagehide keeps the resume
    // record fresh); this runs only when the host page removes us. Without the indicator and
    // its End button on screen, sharing must stop. A move (removed and re-added in the same
    // task) is not a removal.
    microtask(() => {
      if (!this.isConnected && this.#session) this.#session.end('api');
    });
  }

  /**
   * Show the consent prompt for an invite from the chat system. Resolves with the customer's answer.
   * Nothing is captured and no peer connection is opened unless it resolves 'granted'.
   */
  async offer(invite: string | object): Promise<'granted' | 'declined'> {
    if (this.#session) throw new Error('A co-browsing session is already running.');
    let parsed: InviteData;
    try {
      parsed = parseInvite(invite);
    } catch (error) {
      const message = error instanceof InviteError ? error.message : 'The co-browsing invite is not valid.';
      this._message = message;
      this.#dispatch('cobrowse-error', { message });
      throw error;
    }
    this.#consentSocket?.close();
    return this.#askConsent(parsed, new ConsentSocket(parsed));
  }

  /** The consent prompt for an invite, over its consent socket (from an offer or a support code). */
  async #askConsent(parsed: InviteData, socket: ConsentSocket): Promise<'granted' | 'declined'> {
    this.#invite = parsed;
    this._agentName = parsed.agentName ?? '';
    this.#consentSocket = socket;
    void socket.record('consent-shown');
    this.#returnFocus = activeHtmlElement(document);
    // Integrator wording shows from the first frame (its module is fetched only when there is wording).
    if (this.#wording[this.#lang] !== undefined) await this.#wordingReady;
    this._view = 'consent';
    this.#preloadSession();
    const granted = await new pristine.Promise<boolean>((resolve) => (this.#consentAnswer = resolve));
    this.#consentAnswer = null;
    this.#consentSocket = null;
    if (!granted) {
      this.#dropPreload();
      await socket.record('consent-declined');
      socket.close();
      this.#invite = null;
      this.#showEnded('declined');
      this.#dispatch('cobrowse-consent-declined', {});
      return 'declined';
    }
    const recorded = await socket.record('consent-granted');
    markStage('consent-recorded');
    // The session goes on with this socket; only if consent did not reach it, or it cannot be handed over, does it open its own.
    const signaling = recorded ? socket.handOver() : null;
    if (!signaling) socket.close();
    // The dialog is gone with its focused button; give focus back to where the customer was.
    this._view = 'starting';
    this.#restoreFocus();
    this.#dispatch('cobrowse-consent-granted', {});
    await this.#startSession(false, false, signaling);
    return 'granted';
  }

  /**
   * The customer asks for a support code to read to the agent. Nothing is
   * shared yet: when the agent enters the code, the usual consent prompt opens.
   */
  async requestSupportCode(): Promise<string> {
    if (this.#session || this.#consentSocket) throw new Error('A co-browsing session is already running.');
    if (!this.server) throw new Error('Set the server attribute to use support codes.');
    let invite: InviteData;
    let code: string;
    try {
      const res = await pristine.fetch.call(globalThis, new URL('/api/support-codes', this.server), { method: 'POST' });
      const body = (await res.json()) as {
        code?: unknown;
        customer?: { invite?: unknown };
        error?: { message?: unknown };
      };
      if (!res.ok || typeof body.code !== 'string') {
        throw new Error(typeof body.error?.message === 'string' ? body.error.message : 'Could not get a support code.');
      }
      invite = parseInvite(body.customer?.invite);
      code = body.code;
    } catch (error) {
      this._message =
        error instanceof Error && !(error instanceof TypeError)
          ? error.message
          : 'Could not reach support. Check your connection and try again.';
      this._view = 'error';
      this.#dispatch('cobrowse-error', { message: this._message });
      throw error;
    }
    const socket = new ConsentSocket(invite);
    this.#consentSocket = socket;
    this.#returnFocus = activeHtmlElement(document);
    this._supportCode = code;
    this._view = 'support-code';
    socket.onAgentJoined(() => {
      if (this._view === 'support-code') void this.#askConsent(invite, socket);
    });
    return code;
  }

  #cancelSupportCode(): void {
    const socket = this.#consentSocket;
    this.#consentSocket = null;
    this._supportCode = '';
    this._view = 'idle';
    this.#restoreFocus();
    if (socket) void socket.record('consent-declined').finally(() => socket.close());
  }

  /** Pause sharing: nothing is captured or sent until resume(); the agent sees "Paused by the customer". */
  pause(): void {
    if (!this.#session || this._paused) return;
    this.#session.pause();
    this._paused = true;
    this.#dispatch('cobrowse-paused', {});
  }

  /** Resume sharing after pause(); the agent gets a fresh view of the page. */
  resume(): void {
    if (!this.#session || !this._paused) return;
    this.#session.resume();
    this._paused = false;
    this.#dispatch('cobrowse-resumed', {});
  }

  /** Stop sharing now (the same as the customer's End button). */
  end(): void {
    if (this.#session) this.#session.end('customer-ended');
    else if (this.#consentAnswer) this.#consentAnswer(false);
    else if (this._view === 'support-code') this.#cancelSupportCode();
  }

  protected override updated(changed: PropertyValues): void {
    this.#promoteToTopLayer();
    if (changed.has('language') && changed.get('language') !== undefined) this.#chooseLanguage();
    if (changed.has('wordingJson') && this.wordingJson) {
      try {
        const parsed = fromJson(this.wordingJson);
        if (typeof parsed === 'object' && parsed !== null) this.#wording = parsed as Record<string, unknown>;
      } catch {
        // Not JSON: the default wording stays.
      }
      this.#applyWording();
    }
    if (
      changed.has('_view') &&
      (this._view === 'consent' || this._view === 'control-prompt' || this._view === 'support-code')
    ) {
      // Move focus into the dialog so keyboard and screen-reader users land on it.
      this._heading?.focus();
    }
    if (changed.has('invite') && this.invite && changed.get('invite') !== undefined && this._view === 'idle') {
      void this.offer(this.invite).catch(() => undefined);
    }
  }

  async #startSession(
    resumed: boolean,
    controlGranted = false,
    signaling: AdoptedSignaling | null = null,
  ): Promise<void> {
    const invite = this.#invite;
    if (!invite) {
      signaling?.socket.close(1000, 'no session');
      return;
    }
    this._view = 'starting';
    saveResume(invite, Date.now(), controlGranted);
    let startSession: StartSession;
    try {
      const module = (await import(/* @vite-ignore */ this.#sessionUrl())) as { startSession: StartSession };
      startSession = module.startSession;
      markStage('session-loaded');
    } catch {
      signaling?.socket.close(1000, 'session bundle failed to load');
      clearResume();
      this.#invite = null;
      this._message = 'Could not load the co-browsing session. Check your connection and try again.';
      this._view = 'error';
      this.#dispatch('cobrowse-error', { message: this._message });
      return;
    }
    await this.updateComplete;
    const host: SessionHost = {
      onState: (state, detail) => this.#onSessionState(state, detail),
      requestControl: () => this.#askControl(),
      onControl: (granted) => {
        this._controlGranted = granted;
        this.#dispatch(granted ? 'cobrowse-control-granted' : 'cobrowse-control-revoked', {});
      },
      onCaptureFailed: (reason) => {
        this._captureProblem = reason;
        this.#dispatch('cobrowse-error', { message: this.#catalog.couldNotShare(this._agentName, reason) });
      },
      uiRoot: this,
      overlayContainer: this._overlay ?? this.#addOverlay(),
      maskSelectors: splitSelectors(this.maskSelectors),
      blockSelectors: splitSelectors(this.blockSelectors),
      navigationOrigins: this.navigationOrigins.split(/[\s,]+/).filter(Boolean),
      pristine,
    };
    this.#session = startSession({ invite, host, resumed, controlGranted, ...(signaling ? { signaling } : {}) });
    this.#dropPreload();
  }

  /** English is built in; another language's catalog is fetched (a few hundred bytes) the first time it is needed. */
  #chooseLanguage(): void {
    const root = pristine.documentElement.call(document);
    const lang = chooseLanguage(
      this.language,
      root ? pristine.getAttribute.call(root, 'lang') : null,
      navigator.languages ?? [navigator.language],
    );
    this.#wantedLang = lang;
    if (lang === this.#lang) return;
    if (lang === 'en') {
      this.#catalog = en;
      this.#lang = 'en';
      this.#applyWording();
      return;
    }
    const url = new URL(`./i18n/${lang}.js`, import.meta.url).href;
    import(/* @vite-ignore */ url)
      .then((module: { catalog: Catalog }) => {
        if (this.#wantedLang !== lang) return;
        this.#catalog = module.catalog;
        this.#lang = lang;
        this.#applyWording();
      })
      .catch(() => undefined);
  }

  /**
   * Wording overrides for one language (consentTitle, consentIntro, bullets,
   * indicator, controlTitle, controlText): plain text, length-limited; what
   * is hidden and that sharing can stop at any time always stay.
   */
  setWording(lang: string, wording: object): void {
    this.#wording = { ...this.#wording, [lang.toLowerCase()]: wording };
    this.#applyWording();
  }

  #applyWording(): void {
    const raw = this.#wording[this.#lang];
    const base = this.#catalog;
    this.#shown = null;
    this.requestUpdate();
    if (raw === undefined) return;
    const url = new URL('./i18n/wording.js', import.meta.url).href;
    this.#wordingReady = import(/* @vite-ignore */ url)
      .then((m: { applyWording: typeof applyWording; parseWording: typeof parseWording }) => {
        if (this.#catalog !== base) return;
        this.#shown = m.applyWording(base, m.parseWording(raw));
        this.requestUpdate();
      })
      .catch(() => undefined);
  }

  #addOverlay(): HTMLDivElement {
    const overlay = createElement(document, 'div');
    pristine.appendChild.call(this.renderRoot, overlay);
    return overlay;
  }

  #sessionUrl(): string {
    return this.sessionSrc || new URL('./cobrowse-session.js', import.meta.url).href;
  }

  /**
   * While the customer reads the consent prompt, fetch and compile the session
   * bundle (modulepreload: nothing of it runs until Allow imports it), so
   * Allow does not wait for 90 KB to download and parse. The link lives in our
   * own shadow root: the host page's DOM never changes, and our UI is never captured.
   */
  #preloadSession(): void {
    if (this.#preload) return;
    const link = createElement(document, 'link');
    link.rel = 'modulepreload';
    link.href = this.#sessionUrl();
    pristine.appendChild.call(this.renderRoot, link);
    this.#preload = link;
  }

  #dropPreload(): void {
    this.#preload?.remove();
    this.#preload = null;
  }

  #onSessionState(state: CustomerSessionState, detail?: { reason?: CustomerEndReason }): void {
    if (state === 'ended') {
      this.#session = null;
      this.#invite = null;
      this._controlGranted = false;
      this._captureProblem = '';
      this._paused = false;
      clearResume();
      this.#controlAnswer?.(false);
      this.#showEnded(detail?.reason ?? 'customer-ended');
      this.#dispatch('cobrowse-ended', { reason: detail?.reason ?? 'customer-ended' });
      return;
    }
    if (state === 'live' && this._view !== 'live' && this._view !== 'control-prompt')
      this.#dispatch('cobrowse-connected', {});
    if (this._view !== 'control-prompt') this._view = state;
  }

  #askControl(): Promise<boolean> {
    this.#returnFocus = activeHtmlElement(document);
    this._view = 'control-prompt';
    return new pristine.Promise<boolean>((resolve) => {
      this.#controlAnswer = (granted) => {
        this.#controlAnswer = null;
        if (this._view === 'control-prompt') this._view = 'live';
        this.#restoreFocus();
        resolve(granted);
      };
    });
  }

  #showEnded(reason: CustomerEndReason): void {
    this._message = this.#catalog.ended[reason];
    this._view = 'ended';
    this.#restoreFocus();
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      if (this._view === 'ended') this._view = 'idle';
    }, 6000);
  }

  #restoreFocus(): void {
    // The prompt leaves the top layer now, not at the next render: while it is modal the page is inert and cannot take focus.
    const modal = this.renderRoot.querySelector('dialog.modal');
    if (modal instanceof HTMLDialogElement && modal.open) modal.close();
    const target = this.#returnFocus;
    this.#returnFocus = null;
    if (target?.isConnected) target.focus();
  }

  #dispatch(type: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Keyboard in a prompt; a modal dialog's `cancel` (Escape, a close request) answers no rather than closing it. */
  #onDialogKeydown(event: KeyboardEvent | Event, onEscape: () => void): void {
    if (!(event instanceof KeyboardEvent) || event.key === 'Escape') {
      event.preventDefault();
      onEscape();
      return;
    }
    if (event.key !== 'Tab') return;
    // Keep focus inside the dialog while it is open.
    const dialog = event.currentTarget as HTMLElement;
    const focusables = [...dialog.querySelectorAll<HTMLElement>('button')];
    const first = focusables[0];
    const last = focusables.at(-1);
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null;
    if (event.shiftKey && (active === first || active === this._heading)) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first?.focus();
    }
  }

  /**
   * The prompts are modal dialogs and the indicator a manual popover, in the
   * browser's top layer: above the page's own modal dialogs, popovers and
   * full-screen element (the top layer stacks in the order things entered it),
   * and a modal prompt makes the page behind it inert.
   */
  #promoteToTopLayer(): void {
    const root = this.renderRoot;
    const modal = root.querySelector('dialog.modal');
    const indicator = root.querySelector('.indicator[popover]');
    try {
      if (modal instanceof HTMLDialogElement && !modal.open) pristine.showModal.call(modal);
      if (indicator instanceof HTMLElement && !indicator.matches(':popover-open'))
        pristine.showPopover?.call(indicator);
    } catch {
      // Not connected, or a browser without popovers: the UI still renders in place, fixed in its corner.
    }
  }

  #onAllow(): void {
    markStage('allow');
    this.#consentAnswer?.(true);
  }

  override render() {
    return html`<div class="overlay" aria-hidden="true"></div>${this.#renderView()}`;
  }

  #renderView() {
    const c = this.#shown ?? this.#catalog;
    const a = this._agentName;
    const lang = this.#lang;
    const tab = c.consentTab(a);
    const point = c.consentPoint(a);
    const dir = RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr';
    switch (this._view) {
      case 'idle':
        return this.supportButton
          ? html`<button type="button" class="primary support" part="support-button" lang=${lang} dir=${dir} @click=${() => void this.requestSupportCode().catch(() => undefined)}>
              ${c.supportButton}
            </button>`
          : nothing;
      case 'support-code':
        return html`<div
          class="panel"
          role="dialog"
          aria-labelledby="code-title"
          aria-describedby="code-help"
          part="dialog"
          lang=${lang}
          dir=${dir}
          @keydown=${(e: KeyboardEvent) => this.#onDialogKeydown(e, () => this.#cancelSupportCode())}
        >
          <h2 id="code-title" tabindex="-1">${c.supportCodeTitle}</h2>
          <p class="code" dir="ltr" aria-label=${c.supportCodeLabel(this._supportCode.replace(/\s/g, '').split('').join(' '))}>${this._supportCode}</p>
          <p id="code-help">${c.supportCodeHelp}</p>
          <div class="actions"><button type="button" @click=${() => this.#cancelSupportCode()}>${c.cancel}</button></div>
        </div>`;
      case 'consent':
        return html`<dialog
            class="modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby="consent-title"
            aria-describedby="consent-list"
            part="dialog"
            lang=${lang}
            dir=${dir}
            @cancel=${(e: Event) => this.#onDialogKeydown(e, () => this.#consentAnswer?.(false))}
            @keydown=${(e: KeyboardEvent) => this.#onDialogKeydown(e, () => this.#consentAnswer?.(false))}
          >
            <h2 id="consent-title" tabindex="-1">${c.consentTitle(a)}</h2>
            ${c.consentIntro ? html`<p>${c.consentIntro}</p>` : nothing}
            <ul id="consent-list">
              ${tab ? html`<li>${ICON_EYE}<span>${tab}</span></li>` : nothing}
              <li>${ICON_LOCK}<span>${c.consentHidden}</span></li>
              ${point ? html`<li>${ICON_HAND}<span>${point}</span></li>` : nothing}
              <li>${ICON_STOP}<span>${c.consentStop}</span></li>
            </ul>
            <div class="actions">
              <button type="button" @click=${() => this.#consentAnswer?.(false)}>${c.decline}</button>
              <button type="button" class="primary" part="primary-button" @click=${() => this.#onAllow()}>${c.allow}</button>
            </div>
          </dialog>`;
      case 'control-prompt':
        return html`<dialog
            class="modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby="control-title"
            aria-describedby="control-text"
            part="dialog"
            lang=${lang}
            dir=${dir}
            @cancel=${(e: Event) => this.#onDialogKeydown(e, () => this.#controlAnswer?.(false))}
            @keydown=${(e: KeyboardEvent) => this.#onDialogKeydown(e, () => this.#controlAnswer?.(false))}
          >
            <h2 id="control-title" tabindex="-1">${c.controlTitle(a)}</h2>
            <p id="control-text">${c.controlText}</p>
            <div class="actions">
              <button type="button" @click=${() => this.#controlAnswer?.(false)}>${c.deny}</button>
              <button type="button" class="primary" part="primary-button" @click=${() => this.#controlAnswer?.(true)}>${c.allowControl}</button>
            </div>
          </dialog>`;
      case 'ended':
      case 'error':
        return html`<div class="toast" role="status" lang=${lang} dir=${dir}>${this._message}</div>`;
      default:
        return this.#renderIndicator(c, lang, dir);
    }
  }

  #indicatorLabel(c: Catalog): string {
    const a = this._agentName;
    if (this._paused) return c.paused(a);
    switch (this._view) {
      case 'starting':
      case 'connecting':
        return c.starting;
      case 'waiting-for-agent':
        return c.waiting(a);
      case 'reconnecting':
        return c.reconnecting;
      default:
        if (this._captureProblem) return c.couldNotShare(a, this._captureProblem);
        return this._controlGranted ? c.controlling(a) : c.sharingWith(a);
    }
  }

  #renderIndicator(c: Catalog, lang: Language, dir: 'rtl' | 'ltr') {
    const waiting = this._view !== 'live' || this._paused;
    return html`<div class="indicator" part="indicator" role="region" aria-label=${c.region} popover="manual" lang=${lang} dir=${dir}>
      <span class=${waiting ? 'dot waiting' : 'dot'} aria-hidden="true"></span>
      <span role="status">${this.#indicatorLabel(c)}</span>
      ${this._controlGranted ? html`<button type="button" @click=${() => this.#session?.revokeControl()}>${c.takeBack}</button>` : nothing}
      ${
        this._view === 'live'
          ? this._paused
            ? html`<button type="button" @click=${() => this.resume()}>${c.resume}</button>`
            : html`<button type="button" @click=${() => this.pause()}>${c.pause}</button>`
          : nothing
      }
      <button type="button" class="danger" part="primary-button" @click=${() => this.end()}>${c.end}</button>
    </div>`;
  }
}

function splitSelectors(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-session': CobrowseSession;
  }
}
