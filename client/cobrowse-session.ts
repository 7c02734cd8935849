import { html, nothing, type PropertyValues } from 'lit';
import { CobrowseSessionState } from './cobrowse-session-state.js';
import { ViewLoader } from './view-loader.js';
import { SessionPreload } from './session-preload.js';
import { PromptFocus, RenderHold, promoteToTopLayer } from './top-layer-ui.js';
import { markStage } from '../shared/stage-marks.js';
import { ConsentSocket } from './consent-socket.js';
import { CustomerWords } from './i18n/customer-words.js';
import { chooseLanguage } from './i18n/language.js';
import { createElement, fromJson, microtask, pristine } from './pristine.js';
import { listenForParentCapture } from './frame-listener.js';
import { parseOrigins } from '../shared/frame-handshake.js';
import { clearResume, keepResumeOnLeave, keys, loadResume, pageResumeKeys, saveResume } from './resume-store.js';
import { keepResumeKeys } from './resume-store.js';
import type {
  AdoptedSignaling,
  CustomerEndReason,
  CustomerSessionState,
  InviteData,
  SessionHost,
  SessionStartOptions,
  StartFrame,
} from './session-api.js';
import type { CustomerViewActions, ViewerEntry } from './ui/view-model.js';
import {
  IDLE,
  answerOf,
  handoverOf,
  inviteOf,
  loading,
  sessionOf,
  sharingOf,
  withAgent,
  withViewers,
  type ElementState,
  type SharingState,
} from './customer-state.js';

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

  readonly #promptFocus = new PromptFocus();
  readonly #hold = new RenderHold();
  readonly #preload = new SessionPreload();
  /** Whether this element leaves its session to the tab's next page (resume-store.ts keepResumeOnLeave). */
  #leaving = false;
  /** The socket consent hands over (once consent-granted is on it), for the session being started (end() uses it). */
  #adopted: AdoptedSignaling | Promise<AdoptedSignaling | undefined> | undefined;
  /** In a page framed by a listed parent (`parent-origins`): stops waiting for the parent's capture. */
  #stopFrameListener: (() => void) | null = null;

  readonly #actions: CustomerViewActions = {
    allow: () => {
      markStage('allow');
      answerOf(this._state)?.(true);
    },
    decline: () => answerOf(this._state)?.(false),
    requestSupportCode: () => void this.requestSupportCode().catch(() => undefined),
    cancelSupportCode: () => this.#cancelSupportCode(),
    answerControl: (granted) => sharingOf(this._state)?.controlAnswer?.(granted),
    setHandover: (handover) => {
      const state = this._state;
      if (state.kind === 'consent') this._state = { ...state, handover };
    },
    revokeControl: () => sessionOf(this._state)?.revokeControl(),
    pause: () => this.pause(),
    resume: () => this.resume(),
    end: () => this.end(),
    requestUpdate: () => this.requestUpdate(),
    showHidden: () => sessionOf(this._state)?.showHiddenAreas(),
    removeViewer: (id) => sessionOf(this._state)?.removeViewer(id),
  };

  /** Applies `change` to the sharing state, if the element is sharing. */
  #updateSharing(change: (state: SharingState) => SharingState): void {
    const state = sharingOf(this._state);
    if (state) this._state = change(state);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#chooseLanguage();
    this.#stopFrameListener ??= listenForParentCapture(
      this,
      parseOrigins(pristine.getAttribute.call(this, 'parent-origins')),
      () => import(/* @vite-ignore */ this.#sessionUrl()).then((m: { startFrame: StartFrame }) => m.startFrame),
    );
    // Re-attached (moved in the page): the running offer or session carries on; never start a second one.
    if (inviteOf(this._state)) return;
    // Only the tab's top page resumes (`top` cannot be replaced): a same-origin frame shares its record (review s13 B9).
    const resumable = top === window && loadResume();
    if (resumable) void this.#startSession({ ...resumable, resumed: true });
    else if (this.invite) void this.offer(this.invite).catch(() => undefined);
  }
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Unloading a page does not disconnect elements (pagehide leaves the resume record to the next page); this
    // runs only when the host page removes us. Without the indicator and its End button on screen, sharing must
    // stop. A move (removed and re-added in the same task) is not a removal.
    microtask(() => {
      if (this.isConnected) return;
      this.#stopFrameListener?.();
      this.#stopFrameListener = null;
      this.#end('api');
    });
  }

  /**
   * Show the consent prompt for an invite from the chat system. Resolves with the customer's answer.
   * Nothing is captured and no peer connection is opened unless it resolves 'granted'.
   */
  async offer(invite: string | object): Promise<'granted' | 'declined'> {
    if (sharingOf(this._state)) throw new Error(RUNNING);
    let parsed: InviteData;
    try {
      // The view module, which shows the prompt, checks the invite (fetched now, or already here); the element's
      // update is complete once the prompt shows.
      parsed = await this.#views.track(this.#views.module().then((m) => m.parseInvite(invite, fromJson)));
    } catch (error) {
      // parseInvite throws InviteError only; anything else is the view module not fetched.
      const message = error instanceof Error && error.name === 'InviteError' ? error.message : VIEW_FAILED;
      this.#dispatch('cobrowse-error', { message });
      throw error;
    }
    const state = this._state;
    if (sharingOf(state)) throw new Error(RUNNING);
    // A new invite replaces the support code or a prompt still open.
    if ('socket' in state) state.socket.close();
    return this.#askConsent(parsed, new ConsentSocket(parsed));
  }

  /** The consent prompt for an invite, over its consent socket (from an offer or a support code). */
  async #askConsent(parsed: InviteData, socket: ConsentSocket): Promise<'granted' | 'declined'> {
    this._state = { kind: 'offered', invite: parsed, socket };
    this.#promptFocus.save();
    // The view, the catalog and any integrator wording show from the prompt's first frame.
    if (!(await this.#viewReady())) {
      socket.close();
      this.#fail(VIEW_FAILED);
      throw new Error(VIEW_FAILED);
    }
    void socket.record('consent-shown');
    this.#preload.add(this.renderRoot, this.#sessionUrl());
    const granted = await new pristine.Promise<boolean>(
      (answer) => (this._state = { kind: 'consent', invite: parsed, socket, handover: false, answer }),
    );
    this.#preload.drop();
    if (!granted) {
      await socket.record('consent-declined');
      socket.close();
      this.#showEnded('declined');
      this.#dispatch('cobrowse-consent-declined', {});
      return 'declined';
    }
    // Read after the answer: the prompt's checkbox changed the state meanwhile.
    const handover = handoverOf(this._state) && parsed.agentBot === true;
    // The prompt closes, and focus goes back to where the customer was, once the session's offer has left.
    this.#hold.hold(RenderHold.offerWaitMs, () => this.#promptFocus.restore(this.renderRoot));
    const starting = (this._state = loading(parsed, false));
    const signaling = await (this.#adopted = socket.record('consent-granted', handover).then((recorded) => {
      markStage('consent-recorded');
      // The session goes on with this socket; only if consent did not reach it, or it cannot be handed over, does it open its own.
      const handed = recorded ? socket.handOver() : null;
      if (!handed) socket.close();
      return handed ?? undefined;
    }));
    if (this._state !== starting) return 'granted';
    this.#dispatch('cobrowse-consent-granted', {});
    await this.#startSession({ invite: parsed, resumed: false, handover, signaling });
    return 'granted';
  }

  /**
   * The customer asks for a support code to read to the agent. Nothing is
   * shared yet: when the agent enters the code, the usual consent prompt opens.
   */
  async requestSupportCode(): Promise<string> {
    if (inviteOf(this._state)) throw new Error(RUNNING);
    if (!this.server) throw new Error('Set the server attribute to use support codes.');
    let invite: InviteData;
    let code: string;
    try {
      // The request comes with the view module, which shows the code (it is fetched once, for the button already).
      if (!(await this.#viewReady())) throw new Error(VIEW_FAILED);
      ({ invite, code } = await (
        await this.#views.module()
      ).fetchSupportCode(this.server, { fetch: pristine.fetch, fromJson }));
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
      throw error;
    }
    const socket = new ConsentSocket(invite);
    this.#promptFocus.save();
    const shown: ElementState = { kind: 'support-code', invite, socket, code };
    this._state = shown;
    socket.onAgentJoined(() => {
      if (this._state === shown) void this.#askConsent(invite, socket);
    });
    return code;
  }

  #cancelSupportCode(): void {
    const state = this._state;
    if (state.kind !== 'support-code') return;
    this._state = IDLE;
    this.#promptFocus.restore(this.renderRoot);
    void state.socket.record('consent-declined').finally(() => state.socket.close());
  }

  /** Pause sharing: nothing is captured or sent until resume(); the agent sees "Paused by the customer". */
  pause(): void {
    this.#setPaused(true);
  }

  /** Resume sharing after pause(); the agent gets a fresh view of the page. */
  resume(): void {
    this.#setPaused(false);
  }

  #setPaused(paused: boolean): void {
    const state = this._state;
    if (state.kind !== 'sharing' || state.paused === paused) return;
    if (paused) state.session.pause();
    else state.session.resume();
    this._state = { ...state, paused };
    this.#dispatch(paused ? 'cobrowse-paused' : 'cobrowse-resumed', {});
  }

  /** Stop sharing now (the same as the customer's End button). */
  end(): void {
    this.#end('customer-ended');
    answerOf(this._state)?.(false);
    this.#cancelSupportCode();
  }

  /** Ends sharing; from Allow (consent-granted on its way, code loading) it never starts: the view tells the server. */
  #end(reason: CustomerEndReason): void {
    const state = this._state;
    if (state.kind === 'loading') {
      void pristine.Promise.all([this.#views.module(), this.#adopted]).then(
        ([m, adopted]) => m.endBeforeStart(state.invite, adopted?.socket, pristine, reason, keys),
        () => undefined,
      );
      this.#onSessionState('ended', { reason });
    }
    sessionOf(state)?.end(reason);
  }

  protected override willUpdate(): void {
    // The view module is fetched the first time there is something to show.
    if (!this.#views.view && (this._state.kind !== 'idle' || this.supportButton)) void this.#viewReady();
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return this.#hold.schedule(() => super.scheduleUpdate());
  }

  protected override updated(changed: PropertyValues): void {
    promoteToTopLayer(this.renderRoot);
    this.#views.view?.afterRender(this.renderRoot as ShadowRoot);
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
    if (changed.has('invite') && this.invite && changed.get('invite') !== undefined && this._state.kind === 'idle')
      void this.offer(this.invite).catch(() => undefined);
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
    const invite = inviteOf(this._state);
    const name = invite?.agentName ?? '';
    return invite?.agentBot && c ? c.botName(name) : name;
  }

  /** The server says who the agent is; `tookOver`: a person just took over from the automated agent. */
  #onAgent({ name, bot, tookOver }: { name: string; bot: boolean; tookOver: boolean }): void {
    const state = sharingOf(this._state);
    if (!state) return;
    const now = withAgent(state, name, bot, tookOver);
    // The next page resumes with the agent as it is now (the record the page leaves is this state).
    this._state = now;
    if (!tookOver) return;
    setTimeout(() => this.#updateSharing((s) => ({ ...s, tookOver: false })), 10_000);
    this.#dispatch('cobrowse-agent-changed', { agentName: now.invite.agentName ?? '', automated: bot });
  }

  #fail(message: string): void {
    this._state = { kind: 'error', message };
    this.#dispatch('cobrowse-error', { message });
  }

  /** Starts the session bundle with what the consent or the previous page of the tab (`resumed`) gave. */
  async #startSession(start: Omit<SessionStartOptions, 'host'> & { keys?: unknown }): Promise<void> {
    const { invite, signaling } = start;
    const state = (this._state = loading(invite, start.controlGranted === true, start.paused === true));
    this.#adopted = signaling;
    const resume = pageResumeKeys(start.keys);
    // Live (a copy taken now never resumes) until the page goes, then left for the tab's next page (resume-store.ts).
    saveResume(state);
    if (!this.#leaving) {
      this.#leaving = true;
      keepResumeOnLeave(() => sharingOf(this._state));
    }
    let startSession = this.#preload.evaluated?.startSession;
    if (!startSession) {
      this.#hold.release();
      try {
        startSession = (await this.#preload.load(this.#sessionUrl())).startSession;
        await this.updateComplete;
      } catch {
        signaling?.socket.close(1000, 'session bundle failed to load');
        clearResume();
        if (this._state === state)
          this.#fail('Could not load the co-browsing session. Check your connection and try again.');
        return;
      }
    }
    // Ended while the session's code loaded (the customer's End): it never starts.
    if (this._state !== state) return;
    markStage('session-loaded');
    const host: SessionHost = {
      onState: (state, detail) => this.#onSessionState(state, detail),
      onOffer: () => this.#hold.release(),
      requestControl: () => this.#askControl(),
      onPaused: (paused) => this.#updateSharing((s) => ({ ...s, paused })),
      onResumeKeys: keepResumeKeys,
      onControl: (controlGranted) => {
        this.#updateSharing((s) => ({ ...s, controlGranted, controlFailed: s.controlFailed && !controlGranted }));
        this.#dispatch(controlGranted ? 'cobrowse-control-granted' : 'cobrowse-control-revoked', {});
      },
      onAgent: (agent) => this.#onAgent(agent),
      onViewers: (viewers, lead) => this.#onViewers(viewers, lead),
      hiddenLabel: () => this.#words.catalog?.hiddenFrom(this.#displayName()) ?? '',
      onHiddenAreas: (hiddenCount) => this.#updateSharing((s) => ({ ...s, hiddenCount })),
      guidanceWords: (kind, _agent, target) => {
        const c = this.#words.catalog;
        if (!c) return '';
        return kind === 'highlighted'
          ? c.highlighted(this.#displayName(), target)
          : c.pointingAt(this.#displayName(), target);
      },
      onControlFailed: () => {
        this.#updateSharing((s) => ({ ...s, controlFailed: true }));
        const message = this.#words.catalog?.controlFailed(invite.agentName ?? '') ?? 'Remote control failed to load';
        this.#dispatch('cobrowse-error', { message });
      },
      onCaptureFailed: (captureProblem) => {
        this.#updateSharing((s) => ({ ...s, captureProblem }));
        const message = this.#words.catalog?.couldNotShare(invite.agentName ?? '', captureProblem) ?? captureProblem;
        this.#dispatch('cobrowse-error', { message });
      },
      uiRoot: this,
      overlayContainer: this._overlay ?? this.#addOverlay(),
      maskSelectors: splitSelectors(this.maskSelectors),
      blockSelectors: splitSelectors(this.blockSelectors),
      navigationOrigins: this.navigationOrigins.split(/[\s,]+/).filter(Boolean),
      pristine,
    };
    const session = startSession({ ...start, resume, host });
    // Unless it ended already while starting (its callbacks may run before it returns).
    this.#updateSharing((s) => ({ ...s, kind: 'sharing', session }));
  }

  /** The server's list of viewers: who is new in it is said once, then the live region goes back to the status. */
  #onViewers(viewers: readonly ViewerEntry[], lead: string): void {
    this.#updateSharing((s) => withViewers(s, viewers, lead));
    const joined = sharingOf(this._state)?.joined;
    if (joined?.length)
      setTimeout(() => this.#updateSharing((s) => (s.joined === joined ? { ...s, joined: [] } : s)), 8_000);
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

  #onSessionState(phase: CustomerSessionState, detail?: { reason?: CustomerEndReason }): void {
    // Not for waiting: the consent socket's replayed messages may bring the agent next (the hold's timer ends it).
    if (phase !== 'waiting-for-agent') this.#hold.release();
    const state = sharingOf(this._state);
    if (!state) return;
    if (phase === 'ended') {
      clearResume();
      state.controlAnswer?.(false);
      this.#showEnded(detail?.reason ?? 'customer-ended');
      this.#dispatch('cobrowse-ended', { reason: detail?.reason ?? 'customer-ended' });
      return;
    }
    if (phase === 'live' && state.phase !== 'live') this.#dispatch('cobrowse-connected', {});
    this._state = { ...state, phase };
  }

  #askControl(): Promise<boolean> {
    this.#promptFocus.save();
    return new pristine.Promise<boolean>((resolve) => {
      const controlAnswer = (granted: boolean) => {
        this.#updateSharing((s) => (s.controlAnswer === controlAnswer ? { ...s, controlAnswer: null } : s));
        this.#promptFocus.restore(this.renderRoot);
        resolve(granted);
      };
      this.#updateSharing((s) => ({ ...s, controlAnswer }));
    });
  }

  #showEnded(reason: CustomerEndReason): void {
    const ended: ElementState = { kind: 'ended', message: this.#words.catalog?.ended[reason] ?? '' };
    this._state = ended;
    this.#promptFocus.restore(this.renderRoot);
    setTimeout(() => {
      if (this._state === ended) this._state = IDLE;
    }, 6000);
  }

  #dispatch(type: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  override render() {
    const view = this.#views.view;
    const catalog = this.#words.catalog;
    const shown = catalog && {
      state: this._state,
      lang: this.#words.lang,
      catalog,
      supportButton: this.supportButton,
      indicatorCorner: this.indicatorCorner,
    };
    // The live region exists from the first render, before any text: status changes and toasts are announced.
    return html`<div class="overlay" aria-hidden="true"></div><div class="live" role="status" aria-live="polite" aria-atomic="true">${shown && view ? view.announcement(shown) : ''}</div>${shown && view ? view.render(shown, this.#actions, this.renderRoot as ShadowRoot) : nothing}`;
  }
}

const RUNNING = 'A co-browsing session is already running.';
const VIEW_FAILED = 'Could not load the co-browsing prompt. Check your connection and try again.';

function splitSelectors(value: string): string[] {
  return value.split(',').flatMap((s) => s.trim() || []);
}

if (!customElements.get('cobrowse-session')) customElements.define('cobrowse-session', CobrowseSession);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-session': CobrowseSession;
  }
}
