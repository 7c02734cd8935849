import { InkController } from './ink-controller.js';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { agentViewStyles } from './agent-view-styles.js';
import { customElement, property, query, state } from 'lit/decorators.js';
import { token as tokenSchema, type ChannelMessage } from '../shared/protocol.js';
import { Mirror } from './mirror/mirror.js';
import { AgentSession, type AgentState } from './session/agent-session.js';
import { RemoteInputController, isTextControl } from './remote-input-controller.js';
import { REFUSAL_MESSAGES } from './refusal-messages.js';
import { MirrorListeners } from './mirror-listeners.js';
import { KeyboardGuidanceController } from './keyboard-guidance-controller.js';
import { RemoteScroll } from './remote-scroll.js';

export type AgentTool = 'pointer' | 'highlight' | 'draw' | 'arrow' | 'control';

const STATE_LABELS: Record<AgentState, string> = {
  connecting: 'Connecting',
  'waiting-for-consent': 'Waiting for the customer',
  'waiting-for-customer': 'Waiting for the page',
  joining: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  ended: 'Ended',
  invalid: 'Invalid link',
  refused: 'Not joined',
};

/** Fitting the customer's viewport to the stage enlarges it at most this much. */
const MAX_FIT_SCALE = 2;
/** Same words as the session's message for a token the server does not know. */
const MALFORMED_LINK_MESSAGE = 'This link is not valid. Ask for a new co-browsing link.';

/** A drawing in progress: page coordinates for the customer, stage coordinates for our own ink. */
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

  @state() accessor _state: AgentState = 'connecting';
  @state() accessor _detail = '';
  @state() accessor _tool: AgentTool = 'pointer';
  @state() accessor _control: 'none' | 'pending' | 'granted' = 'none';
  @state() accessor _page = { url: '', title: '' };
  @state() accessor _hasView = false;
  @state() accessor _toast = '';
  @state() accessor _fullscreen = false;
  readonly #onFullscreenChange = (): void => {
    this._fullscreen = document.fullscreenElement === this;
  };
  /** Who changed control last, in words ("The customer took back control."); stays until control changes again. */
  @state() accessor _controlNote = '';
  /** The customer's side could not share the page (capture failed): shown until the session ends. */
  @state() accessor _customerProblem = '';
  @state() accessor _paused = false;

  @query('.frame') accessor _frame!: HTMLElement;
  @query('.stage') accessor _stage!: HTMLElement;
  @query('.ink svg') accessor _ink!: SVGSVGElement;
  @query('.cursor') accessor _cursor!: HTMLElement;
  @query('.highlight') accessor _highlightBox!: HTMLElement;

  mirror: Mirror | null = null;
  session: AgentSession | null = null;
  #scale = 1;
  #resizeObserver: ResizeObserver | null = null;
  #detachMirrorListeners: (() => void) | null = null;
  #mirrorListeners: MirrorListeners | null = null;
  #pointerFrame = 0;
  #pendingPointer: { x: number; y: number } | null = null;
  #toastTimer: ReturnType<typeof setTimeout> | null = null;
  #highlightedId: number | null = null;
  /** Guidance from the keyboard: a pointer moved by arrow keys on the stage, Enter acts with the tool. */
  readonly keyboardGuidance = new KeyboardGuidanceController(this, {
    tool: () => this._tool,
    live: () => this._state === 'live' && this._hasView,
    viewport: () => {
      const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
      const { w, h } = this.mirror?.viewport ?? { w: 0, h: 0 };
      return { x: scroll.x, y: scroll.y, w, h };
    },
    showPointer: (at) => this.#showKeyboardPointer(at),
    highlightAt: (at) => this.#highlight(this.#elementIdAt(at)),
    highlightElement: (target) => {
      const id = this.#elementId(target);
      if (id === undefined) return false;
      this.#highlight(id);
      return true;
    },
    stroke: (shape, points, final) => this.ink.keyboardStroke(shape, points, final),
    cancelStroke: () => this.ink.cancelKeyboardStroke(),
    clickAt: (at) => this.#keyboardClick(at),
  });
  /** Draw and Arrow: strokes over the customer's page. */
  readonly ink = new InkController(this, {
    layer: () => this._ink ?? null,
    stageRect: () => this._stage.getBoundingClientRect(),
    toPage: (x, y) => this.#toPage(x, y),
    toStage: (x, y) => this.#toStage(x, y),
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
    notify: (message) => this.#notify(message),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('fullscreenchange', this.#onFullscreenChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('fullscreenchange', this.#onFullscreenChange);
    this.#resizeObserver?.disconnect();
    this.#detachMirrorListeners?.();
    this.session?.close();
    this.mirror?.destroy();
  }

  protected override firstUpdated(): void {
    this.#resizeObserver = new ResizeObserver(() => this.#fit());
    this.#resizeObserver.observe(this._stage);
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('token') && this.token && !this.session) this.#start();
  }

  /** The state shown to the agent and announced to the host page; the session's state flows through here. */
  #showState(state: AgentState, detail: string): void {
    this._state = state;
    this._detail = detail;
    if (state !== 'live') this._control = 'none';
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
      onDocumentPrepared: (doc) => this.#mirrorListeners?.prepared(doc),
      onFrameApplied: (frame) => {
        if (frame.t === 'snapshot' && frame.final) this.remoteInput.reset();
        if (frame.t === 'scroll') this.remoteScroll.confirmed(frame.id);
        if (frame.t === 'snapshot') this.remoteScroll.reset();
        // A snapshot or an added iframe brings documents to listen on.
        if (frame.t === 'snapshot' && frame.final) {
          this.#mirrorListeners?.sync(true);
          this.keyboardGuidance.quietLinks(this.mirror?.iframe.contentDocument);
        } else if (frame.t === 'mutations' && frame.adds.length > 0) {
          this.#mirrorListeners?.sync();
          // Only what was added: a whole-document query per frame would cost every frame on big pages.
          for (const add of frame.adds)
            if (add.k === 'el') this.keyboardGuidance.quietLinks(this.mirror?.nodeById(add.id));
        }
        if (!this._hasView && frame.t === 'snapshot' && frame.final) this._hasView = true;
        if (frame.t === 'snapshot' || frame.t === 'viewport') this.#fit();
        this.#placeHighlight();
      },
    });
    this.mirror = mirror;
    this.#attachMirrorListeners();
    const session = new AgentSession({ serverUrl: this.server || location.origin, token: this.token, mirror });
    this.session = session;
    session.on('state', ({ state, detail }) => this.#showState(state, detail));
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
        this.#showCustomerPointer(message.x, message.y, message.click ?? false, message.gone ?? false);
        this.mirror?.pointer(message.x, message.y, message.gone ?? false);
        return;
      case 'control-deny':
        this.#notify('The customer declined to give you control.');
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
        this.#notify(REFUSAL_MESSAGES[message.reason]);
        return;
      default:
        return;
    }
  }

  /** The console alone on the agent's screen (and back); the view refits on the resize. */
  #toggleFullscreen(): void {
    if (document.fullscreenElement === this) void document.exitFullscreen().catch(() => undefined);
    else void this.requestFullscreen?.().catch(() => this.#notify('Full screen is not available here.'));
  }

  /** Scale the customer's viewport to fit the stage, keeping its aspect ratio. */
  #fit(): void {
    const mirror = this.mirror;
    if (!mirror || !this._stage) return;
    const { w, h } = mirror.viewport;
    if (!w || !h) return;
    const stage = this._stage.getBoundingClientRect();
    // Up as well as down: a phone-sized viewport on a large screen is drawn bigger, to at most MAX_FIT_SCALE.
    const scale = Math.min(MAX_FIT_SCALE, (stage.width - 24) / w, (stage.height - 24) / h);
    this.#scale = scale > 0 ? scale : 1;
    const left = Math.max(0, (stage.width - w * this.#scale) / 2);
    const top = Math.max(0, (stage.height - h * this.#scale) / 2);
    Object.assign(this._frame.style, {
      width: `${w}px`,
      height: `${h}px`,
      left: `${left}px`,
      top: `${top}px`,
      transform: `scale(${this.#scale})`,
    });
  }

  /** Page coordinates (customer) → stage coordinates (ours). */
  #toStage(x: number, y: number): { x: number; y: number } {
    const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
    return {
      x: this._frame.offsetLeft + (x - scroll.x) * this.#scale,
      y: this._frame.offsetTop + (y - scroll.y) * this.#scale,
    };
  }

  /** Stage coordinates → the customer's page coordinates. */
  #toPage(x: number, y: number): { x: number; y: number } {
    const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
    return {
      x: (x - this._frame.offsetLeft) / this.#scale + scroll.x,
      y: (y - this._frame.offsetTop) / this.#scale + scroll.y,
    };
  }

  #showCustomerPointer(x: number, y: number, click: boolean, gone: boolean): void {
    const cursor = this._cursor;
    if (!cursor) return;
    if (gone) {
      cursor.style.display = 'none';
      return;
    }
    const at = this.#toStage(x, y);
    cursor.style.display = 'block';
    cursor.style.transform = `translate(${at.x}px, ${at.y}px)`;
    if (click) {
      const ripple = document.createElement('div');
      ripple.className = 'ripple';
      ripple.style.left = `${at.x}px`;
      ripple.style.top = `${at.y}px`;
      this._stage.append(ripple);
      setTimeout(() => ripple.remove(), 700);
    }
  }

  /** Listeners on the mirror's documents run here, in the console; the mirror itself runs no script. */
  #attachMirrorListeners(): void {
    const iframe = this.mirror?.iframe;
    if (!iframe) return;
    const listeners: MirrorListeners = new MirrorListeners(iframe, [
      ['pointermove', (e) => this.#onMirrorPointerMove(e as PointerEvent)],
      ['click', (e) => this.#onMirrorClick(e as MouseEvent)],
      ['beforeinput', (e) => this.remoteInput.onBeforeInput(e)],
      ['input', (e) => this.#onMirrorInput(e)],
      ['compositionstart', (e) => this.remoteInput.onCompositionStart(e)],
      ['compositionend', (e) => this.remoteInput.onCompositionEnd(e)],
      ['keyup', (e) => this.remoteInput.onSelectionMaybeChanged(e)],
      ['mouseup', (e) => this.remoteInput.onSelectionMaybeChanged(e)],
      ['pointerdown', (e) => this.remoteInput.onPointerDown(e)],
      ['focusout', (e) => this.remoteInput.onFocusOut(e)],
      ['keydown', (e) => this.#onMirrorKeydown(e as KeyboardEvent)],
      ['wheel', (e) => this.#onMirrorWheel(e as WheelEvent)],
      ['focusin', (e) => this.#onMirrorFocus(e)],
      // pointerleave does not bubble but is captured here for every element left; only leaving the page counts.
      [
        'pointerleave',
        (e) =>
          e.target === listeners.topDocument?.documentElement &&
          this.session?.send({ t: 'pointer', x: 0, y: 0, gone: true }),
      ],
    ]);
    this.#mirrorListeners = listeners;
    this.#detachMirrorListeners = () => listeners.destroy();
  }

  #elementId(target: EventTarget | null): number | undefined {
    // The target lives in the mirror's realm, so no instanceof checks against ours.
    return typeof target === 'object' && target !== null && 'nodeType' in target
      ? this.mirror?.idOf(target as Node)
      : undefined;
  }

  #pageCoordinates(event: MouseEvent): { x: number; y: number } {
    const view = (event.target as Node | null)?.ownerDocument?.defaultView;
    return { x: event.clientX + (view?.scrollX ?? 0), y: event.clientY + (view?.scrollY ?? 0) };
  }

  #onMirrorPointerMove(event: PointerEvent): void {
    if (this._state !== 'live') return;
    this.#pendingPointer = this.#pageCoordinates(event);
    if (this.#pointerFrame) return;
    this.#pointerFrame = requestAnimationFrame(() => {
      this.#pointerFrame = 0;
      const at = this.#pendingPointer;
      if (at) this.session?.send({ t: 'pointer', x: at.x, y: at.y });
    });
  }

  /** Highlights `id` for the customer, or clears the highlight when it is already the highlighted one. */
  #highlight(id: number | undefined): void {
    if (id === undefined) return;
    this.#highlightedId = this.#highlightedId === id ? null : id;
    this.session?.send({ t: 'highlight', id: this.#highlightedId, label: 'Look here' });
    this.#placeHighlight();
  }

  /** The customer's id of the innermost mirrored element at page coordinates. */
  #elementIdAt(at: { x: number; y: number }): number | undefined {
    const doc = this.mirror?.iframe.contentDocument;
    const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
    let el = doc?.elementFromPoint(at.x - scroll.x, at.y - scroll.y) ?? null;
    // Climb to the nearest element the customer knows (the mirror adds a few of its own).
    while (el && this.#elementId(el) === undefined) el = el.parentElement;
    return el ? this.#elementId(el) : undefined;
  }

  #showKeyboardPointer(at: { x: number; y: number } | null): void {
    const pointer = this.shadowRoot?.querySelector<HTMLElement>('.kbd-pointer');
    if (!at) {
      if (pointer) pointer.style.display = 'none';
      this.session?.send({ t: 'pointer', x: 0, y: 0, gone: true });
      return;
    }
    const stage = this.#toStage(at.x, at.y);
    if (pointer) Object.assign(pointer.style, { display: 'block', transform: `translate(${stage.x}px, ${stage.y}px)` });
    this.session?.send({ t: 'pointer', x: at.x, y: at.y });
  }

  /** Control from the keyboard: click where the keyboard pointer is, and put the agent's focus there too. */
  #keyboardClick(at: { x: number; y: number }): void {
    if (this._control !== 'granted') return;
    const id = this.#elementIdAt(at);
    if (id === undefined) return;
    if (this.mirror?.isMasked(id)) {
      this.#notify('That field is hidden from you, so it cannot be used remotely.');
      return;
    }
    this.session?.act({ kind: 'click', id, x: at.x, y: at.y });
    const node = this.mirror?.nodeById(id);
    if (node && 'focus' in node && typeof node.focus === 'function')
      (node as HTMLElement).focus({ preventScroll: true });
  }

  #onMirrorClick(event: MouseEvent): void {
    // Nothing in the mirror navigates or submits; clicks only become tool actions.
    event.preventDefault();
    const id = this.#elementId(event.target);
    if (id === undefined || this._state !== 'live') return;
    if (this._tool === 'highlight') {
      this.#highlight(id);
    } else if (this._tool === 'control' && this._control === 'granted') {
      if (this.mirror?.isMasked(id)) {
        this.#notify('That field is hidden from you, so it cannot be used remotely.');
        return;
      }
      const at = this.#pageCoordinates(event);
      this.session?.act({ kind: 'click', id, x: at.x, y: at.y });
    }
  }

  #onMirrorInput(event: Event): void {
    const target = event.target as HTMLInputElement | null;
    const id = this.#elementId(target);
    if (!target || id === undefined) return;
    if (this._tool !== 'control' || this._control !== 'granted' || this.mirror?.isMasked(id)) return;
    // Text fields go key by key, other controls as their new value (remote-input-controller); rich text is refused there.
    if (isTextControl(event.target)) this.remoteInput.onInput(event);
    else this.remoteInput.onValueInput(event);
  }

  #onMirrorKeydown(event: KeyboardEvent): void {
    if (this.keyboardGuidance.onMirrorKeydown(event)) return;
    const id = this.#elementId(event.target);
    const controlling = this._tool === 'control' && this._control === 'granted';
    if (!controlling || id === undefined || this.mirror?.isMasked(id)) {
      // Without control, typing in the mirror would only change the agent's copy.
      if (!event.ctrlKey && !event.metaKey && event.key !== 'Tab') event.preventDefault();
      return;
    }
    if (this.remoteScroll.key(event)) return;
    if (event.key === 'Enter' || event.key === 'Escape' || event.key === 'Tab') {
      this.session?.act({ kind: 'key', id, key: event.key, code: event.code, shift: event.shiftKey });
    }
  }

  #onMirrorWheel(event: WheelEvent): void {
    if (this._tool !== 'control' || this._control !== 'granted') {
      event.preventDefault();
      return;
    }
    this.remoteScroll.wheel(event);
  }

  #onMirrorFocus(event: Event): void {
    const id = this.#elementId(event.target);
    if (id !== undefined && this.mirror?.isMasked(id)) {
      (event.target as HTMLElement).blur?.();
      this.#notify('That field is hidden from you.');
    }
  }

  #placeHighlight(): void {
    const box = this._highlightBox;
    if (!box) return;
    const node = this.#highlightedId === null ? undefined : this.mirror?.nodeById(this.#highlightedId);
    if (!node || node.nodeType !== 1) {
      box.style.display = 'none';
      return;
    }
    const rect = (node as Element).getBoundingClientRect();
    const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
    const at = this.#toStage(rect.left + scroll.x, rect.top + scroll.y);
    Object.assign(box.style, {
      display: 'block',
      left: `${at.x - 4}px`,
      top: `${at.y - 4}px`,
      width: `${rect.width * this.#scale + 8}px`,
      height: `${rect.height * this.#scale + 8}px`,
    });
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

  #notify(message: string): void {
    this._toast = message;
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => (this._toast = ''), 4_000);
  }

  #onNavigate(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('url') as HTMLInputElement;
    if (input.value) this.session?.act({ kind: 'navigate', to: input.value });
  }

  #toolButton(tool: AgentTool, label: string, disabled = false) {
    return html`<button type="button" aria-pressed=${this._tool === tool ? 'true' : 'false'} ?disabled=${disabled} @click=${() => (this._tool = tool)}>
      ${label}
    </button>`;
  }

  #renderNotice() {
    const waiting = !['ended', 'invalid', 'refused'].includes(this._state);
    const hint = NOTICE_HINTS[this._state];
    return html`<div class="notice">
      <div class="card">
        ${waiting ? html`<div class="spinner" aria-hidden="true"></div>` : nothing}
        <h2>${NOTICE_TITLES[this._state] ?? 'Co-browsing'}</h2>
        <p>${this._detail}</p>
        ${hint && hint !== this._detail ? html`<p class="hint">${hint}</p>` : nothing}
      </div>
    </div>`;
  }

  override render() {
    const live = this._state === 'live';
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
              <button type="button" class="fullscreen" @click=${() => this.#toggleFullscreen()}>${this._fullscreen ? 'Exit full screen' : 'Full screen'}</button>`
            : nothing
        }
        <div class="tools" role="toolbar" aria-label="Guidance tools">
          ${this.#toolButton('pointer', 'Pointer', !live)} ${this.#toolButton('highlight', 'Highlight', !live)}
          ${this.#toolButton('draw', 'Draw', !live)} ${this.#toolButton('arrow', 'Arrow', !live)}
          <button type="button" ?disabled=${!live} @click=${() => this.ink.clear()}>Clear drawings</button>
          ${
            this._control === 'granted'
              ? html`${this.#toolButton('control', 'Control')}
                <button type="button" @click=${() => this.session?.releaseControl()}>Release control</button>`
              : html`<button
                type="button"
                class="primary"
                ?disabled=${!live}
                aria-disabled=${this._control === 'pending' ? 'true' : 'false'}
                @click=${() => this._control !== 'pending' && this.session?.requestControl()}
              >
                ${this._control === 'pending' ? 'Waiting for permission…' : 'Request control'}
              </button>`
          }
          ${this._controlNote ? html`<span class="control-note" role="status">${this._controlNote}</span>` : nothing}
          <button type="button" class="danger" ?disabled=${this._state === 'ended' || this._state === 'invalid' || this._state === 'refused'} @click=${() => this.session?.end()}>
            End session
          </button>
        </div>
      </header>
      ${
        this._control === 'granted'
          ? html`<form class="nav" @submit=${(e: SubmitEvent) => this.#onNavigate(e)} aria-label="Navigate the customer's tab">
            <span>You have control.</span>
            <button type="button" @click=${() => this.session?.act({ kind: 'navigate', to: 'back' })} aria-label="Back">←</button>
            <button type="button" @click=${() => this.session?.act({ kind: 'navigate', to: 'forward' })} aria-label="Forward">→</button>
            <label for="nav-url" class="visually-hidden" style="position:absolute;left:-9999px">Go to a page on the customer's site</label>
            <input id="nav-url" name="url" type="text" placeholder="/path on the customer's site" .value=${path} />
            <button type="submit">Go</button>
          </form>`
          : nothing
      }
      <div
        class="stage"
        part="stage"
        tabindex=${live && this._hasView ? '0' : '-1'}
        role="application"
        aria-roledescription="customer's page"
        aria-label="Customer's page. Arrow keys move your pointer (Shift for bigger steps); Enter highlights, starts or ends a drawing, or clicks, with the tool chosen above; Escape drops a drawing."
        @keydown=${(e: KeyboardEvent) => e.target === e.currentTarget && this.keyboardGuidance.onStageKeydown(e)}
        @blur=${() => this.keyboardGuidance.onStageBlur()}
      >
        <div class="kbd-pointer" aria-hidden="true"></div>
        <div class="frame" ?hidden=${!this._hasView}></div>
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
        ${!this._hasView || this._state === 'ended' || this._state === 'invalid' || this._state === 'refused' ? this.#renderNotice() : nothing}
        ${stale ? html`<div class="stale" role="status">Connection lost: this view may be out of date</div>` : nothing}
        ${this._paused ? html`<div class="stale" role="status">Paused by the customer</div>` : nothing}
        ${this._customerProblem ? html`<div class="stale" role="alert">${this._customerProblem}</div>` : nothing}
        ${this._toast ? html`<div class="toast" role="status">${this._toast}</div>` : nothing}
      </div>
    `;
  }
}

const NOTICE_TITLES: Partial<Record<AgentState, string>> = {
  connecting: 'Connecting to the session',
  'waiting-for-consent': 'Waiting for the customer to accept',
  'waiting-for-customer': 'Waiting for the customer’s page',
  joining: 'Connecting to the customer’s page',
  reconnecting: 'Reconnecting',
  ended: 'Session ended',
  invalid: 'This link does not work',
};

const NOTICE_HINTS: Partial<Record<AgentState, string>> = {
  'waiting-for-consent':
    'The customer sees a prompt explaining what you will see. Their page appears here as soon as they allow it.',
  'waiting-for-customer': 'The customer may be changing pages. The view comes back by itself.',
};

/** The toolbar's words for a change of control. */
function controlNote(
  had: 'none' | 'pending' | 'granted',
  now: 'none' | 'pending' | 'granted',
  by: 'customer' | 'agent' | 'connection',
): string {
  if (now === 'granted') return had === 'granted' ? '' : 'The customer gave you control.';
  if (now === 'pending') return '';
  if (had !== 'granted')
    return by === 'customer' && had === 'pending' ? 'The customer declined to give you control.' : '';
  if (by === 'customer') return 'The customer took back control.';
  if (by === 'agent') return 'You released control.';
  return 'Control ended: the connection to the customer’s page was lost.';
}

function safePath(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname;
  } catch {
    return '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-agent-view': CobrowseAgentView;
  }
}
