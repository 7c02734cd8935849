import { InkController } from './ink-controller.js';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { agentViewStyles } from './agent-view-styles.js';
import { customElement, property, query, state } from 'lit/decorators.js';
import { token as tokenSchema, type ChannelMessage } from '../shared/protocol.js';
import { Mirror } from './mirror/mirror.js';
import { FirstSnapshotWarmUpScheduler } from './mirror/warm-up.js';
import { AgentSession, type AgentState } from './session/agent-session.js';
import { RemoteInputController } from './remote-input-controller.js';
import { REFUSAL_MESSAGES } from './refusal-messages.js';
import { MirrorInteraction, type AgentTool } from './mirror-interaction.js';
import { KeyboardGuidanceController } from './keyboard-guidance-controller.js';
import { RemoteScroll } from './remote-scroll.js';
import { StageViewController } from './stage-view-controller.js';
import { StageOverlays } from './stage-overlays.js';
import { EndSummaryController } from './end-summary.js';
import { STATE_LABELS, controlNote, safePath } from './agent-view-words.js';
import { renderNavigation, renderNotice, renderZoom } from './agent-view-parts.js';
import { ViewersPanel } from './viewers-panel.js';

export type { AgentTool };

/** Same words as the session's message for a token the server does not know. */
const MALFORMED_LINK_MESSAGE = 'This link is not valid. Ask for a new co-browsing link.';

/**
 * The agent's live view of the customer's page, with guidance tools and, when
 * the customer allows it, remote control. The page is rebuilt in a sandboxed
 * iframe that runs no script.
 *
 * @fires cobrowse-state - the connection state changed; `detail: { state, detail }`
 * @fires cobrowse-control - control held by the agent changed; `detail: { granted }`
 * @csspart toolbar - the bar with status and tools
 * @csspart stage - the area holding the mirrored page
 * @cssprop --cobrowse-accent - accent colour
 */
@customElement('cobrowse-agent-view')
export class CobrowseAgentView extends LitElement {
  static override styles = agentViewStyles;

  /** The agent token (from the shareable link's fragment). */
  @property() accessor token = '';
  /** Base URL of the co-browsing server; defaults to this page's origin. */
  @property() accessor server = '';
  /**
   * Lets a customer's `assets="fallback"`/`"direct"` make this browser fetch
   * the page's images itself (exposing the agent's IP address to the site);
   * without it every asset comes over the channel.
   */
  @property({ type: Boolean, attribute: 'allow-agent-asset-fetches' }) accessor allowAgentAssetFetches = false;

  @state() accessor _state: AgentState = 'connecting';
  @state() accessor _detail = '';
  @state() accessor _tool: AgentTool = 'pointer';
  @state() accessor _control: 'none' | 'pending' | 'granted' = 'none';
  @state() accessor _page = { url: '', title: '' };
  @state() accessor _hasView = false;
  @state() accessor _toast = '';
  /** Who changed control last, in words ("The customer took back control."); stays until control changes again. */
  @state() accessor _controlNote = '';
  /** The customer's side could not share the page (capture failed): shown until the session ends. */
  @state() accessor _customerProblem = '';
  @state() accessor _paused = false;

  @query('.frame') accessor _frame!: HTMLElement;
  @query('.stage') accessor _stage!: HTMLElement;
  @query('.canvas') accessor _canvas!: HTMLElement;
  @query('.ink svg') accessor _ink!: SVGSVGElement;

  mirror: Mirror | null = null;
  session: AgentSession | null = null;
  /** Who watches and who leads; invite, hand the lead on, whisper. */
  readonly viewersPanel = new ViewersPanel(this);
  #moved = false;
  /** Fit, zoom and full screen: the one place that knows the scale. */
  readonly stageView = new StageViewController(this, {
    stage: () => this._stage ?? null,
    canvas: () => this._canvas ?? null,
    frame: () => this._frame ?? null,
    viewport: () => this.mirror?.viewport ?? null,
    scroll: () => this.mirror?.scroll ?? { x: 0, y: 0 },
    moved: () => this.overlays.placeHighlight(),
    notify: (message) => this.overlays.notify(message),
  });
  /** Pointers, ripples, the highlight box and the toast, drawn over the page. */
  readonly overlays = new StageOverlays(this, {
    root: () => this.shadowRoot,
    toStage: (x, y) => this.stageView.toStage(x, y),
    scale: () => this.stageView.scale,
    scroll: () => this.mirror?.scroll ?? { x: 0, y: 0 },
    nodeById: (id) => this.mirror?.nodeById(id),
    toast: (message) => (this._toast = message),
  });
  /** Guidance from the keyboard: a pointer moved by arrow keys on the stage, Enter acts with the tool. */
  readonly keyboardGuidance = new KeyboardGuidanceController(this, {
    tool: () => this._tool,
    live: () => this._state === 'live' && this._hasView && this.viewersPanel.leads,
    viewport: () => {
      const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
      const { w, h } = this.mirror?.viewport ?? { w: 0, h: 0 };
      return { x: scroll.x, y: scroll.y, w, h };
    },
    showPointer: (at) => this.interaction.keyboardPointer(at),
    highlightAt: (at) => this.interaction.highlight(this.interaction.elementIdAt(at)),
    highlightElement: (target) => {
      const id = this.interaction.elementId(target);
      if (id === undefined) return false;
      this.interaction.highlight(id);
      return true;
    },
    stroke: (shape, points, final) => this.ink.keyboardStroke(shape, points, final),
    cancelStroke: () => this.ink.cancelKeyboardStroke(),
    clickAt: (at) => this.interaction.keyboardClick(at),
  });
  /** Draw and Arrow: strokes over the customer's page. */
  readonly ink = new InkController(this, {
    layer: () => this._ink ?? null,
    stageRect: () => this._canvas.getBoundingClientRect(),
    toPage: (x, y) => this.stageView.toPage(x, y),
    toStage: (x, y) => this.stageView.toStage(x, y),
    drawingShape: () =>
      (this._tool === 'draw' || this._tool === 'arrow') && this._state === 'live'
        ? this._tool === 'arrow'
          ? 'arrow'
          : 'path'
        : null,
    send: (message) => this.session?.send(message),
  });
  /** The wheel and scrolling keys, with control. */
  readonly remoteScroll = new RemoteScroll({
    act: (action) => this.session?.act(action) ?? false,
    idOf: (node) => this.mirror?.idOf(node),
    page: () => {
      const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
      const height = this.mirror?.iframe.contentDocument?.documentElement?.scrollHeight ?? Number.MAX_SAFE_INTEGER;
      return { ...scroll, h: this.mirror?.viewport.h ?? 600, height };
    },
  });

  /** The agent's typing: the field being typed in is the agent's until the customer has caught up. */
  readonly remoteInput = new RemoteInputController(this, {
    act: (action) => this.session?.act(action) ?? false,
    canType: () => this._tool === 'control' && this._control === 'granted',
    idOf: (node) => this.mirror?.idOf(node),
    isMasked: (id) => this.mirror?.isMasked(id) ?? false,
    applyEcho: (frame) => this.mirror?.applyInput(frame),
    drained: () => this.session?.drained() ?? Promise.resolve(),
    notify: (message) => this.overlays.notify(message),
  });
  /** Pointer, clicks, typing, keys and the wheel inside the mirrored page. */
  readonly interaction = new MirrorInteraction(this, {
    mirror: () => this.mirror,
    session: () => this.session,
    // A viewer who does not lead sends no guidance.
    live: () => this._state === 'live' && this.viewersPanel.leads,
    tool: () => this._tool,
    hasControl: () => this._control === 'granted',
    overlays: this.overlays,
    remoteInput: this.remoteInput,
    remoteScroll: this.remoteScroll,
    keyboardGuidance: () => this.keyboardGuidance,
  });

  /** Warms the first snapshot's code while the agent waits for the customer. */
  readonly #warmUp = new FirstSnapshotWarmUpScheduler();

  /** Once the session ends: duration, pages, control, who ended it. */
  readonly endSummary = new EndSummaryController(this, {
    server: () => this.server || location.origin,
    token: () => this.token,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page: the mirror's iframe started over with an empty document, so ask for the page again.
    if (this.#moved && this.session) this.session.requestResync(null);
    this.#moved = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moved (removed and inserted again in one task) keeps the session; removed for good ends it.
    this.#moved = true;
    queueMicrotask(() => {
      if (!this.isConnected) this.#teardown();
    });
  }

  /** Element.moveBefore keeps the iframe's document: nothing to do. */
  connectedMoveCallback(): void {}

  #teardown(): void {
    this.#warmUp.stop();
    this.interaction.detach();
    this.session?.close();
    this.mirror?.destroy();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('token') && this.token && !this.session) this.#start();
  }

  /** The session is over for this view (ended, refused or a bad link): no control note outlives it. */
  get #over(): boolean {
    return this._state === 'ended' || this._state === 'invalid' || this._state === 'refused';
  }

  /** The state shown to the agent and announced to the host page; the session's state flows through here. */
  #showState(state: AgentState, detail: string): void {
    this._state = state;
    this._detail = detail;
    if (state !== 'live') this._control = 'none';
    if (state === 'ended') this.endSummary.load();
    this.dispatchEvent(new CustomEvent('cobrowse-state', { detail: { state, detail }, bubbles: true, composed: true }));
  }

  #start(): void {
    // A link cut short in transit is not worth a connection: the server would only answer with a protocol error.
    if (!tokenSchema.safeParse(this.token).success) {
      this.#showState('invalid', MALFORMED_LINK_MESSAGE);
      return;
    }
    const mirror = new Mirror({
      container: this._frame,
      onResyncNeeded: (lastSeq) => this.session?.requestResync(lastSeq),
      acceptInput: (frame) => this.remoteInput.acceptEcho(frame),
      onDocumentPrepared: (doc) => this.interaction.listeners?.prepared(doc),
      onViewport: () => this.stageView.apply(),
      allowAgentFetches: this.allowAgentAssetFetches,
      onFrameApplied: (frame) => {
        if (frame.t === 'snapshot' && frame.final) this.remoteInput.reset();
        if (frame.t === 'focus')
          this.remoteInput.onCustomerFocus(frame.id === null ? undefined : mirror.nodeById(frame.id));
        if (frame.t === 'scroll')
          this.remoteScroll.confirmed(frame.id, frame.x, frame.y, (this.session?.unansweredActions ?? 0) === 0);
        if (frame.t === 'snapshot') this.remoteScroll.reset();
        // A snapshot or an added iframe brings documents to listen on.
        if (frame.t === 'snapshot' && frame.final) {
          // Not sync(true): the documents it rebuilt were listened to again as each was prepared, and taking the
          // blocking wheel listener off and on again made the frame showing a 100k-node page re-walk all of it (20 ms).
          this.interaction.listeners?.sync();
          this.keyboardGuidance.quietLinks(this.mirror?.iframe.contentDocument);
        } else if (frame.t === 'mutations' && frame.adds.length > 0) {
          this.interaction.listeners?.sync();
          // Only what was added: a whole-document query per frame would cost every frame on big pages.
          for (const add of frame.adds)
            if (add.kind === 'el') this.keyboardGuidance.quietLinks(this.mirror?.nodeById(add.id));
        }
        if (!this._hasView && frame.t === 'snapshot' && frame.final) this._hasView = true;
        if (frame.t === 'snapshot' || frame.t === 'viewport') this.stageView.apply();
        this.overlays.placeHighlight();
      },
    });
    this.mirror = mirror;
    this.interaction.attach(mirror.iframe);
    const session = new AgentSession({ serverUrl: this.server || location.origin, token: this.token, mirror });
    this.session = session;
    this.viewersPanel.attach(session);
    session.on('state', ({ state, detail }) => {
      // The customer's page is on its way: no warm-up competes with it.
      if (state === 'joining' || state === 'live') this.#warmUp.stop();
      this.#showState(state, detail);
    });
    // Its first snapshot then runs on warm code (agent/mirror/warm-up.ts).
    this.#warmUp.schedule(this._frame);
    session.on('control', ({ granted, pending, by }) => {
      const focused = this.shadowRoot?.activeElement ?? null;
      const had = this._control;
      this._control = granted ? 'granted' : pending ? 'pending' : 'none';
      this._controlNote = controlNote(had, this._control, by);
      if (!granted && this._tool === 'control') this._tool = 'pointer';
      if (granted) this._tool = 'control';
      // The button that had focus may be gone (Request control becomes Control): keep focus in the toolbar, not on <body>.
      if (focused?.closest('.tools, .nav')) void this.updateComplete.then(() => this.#keepToolbarFocus(focused));
      this.dispatchEvent(new CustomEvent('cobrowse-control', { detail: { granted }, bubbles: true, composed: true }));
    });
    session.on('page', (page) => (this._page = page));
    session.on('paused', (paused) => (this._paused = paused));
    session.on('message', (message) => this.#onCustomerMessage(message));
    session.connect();
  }

  #onCustomerMessage(message: ChannelMessage): void {
    switch (message.t) {
      case 'pointer':
        this.overlays.customerPointer(message.x, message.y, message.click ?? false, message.gone ?? false);
        this.mirror?.pointer(message.x, message.y, message.gone ?? false, message.down ?? false);
        return;
      case 'control-deny':
        this.overlays.notify('The customer declined to give you control.');
        return;
      case 'input-conflict':
        this.remoteInput.onConflict(message.id);
        return;
      case 'error':
        this._customerProblem = message.message;
        return;
      case 'action-refused':
        this.remoteInput.onRefused(message.kind, message.reason);
        if (message.reason === 'conflict') return;
        this.overlays.notify(REFUSAL_MESSAGES[message.reason]);
        return;
      default:
        return;
    }
  }

  #keepToolbarFocus(previous: Element): void {
    if (previous.isConnected && !(previous as HTMLButtonElement).disabled) return;
    const root = this.shadowRoot;
    const next =
      this._control === 'granted'
        ? [...(root?.querySelectorAll<HTMLButtonElement>('.tools button') ?? [])].find(
            (b) => b.textContent?.trim() === 'Control',
          )
        : root?.querySelector<HTMLButtonElement>('.tools button.primary');
    next?.focus();
  }

  #toolButton(tool: AgentTool, label: string, disabled = false) {
    return html`<button type="button" aria-pressed=${this._tool === tool ? 'true' : 'false'} ?disabled=${disabled} @click=${() => (this._tool = tool)}>
      ${label}
    </button>`;
  }

  override render() {
    const live = this._state === 'live';
    const guides = live && this.viewersPanel.leads;
    const path = this._page.url ? safePath(this._page.url) : '';
    const stale =
      this._hasView &&
      (this._state === 'reconnecting' || this._state === 'waiting-for-customer' || this._state === 'joining');
    return html`
      <header part="toolbar">
        <span class="status" data-state=${this._state} role="status">${STATE_LABELS[this._state]}</span>
        <span class="page" title=${this._page.url}>${this._page.title ? html`<strong>${this._page.title}</strong> · ` : nothing}${path}</span>
        ${
          this._hasView && this.mirror
            ? html`<span class="viewport" title="The customer's window size and pixel ratio">${this.mirror.viewport.w}×${this.mirror.viewport.h}${this.mirror.viewport.dpr !== 1 ? ` @${this.mirror.viewport.dpr}x` : ''}</span>
              ${renderZoom(this.stageView)}
              <button type="button" class="fullscreen" @click=${() => this.stageView.toggleFullscreen()}>${this.stageView.fullscreen ? 'Exit full screen' : 'Full screen'}</button>`
            : nothing
        }
        <div class="tools" role="toolbar" aria-label="Guidance tools">
          ${this.#toolButton('pointer', 'Pointer', !guides)} ${this.#toolButton('highlight', 'Highlight', !guides)}
          ${this.#toolButton('draw', 'Draw', !guides)} ${this.#toolButton('arrow', 'Arrow', !guides)}
          <button type="button" ?disabled=${!guides} @click=${() => this.ink.clear()}>Clear drawings</button>
          ${
            this._control === 'granted'
              ? html`${this.#toolButton('control', 'Control')}
                <button type="button" @click=${() => this.session?.releaseControl()}>Release control</button>`
              : html`<button
                type="button"
                class="primary"
                ?disabled=${!guides}
                aria-disabled=${this._control === 'pending' ? 'true' : 'false'}
                @click=${() => this._control !== 'pending' && this.session?.requestControl()}
              >
                ${this._control === 'pending' ? 'Waiting for permission…' : 'Request control'}
              </button>`
          }
          ${
            this._controlNote && !this.#over && this._control !== 'granted'
              ? html`<span class="control-note" role="status">${this._controlNote}</span>`
              : nothing
          }
          ${
            this.viewersPanel.isViewer
              ? html`<button type="button" class="danger" ?disabled=${this.#over} @click=${() => this.session?.leave()}>Leave session</button>`
              : html`<button type="button" class="danger" ?disabled=${this.#over} @click=${() => this.session?.end()}>End session</button>`
          }
        </div>
        ${this.viewersPanel.renderInvite(live)}
      </header>
      ${this.#over ? nothing : this.viewersPanel.render(live)}
      ${this._control === 'granted' ? renderNavigation(path, (action) => this.session?.act(action), this._controlNote) : nothing}
      <div class="stage-wrap">
      <div
        class="stage"
        part="stage"
        tabindex=${live && this._hasView ? '0' : '-1'}
        role="application"
        aria-roledescription="customer's page"
        aria-label="Customer's page. Arrow keys move your pointer (Shift for bigger steps); Enter highlights, starts or ends a drawing, or clicks, with the tool chosen above; Escape drops a drawing; plus and minus zoom, 0 fits the page to the window."
        @keydown=${(e: KeyboardEvent) =>
          e.target === e.currentTarget && (this.stageView.onKey(e) || this.keyboardGuidance.onStageKeydown(e))}
        @blur=${() => this.keyboardGuidance.onStageBlur()}
      >
        <div class="canvas">
        <div class="kbd-pointer" aria-hidden="true"></div>
        <div class=${this._hasView ? 'frame' : 'frame building'} ?inert=${!this._hasView} aria-hidden=${this._hasView ? nothing : 'true'}></div>
        <div class="highlight" aria-hidden="true"></div>
        <div
          class=${this._tool === 'draw' || this._tool === 'arrow' ? 'ink drawing' : 'ink'}
          @pointerdown=${(e: PointerEvent) => this.ink.onPointerDown(e)}
          @pointermove=${(e: PointerEvent) => this.ink.onPointerMove(e)}
          @pointerup=${() => this.ink.onPointerUp()}
          @pointercancel=${() => this.ink.onPointerUp()}
        >
          <svg aria-hidden="true"></svg>
        </div>
        <svg class="cursor" viewBox="0 0 18 18" aria-hidden="true"><path d="M1 1 L1 15 L5 11 L8 17 L10.5 16 L7.5 10 L13 10 Z" fill="#111827" stroke="#fff" stroke-width="1.2" /></svg>
        </div>
      </div>
        ${!this._hasView || this._state === 'ended' || this._state === 'invalid' || this._state === 'refused' ? renderNotice(this._state, this._detail, this.endSummary.render()) : nothing}
        ${stale ? html`<div class="stale" role="status">Connection lost: this view may be out of date</div>` : nothing}
        ${this._paused ? html`<div class="stale" role="status">Paused by the customer</div>` : nothing}
        ${this._customerProblem ? html`<div class="stale" role="alert">${this._customerProblem}</div>` : nothing}
        ${this._toast ? html`<div class="toast" role="status">${this._toast}</div>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-agent-view': CobrowseAgentView;
  }
}
