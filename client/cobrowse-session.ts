import { html, nothing, type PropertyValues } from 'lit';
import { CobrowseSessionState } from './cobrowse-session-state.js';
import { fetchSupportCode } from './support-code.js';
import { ViewLoader } from './view-loader.js';
import { SessionPreload } from './session-preload.js';
import { PromptFocus, promoteToTopLayer } from './top-layer-ui.js';
import { markStage } from '../shared/stage-marks.js';
import { ConsentSocket } from './consent-socket.js';
import { CustomerWords } from './i18n/customer-words.js';
import { chooseLanguage } from './i18n/language.js';
import { createElement, fromJson, microtask, pristine } from './pristine.js';
import { InviteError, parseInvite } from './invite.js';
import { listenForParentCapture } from './frame-listener.js';
import { parseOrigins } from '../shared/frame-handshake.js';
import { clearResume, loadResume, resumedControl, saveResume } from './resume-store.js';
import type {
  AdoptedSignaling,
  CustomerEndReason,
  CustomerSessionState,
  InviteData,
  SessionHandle,
  SessionHost,
  StartFrame,
  StartSession,
} from './session-api.js';
import type { CustomerViewActions } from './ui/view-model.js';

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
export class CobrowseSession extends CobrowseSessionState {
  /** The words shown: language, catalog and integrator wording. */
  readonly #words = new CustomerWords(
    import.meta.url,
    () => this.#views.module().then((m) => m.en),
    () => this.requestUpdate(),
  );
  /** The view module, fetched the first time the customer is shown anything. */
  readonly #views = new ViewLoader(
    () => this.renderRoot as ShadowRoot,
    () => this.requestUpdate(),
  );

  get _overlay(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.overlay');
  }

  #invite: InviteData | null = null;
  #consentSocket: ConsentSocket | null = null;
  #session: SessionHandle | null = null;
  #consentAnswer: ((granted: boolean) => void) | null = null;
  #controlAnswer: ((granted: boolean) => void) | null = null;
  #toastTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #promptFocus = new PromptFocus();
  readonly #preload = new SessionPreload();
  /** In a page framed by a listed parent (`parent-origins`): stops waiting for the parent's capture. */
  #stopFrameListener: (() => void) | null = null;

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
    removeViewer: (id) => this.#session?.removeViewer(id),
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#chooseLanguage();
    this.#stopFrameListener ??= listenForParentCapture(
      this,
      parseOrigins(pristine.getAttribute.call(this, 'parent-origins')),
      () => import(/* @vite-ignore */ this.#sessionUrl()).then((m: { startFrame: StartFrame }) => m.startFrame),
    );
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
      if (this.isConnected) return;
      this.#stopFrameListener?.();
      this.#stopFrameListener = null;
      this.#session?.end('api');
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
    this.#promptFocus.save();
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
    this.#preload.add(this.renderRoot, this.#sessionUrl());
    const granted = await new pristine.Promise<boolean>((resolve) => (this.#consentAnswer = resolve));
    this.#consentAnswer = null;
    this.#consentSocket = null;
    if (!granted) {
      this.#preload.drop();
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
    this.#promptFocus.restore(this.renderRoot);
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
      ({ invite, code } = await fetchSupportCode(this.server));
      if (!(await this.#viewReady())) throw new Error(VIEW_FAILED);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
      throw error;
    }
    const socket = new ConsentSocket(invite);
    this.#consentSocket = socket;
    this.#promptFocus.save();
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
    this.#promptFocus.restore(this.renderRoot);
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
    if (!this.#views.view && (this._view !== 'idle' || this.supportButton)) void this.#viewReady();
  }

  protected override updated(changed: PropertyValues): void {
    this.#views.view?.afterRender(this.renderRoot as ShadowRoot);
    promoteToTopLayer(this.renderRoot);
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
  protected override getUpdateComplete(): Promise<boolean> {
    return this.#views.settled(() => super.getUpdateComplete());
  }

  /** True once the view and the catalog (with wording) are here; false if the view could not be fetched. */
  #viewReady(): Promise<boolean> {
    return this.#views.ready(async () => {
      await this.#words.load();
      return this.#words.catalog !== null;
    });
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
      onViewers: (viewers, lead) => this.noteViewers(viewers, lead),
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
    this.#preload.drop();
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
    this.#promptFocus.save();
    this._view = 'control-prompt';
    return new pristine.Promise<boolean>((resolve) => {
      this.#controlAnswer = (granted) => {
        this.#controlAnswer = null;
        if (this._view === 'control-prompt') this._view = 'live';
        this.#promptFocus.restore(this.renderRoot);
        resolve(granted);
      };
    });
  }

  #showEnded(reason: CustomerEndReason): void {
    this._message = this.#words.catalog?.ended[reason] ?? '';
    this._view = 'ended';
    this.#promptFocus.restore(this.renderRoot);
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      if (this._view === 'ended') this._view = 'idle';
    }, 6000);
  }

  #dispatch(type: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  override render() {
    const view = this.#views.view;
    const catalog = this.#words.catalog;
    const model = view && catalog ? this.viewModel(catalog, this.#words.lang) : null;
    // The live region exists from the first render, before any text: status changes and toasts are announced.
    return html`<div class="overlay" aria-hidden="true"></div><div class="live" role="status" aria-live="polite" aria-atomic="true">${model && view ? view.announcement(model) : ''}</div>${model && view ? view.render(model, this.#actions, this.renderRoot as ShadowRoot) : nothing}`;
  }
}

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
