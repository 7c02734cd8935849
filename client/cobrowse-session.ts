import { LitElement, adoptStyles, css, html, nothing, svg, type PropertyValues } from 'lit';
import { markStage } from '../shared/stage-marks.js';
import { ConsentSocket } from './consent-socket.js';
import type { Catalog } from './i18n/catalog.js';
import { CustomerWords } from './i18n/customer-words.js';
import { chooseLanguage } from './i18n/language.js';
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
import type { CustomerView, CustomerViewActions, CustomerViewModule, CustomerViewRenderer } from './ui/view-model.js';

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
 * @fires cobrowse-agent-changed - a person took over from the automated agent; `detail.agentName`
 * @fires cobrowse-error - an invite or connection problem; `detail.message`
 * @csspart dialog - the consent and control prompts
 * @csspart indicator - the live indicator
 * @csspart primary-button - Allow / End buttons
 * @cssprop --cobrowse-accent - accent colour (default a blue with AA contrast on white)
 * @cssprop --cobrowse-font - font stack
 * @cssprop --cobrowse-z - z-index of the UI (default 2147483000)
 */
export class CobrowseSession extends LitElement {
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

  constructor() {
    super();
    this.server = this.invite = this.maskSelectors = this.blockSelectors = '';
    this.navigationOrigins = this.sessionSrc = this.language = this.wordingJson = this.indicatorCorner = '';
    this.supportButton = this._controlGranted = this._paused = this._agentBot = this._handover = this._tookOver = false;
    this._view = 'idle';
    this._hiddenCount = 0;
    this._supportCode = this._agentName = this._message = this._captureProblem = '';
  }

  /** The words shown: language, catalog and integrator wording. */
  readonly #words = new CustomerWords(
    import.meta.url,
    () => this.#loadView().then((m) => m.en),
    () => this.requestUpdate(),
  );
  /** The view module, once fetched (the first time the customer is shown anything). */
  #viewModule: Promise<CustomerViewModule> | null = null;
  #view: CustomerViewRenderer | null = null;
  /** Work an update waits for before it is complete (see getUpdateComplete). */
  readonly #pending = new Set<Promise<unknown>>();

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

  readonly #actions: CustomerViewActions = {
    allow: () => {
      markStage('allow');
      this.#consentAnswer?.(true);
    },
    decline: () => this.#consentAnswer?.(false),
    requestSupportCode: () => void this.requestSupportCode().catch(() => undefined),
    cancelSupportCode: () => this.#cancelSupportCode(),
    answerControl: (granted) => this.#controlAnswer?.(granted),
    setHandover: (allowed) => (this._handover = allowed),
    revokeControl: () => this.#session?.revokeControl(),
    pause: () => this.pause(),
    resume: () => this.resume(),
    end: () => this.end(),
    requestUpdate: () => this.requestUpdate(),
    showHidden: () => this.#session?.showHiddenAreas(),
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#chooseLanguage();
    // Re-attached (moved in the page): the running offer or session carries on; never start a second one.
    if (this.#invite) return;
    const resumable = loadResume();
    if (resumable) {
      this.#invite = resumable;
      this.#setAgent(resumable);
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
    this.#setAgent(parsed);
    this._handover = false;
    this.#consentSocket = socket;
    this.#returnFocus = activeHtmlElement(document);
    // The view, the catalog and any integrator wording show from the prompt's first frame.
    if (!(await this.#viewReady())) {
      socket.close();
      this.#consentSocket = null;
      this.#invite = null;
      this.#fail(VIEW_FAILED);
      throw new Error(VIEW_FAILED);
    }
    void socket.record('consent-shown');
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
    const handover = this._handover && this._agentBot;
    const recorded = await socket.record('consent-granted', handover);
    markStage('consent-recorded');
    // The session goes on with this socket; only if consent did not reach it, or it cannot be handed over, does it open its own.
    const signaling = recorded ? socket.handOver() : null;
    if (!signaling) socket.close();
    // The dialog is gone with its focused button; give focus back to where the customer was.
    this._view = 'starting';
    this.#restoreFocus();
    this.#dispatch('cobrowse-consent-granted', {});
    await this.#startSession(false, false, signaling, handover);
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
      if (!(await this.#viewReady())) throw new Error(VIEW_FAILED);
      invite = parseInvite(body.customer?.invite);
      code = body.code;
    } catch (error) {
      this.#fail(
        error instanceof Error && !(error instanceof TypeError)
          ? error.message
          : 'Could not reach support. Check your connection and try again.',
      );
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

  protected override willUpdate(): void {
    // The view module is fetched the first time there is something to show.
    if (!this.#view && (this._view !== 'idle' || this.supportButton)) void this.#viewReady();
  }

  protected override updated(changed: PropertyValues): void {
    this.#view?.afterRender(this.renderRoot as ShadowRoot);
    this.#promoteToTopLayer();
    if (changed.has('language') && changed.get('language') !== undefined) this.#chooseLanguage();
    if (changed.has('wordingJson') && this.wordingJson) {
      try {
        const parsed = fromJson(this.wordingJson);
        if (typeof parsed === 'object' && parsed !== null)
          this.#words.replaceWording(parsed as Record<string, unknown>);
      } catch {
        // Not JSON: the default wording stays.
      }
    }
    if (
      changed.has('_view') &&
      (this._view === 'consent' || this._view === 'control-prompt' || this._view === 'support-code')
    ) {
      // Move focus into the dialog so keyboard and screen-reader users land on it.
      this.renderRoot.querySelector<HTMLElement>('[role="dialog"] h2')?.focus();
    }
    if (changed.has('invite') && this.invite && changed.get('invite') !== undefined && this._view === 'idle') {
      void this.offer(this.invite).catch(() => undefined);
    }
  }

  /** Complete once the view, catalog and wording being fetched are shown too, not only the current render. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    while (this.#pending.size > 0) {
      for (const pending of [...this.#pending]) await pending;
      result = await super.getUpdateComplete();
    }
    return result;
  }

  #track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return work;
  }

  /** The view module, fetched once (next to this script, as cobrowse-ui.js). */
  #loadView(): Promise<CustomerViewModule> {
    this.#viewModule ??= import(
      /* @vite-ignore */ new URL('./cobrowse-ui.js', import.meta.url).href
    ) as Promise<CustomerViewModule>;
    return this.#viewModule;
  }

  /** True once the view and the catalog (with wording) are here; false if the view could not be fetched. */
  #viewReady(): Promise<boolean> {
    return this.#track(
      this.#loadView().then(
        async (module) => {
          if (!this.#view) {
            this.#view = module.customerView({ html, svg, css, nothing });
            adoptStyles(this.renderRoot as ShadowRoot, [this.#view.styles]);
            this.requestUpdate();
          }
          await this.#words.load();
          return this.#words.catalog !== null;
        },
        () => {
          this.#viewModule = null;
          return false;
        },
      ),
    );
  }

  /** The agent as the customer sees them named: an automated one as one. */
  #displayName(): string {
    const c = this.#words.catalog;
    return this._agentBot && c ? c.botName(this._agentName) : this._agentName;
  }

  #setAgent(invite: InviteData): void {
    this._agentName = invite.agentName ?? '';
    this._agentBot = invite.agentBot === true;
  }

  /** The server says who the agent is; `tookOver`: a person just took over from the automated agent. */
  #onAgent({ name, bot, tookOver }: { name: string; bot: boolean; tookOver: boolean }): void {
    const invite = this.#invite;
    if (!invite) return;
    const agentName = name || invite.agentName;
    this.#invite = { ...invite, ...(agentName ? { agentName } : {}), agentBot: bot };
    this.#setAgent(this.#invite);
    // The next page resumes with the agent as it is now.
    saveResume(this.#invite, Date.now(), this._controlGranted);
    if (!tookOver) return;
    this._tookOver = true;
    setTimeout(() => (this._tookOver = false), 10_000);
    this.#dispatch('cobrowse-agent-changed', { agentName: this._agentName, automated: bot });
  }

  #fail(message: string): void {
    this._message = message;
    this._view = 'error';
    this.#dispatch('cobrowse-error', { message });
  }

  async #startSession(
    resumed: boolean,
    controlGranted = false,
    signaling: AdoptedSignaling | null = null,
    handover = false,
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
      this.#fail('Could not load the co-browsing session. Check your connection and try again.');
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
      onAgent: (agent) => this.#onAgent(agent),
      hiddenLabel: () => this.#words.catalog?.hiddenFrom(this.#displayName()) ?? '',
      onHiddenAreas: (count) => (this._hiddenCount = count),
      guidanceWords: (kind, _agent, target) => {
        const c = this.#words.catalog;
        if (!c) return '';
        return kind === 'highlighted'
          ? c.highlighted(this.#displayName(), target)
          : c.pointingAt(this.#displayName(), target);
      },
      onCaptureFailed: (reason) => {
        this._captureProblem = reason;
        const message = this.#words.catalog?.couldNotShare(this._agentName, reason) ?? reason;
        this.#dispatch('cobrowse-error', { message });
      },
      uiRoot: this,
      overlayContainer: this._overlay ?? this.#addOverlay(),
      maskSelectors: splitSelectors(this.maskSelectors),
      blockSelectors: splitSelectors(this.blockSelectors),
      navigationOrigins: this.navigationOrigins.split(/[\s,]+/).filter(Boolean),
      pristine,
    };
    this.#session = startSession({
      invite,
      host,
      resumed,
      controlGranted,
      handover,
      ...(signaling ? { signaling } : {}),
    });
    this.#dropPreload();
  }

  /** The element's `lang`, else the page's, else the browser's. */
  #chooseLanguage(): void {
    const root = pristine.documentElement.call(document);
    const lang = chooseLanguage(
      this.language,
      root ? pristine.getAttribute.call(root, 'lang') : null,
      navigator.languages ?? [navigator.language],
    );
    // Fetched with the view, the first time the customer is shown anything.
    this.#words.want(lang);
  }

  /**
   * Wording overrides for one language (consentTitle, consentIntro, bullets,
   * indicator, controlTitle, controlText): plain text, length-limited; what
   * is hidden and that sharing can stop at any time always stay.
   */
  setWording(lang: string, wording: object): void {
    this.#words.setWording(lang, wording);
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
    this._message = this.#words.catalog?.ended[reason] ?? '';
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

  override render() {
    const view = this.#view;
    const catalog = this.#words.catalog;
    const model = view && catalog ? this.#model(catalog) : null;
    // The live region exists from the first render, before any text: status changes and toasts are announced.
    return html`<div class="overlay" aria-hidden="true"></div><div class="live" role="status" aria-live="polite" aria-atomic="true">${model && view ? view.announcement(model) : ''}</div>${model && view ? view.render(model, this.#actions, this.renderRoot as ShadowRoot) : nothing}`;
  }

  #model(catalog: Catalog) {
    return {
      view: this._view,
      lang: this.#words.lang,
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
      corner: CORNERS.find((corner) => corner === this.indicatorCorner) ?? null,
    };
  }
}

const CORNERS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'] as const;

const VIEW_FAILED = 'Could not load the co-browsing prompt. Check your connection and try again.';

function splitSelectors(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

if (!customElements.get('cobrowse-session')) customElements.define('cobrowse-session', CobrowseSession);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-session': CobrowseSession;
  }
}
