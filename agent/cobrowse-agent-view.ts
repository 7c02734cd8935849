import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { token as tokenSchema, type ChannelMessage } from '../shared/protocol.js';
import { Mirror } from './mirror/mirror.js';
import { AgentSession, type AgentState } from './session/agent-session.js';
import { arrowHeadPoints } from '../shared/annotation-shape.js';

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
};

const DRAW_COLOR = '#e11d48';
/** Shorter drags (in the agent's pixels) are clicks, not arrows. */
const MIN_ARROW_LENGTH = 8;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Same words as the session's message for a token the server does not know. */
const MALFORMED_LINK_MESSAGE = 'This link is not valid. Ask for a new co-browsing link.';

/** A drawing in progress: page coordinates for the customer, stage coordinates for our own ink. */
interface Stroke {
  id: string;
  shape: 'path' | 'arrow';
  points: number[];
  stagePoints: number[];
  element: SVGGElement;
}

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
  static override styles = css`
    :host {
      --_accent: var(--cobrowse-accent, #1d4ed8);
      display: flex;
      flex-direction: column;
      height: 100%;
      min-height: 320px;
      font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
      color: #111827;
      background: #e5e7eb;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
      padding: 8px 12px;
      background: #fff;
      border-bottom: 1px solid #d1d5db;
    }
    .status {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      font-weight: 600;
      font-size: 0.9rem;
      padding: 4px 10px;
      border-radius: 999px;
      background: #f3f4f6;
    }
    .status::before {
      content: '';
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: #9ca3af;
    }
    .status[data-state='live']::before {
      background: #16a34a;
    }
    .status[data-state='reconnecting']::before,
    .status[data-state='waiting-for-consent']::before,
    .status[data-state='waiting-for-customer']::before,
    .status[data-state='joining']::before {
      background: #d97706;
    }
    .status[data-state='ended']::before,
    .status[data-state='invalid']::before {
      background: #b91c1c;
    }
    .page {
      flex: 1 1 200px;
      min-width: 0;
      font-size: 0.85rem;
      color: #374151;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .tools {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
    }
    button,
    input {
      font: inherit;
      font-size: 0.875rem;
    }
    button {
      border: 1px solid #6b7280;
      background: #fff;
      color: #111827;
      border-radius: 8px;
      padding: 6px 12px;
      min-height: 36px;
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      background: #1e3a8a;
      border-color: #1e3a8a;
      color: #fff;
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
    button:disabled {
      opacity: 0.55;
      cursor: not-allowed;
    }
    button:focus-visible,
    input:focus-visible {
      outline: 3px solid #f59e0b;
      outline-offset: 2px;
    }
    .nav {
      display: flex;
      gap: 6px;
      align-items: center;
      padding: 6px 12px;
      background: #eff6ff;
      border-bottom: 1px solid #bfdbfe;
      font-size: 0.875rem;
    }
    .nav input {
      flex: 1;
      min-width: 0;
      padding: 6px 8px;
      border: 1px solid #6b7280;
      border-radius: 6px;
    }
    .stage {
      position: relative;
      flex: 1;
      overflow: hidden;
    }
    .frame {
      position: absolute;
      top: 0;
      left: 0;
      transform-origin: 0 0;
      box-shadow: 0 0 0 2px #1e3a8a, 0 12px 32px rgb(0 0 0 / 25%);
      background: #fff;
    }
    .frame iframe {
      border: 0;
      display: block;
      width: 100%;
      height: 100%;
      background: #fff;
    }
    .ink {
      position: absolute;
      inset: 0;
      pointer-events: none;
    }
    .ink.drawing {
      pointer-events: auto;
      cursor: crosshair;
    }
    .ink svg {
      width: 100%;
      height: 100%;
      overflow: visible;
    }
    .cursor {
      position: absolute;
      left: 0;
      top: 0;
      width: 18px;
      height: 18px;
      margin: -2px 0 0 -2px;
      pointer-events: none;
      display: none;
    }
    .ripple {
      position: absolute;
      width: 28px;
      height: 28px;
      margin: -14px 0 0 -14px;
      border-radius: 50%;
      border: 3px solid #2563eb;
      pointer-events: none;
      animation: ripple 600ms ease-out forwards;
    }
    @keyframes ripple {
      to {
        transform: scale(2.2);
        opacity: 0;
      }
    }
    .highlight {
      position: absolute;
      border: 3px solid #f59e0b;
      border-radius: 6px;
      pointer-events: none;
      display: none;
    }
    .notice {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      text-align: center;
      padding: 24px;
      color: #1f2937;
    }
    .notice .card {
      background: #fff;
      border-radius: 14px;
      box-shadow: 0 12px 32px rgb(0 0 0 / 10%);
      padding: 28px 32px;
      max-width: 440px;
    }
    .notice h2 {
      margin: 0 0 8px;
      font-size: 1.15rem;
    }
    .notice p {
      margin: 0;
      color: #374151;
    }
    .notice p.hint {
      margin-top: 8px;
      font-size: 0.9rem;
    }
    .spinner {
      width: 28px;
      height: 28px;
      margin: 0 auto 14px;
      border-radius: 50%;
      border: 3px solid #bfdbfe;
      border-top-color: #1d4ed8;
    }
    @media (prefers-reduced-motion: no-preference) {
      .spinner {
        animation: spin 1s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
    }
    .stale {
      position: absolute;
      top: 10px;
      left: 50%;
      transform: translateX(-50%);
      background: #92400e;
      color: #fff;
      padding: 6px 14px;
      border-radius: 999px;
      font-size: 0.875rem;
      font-weight: 600;
    }
    .toast {
      position: absolute;
      bottom: 12px;
      left: 50%;
      transform: translateX(-50%);
      background: #111827;
      color: #f9fafb;
      padding: 8px 14px;
      border-radius: 8px;
      font-size: 0.875rem;
    }
  `;

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
  #pointerFrame = 0;
  #pendingPointer: { x: number; y: number } | null = null;
  #stroke: Stroke | null = null;
  #toastTimer: ReturnType<typeof setTimeout> | null = null;
  #highlightedId: number | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
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
      onFrameApplied: (frame) => {
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
    session.on('control', ({ granted, pending }) => {
      this._control = granted ? 'granted' : pending ? 'pending' : 'none';
      if (!granted && this._tool === 'control') this._tool = 'pointer';
      if (granted) this._tool = 'control';
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
      case 'error':
        this._customerProblem = message.message;
        return;
      case 'action-refused':
        this.#notify(
          message.reason === 'masked'
            ? 'That field is hidden from you, so it cannot be used remotely.'
            : message.reason === 'no-control'
              ? 'You no longer have control.'
              : 'The customer’s page could not do that.',
        );
        return;
      default:
        return;
    }
  }

  /** Scale the customer's viewport to fit the stage, keeping its aspect ratio. */
  #fit(): void {
    const mirror = this.mirror;
    if (!mirror || !this._stage) return;
    const { w, h } = mirror.viewport;
    if (!w || !h) return;
    const stage = this._stage.getBoundingClientRect();
    const scale = Math.min(1, (stage.width - 24) / w, (stage.height - 24) / h);
    this.#scale = scale > 0 ? scale : 1;
    const left = Math.max(0, (stage.width - w * this.#scale) / 2);
    const top = Math.max(0, (stage.height - h * this.#scale) / 2);
    Object.assign(this._frame.style, { width: `${w}px`, height: `${h}px`, left: `${left}px`, top: `${top}px`, transform: `scale(${this.#scale})` });
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
    return { x: (x - this._frame.offsetLeft) / this.#scale + scroll.x, y: (y - this._frame.offsetTop) / this.#scale + scroll.y };
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

  /** Listeners on the mirror's document run here, in the console; the mirror itself runs no script. */
  #attachMirrorListeners(): void {
    const iframe = this.mirror?.iframe;
    if (!iframe) return;
    let doc: Document | null = null;
    const handlers: [string, EventListener][] = [
      ['pointermove', (e) => this.#onMirrorPointerMove(e as PointerEvent)],
      ['click', (e) => this.#onMirrorClick(e as MouseEvent)],
      ['input', (e) => this.#onMirrorInput(e)],
      ['keydown', (e) => this.#onMirrorKeydown(e as KeyboardEvent)],
      ['wheel', (e) => this.#onMirrorWheel(e as WheelEvent)],
      ['focusin', (e) => this.#onMirrorFocus(e)],
      // pointerleave does not bubble but is captured here for every element left; only leaving the page counts.
      ['pointerleave', (e) => e.target === doc?.documentElement && this.session?.send({ t: 'pointer', x: 0, y: 0, gone: true })],
    ];
    const attach = () => {
      detach();
      doc = iframe.contentDocument;
      for (const [type, handler] of handlers) doc?.addEventListener(type, handler, { capture: true, passive: type !== 'wheel' && type !== 'click' && type !== 'keydown' });
    };
    const detach = () => {
      for (const [type, handler] of handlers) doc?.removeEventListener(type, handler, { capture: true });
      doc = null;
    };
    // Each snapshot may replace the mirror document; re-attach when it does.
    const timer = setInterval(() => {
      if (iframe.contentDocument !== doc) attach();
    }, 250);
    iframe.addEventListener('load', attach);
    attach();
    this.#detachMirrorListeners = () => {
      clearInterval(timer);
      iframe.removeEventListener('load', attach);
      detach();
    };
  }

  #elementId(target: EventTarget | null): number | undefined {
    // The target lives in the mirror's realm, so no instanceof checks against ours.
    return typeof target === 'object' && target !== null && 'nodeType' in target ? this.mirror?.idOf(target as Node) : undefined;
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

  #onMirrorClick(event: MouseEvent): void {
    // Nothing in the mirror navigates or submits; clicks only become tool actions.
    event.preventDefault();
    const id = this.#elementId(event.target);
    if (id === undefined || this._state !== 'live') return;
    if (this._tool === 'highlight') {
      this.#highlightedId = this.#highlightedId === id ? null : id;
      this.session?.send({ t: 'highlight', id: this.#highlightedId, label: 'Look here' });
      this.#placeHighlight();
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
    this.session?.act({ kind: 'input', id, v: String(target.value ?? target.textContent ?? '') });
  }

  #onMirrorKeydown(event: KeyboardEvent): void {
    const id = this.#elementId(event.target);
    const controlling = this._tool === 'control' && this._control === 'granted';
    if (!controlling || id === undefined || this.mirror?.isMasked(id)) {
      // Without control, typing in the mirror would only change the agent's copy.
      if (!event.ctrlKey && !event.metaKey && event.key !== 'Tab') event.preventDefault();
      return;
    }
    if (event.key === 'Enter' || event.key === 'Escape' || event.key === 'Tab') {
      this.session?.act({ kind: 'key', id, key: event.key, code: event.code, shift: event.shiftKey });
    }
  }

  #onMirrorWheel(event: WheelEvent): void {
    if (this._tool !== 'control' || this._control !== 'granted') {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    const scroll = this.mirror?.scroll ?? { x: 0, y: 0 };
    this.session?.act({ kind: 'scroll', id: 0, x: Math.max(0, scroll.x + event.deltaX), y: Math.max(0, scroll.y + event.deltaY) });
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

  #onInkDown(event: PointerEvent): void {
    if ((this._tool !== 'draw' && this._tool !== 'arrow') || this._state !== 'live') return;
    const shape = this._tool === 'arrow' ? 'arrow' : 'path';
    const group = document.createElementNS(SVG_NS, 'g');
    group.setAttribute('data-shape', shape);
    const line = document.createElementNS(SVG_NS, 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', DRAW_COLOR);
    line.setAttribute('stroke-width', '4');
    line.setAttribute('stroke-linecap', 'round');
    line.setAttribute('stroke-linejoin', 'round');
    group.append(line);
    if (shape === 'arrow') {
      const head = document.createElementNS(SVG_NS, 'polygon');
      head.setAttribute('fill', DRAW_COLOR);
      group.append(head);
    }
    this._ink.append(group);
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    this.#stroke = { id, shape, points: [], stagePoints: [], element: group };
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    this.#addInkPoint(event);
  }

  #onInkMove(event: PointerEvent): void {
    if (this.#stroke) this.#addInkPoint(event);
  }

  #onInkUp(): void {
    const stroke = this.#stroke;
    this.#stroke = null;
    if (!stroke) return;
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = stroke.stagePoints;
    const tooShort = stroke.shape === 'arrow' ? stroke.stagePoints.length < 4 || Math.hypot(x1 - x0, y1 - y0) < MIN_ARROW_LENGTH : stroke.points.length < 4;
    if (tooShort) {
      stroke.element.remove();
      return;
    }
    this.session?.send({ t: 'annotation', id: stroke.id, shape: stroke.shape, points: stroke.points, color: DRAW_COLOR });
    setTimeout(() => {
      stroke.element.style.transition = 'opacity 800ms';
      stroke.element.style.opacity = '0';
      setTimeout(() => stroke.element.remove(), 900);
    }, 6_000);
  }

  /** A path grows point by point; an arrow keeps its start and moves its end. */
  #addInkPoint(event: PointerEvent): void {
    const stroke = this.#stroke;
    if (!stroke || stroke.points.length >= 20_000) return;
    const stage = this._stage.getBoundingClientRect();
    const stageX = event.clientX - stage.left;
    const stageY = event.clientY - stage.top;
    const page = this.#toPage(stageX, stageY);
    const pagePoint = [Math.round(page.x), Math.round(page.y)];
    if (stroke.shape === 'arrow' && stroke.points.length >= 2) {
      stroke.points.splice(2, 2, ...pagePoint);
      stroke.stagePoints.splice(2, 2, stageX, stageY);
    } else {
      stroke.points.push(...pagePoint);
      stroke.stagePoints.push(stageX, stageY);
    }
    this.#drawStroke(stroke);
  }

  #drawStroke(stroke: Stroke): void {
    const coords: string[] = [];
    for (let i = 0; i + 1 < stroke.stagePoints.length; i += 2) coords.push(`${stroke.stagePoints[i]},${stroke.stagePoints[i + 1]}`);
    stroke.element.querySelector('polyline')?.setAttribute('points', coords.join(' '));
    const head = stroke.element.querySelector('polygon');
    const [x1, y1, x2, y2] = stroke.stagePoints;
    if (!head || x1 === undefined || y1 === undefined || x2 === undefined || y2 === undefined) return;
    head.setAttribute('points', arrowHeadPoints(x1, y1, x2, y2));
  }

  #clearDrawings(): void {
    this._ink?.replaceChildren();
    this.session?.send({ t: 'annotation-clear' });
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
    const waiting = !['ended', 'invalid'].includes(this._state);
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
    const stale = this._hasView && (this._state === 'reconnecting' || this._state === 'waiting-for-customer' || this._state === 'joining');
    return html`
      <header part="toolbar">
        <span class="status" data-state=${this._state} role="status">${STATE_LABELS[this._state]}</span>
        <span class="page" title=${this._page.url}>${this._page.title ? html`<strong>${this._page.title}</strong> · ` : nothing}${path}</span>
        <div class="tools" role="toolbar" aria-label="Guidance tools">
          ${this.#toolButton('pointer', 'Pointer', !live)} ${this.#toolButton('highlight', 'Highlight', !live)}
          ${this.#toolButton('draw', 'Draw', !live)} ${this.#toolButton('arrow', 'Arrow', !live)}
          <button type="button" ?disabled=${!live} @click=${() => this.#clearDrawings()}>Clear drawings</button>
          ${this._control === 'granted'
            ? html`${this.#toolButton('control', 'Control')}
                <button type="button" @click=${() => this.session?.releaseControl()}>Release control</button>`
            : html`<button type="button" class="primary" ?disabled=${!live || this._control === 'pending'} @click=${() => this.session?.requestControl()}>
                ${this._control === 'pending' ? 'Waiting for permission…' : 'Request control'}
              </button>`}
          <button type="button" class="danger" ?disabled=${this._state === 'ended' || this._state === 'invalid'} @click=${() => this.session?.end()}>
            End session
          </button>
        </div>
      </header>
      ${this._control === 'granted'
        ? html`<form class="nav" @submit=${(e: SubmitEvent) => this.#onNavigate(e)} aria-label="Navigate the customer's tab">
            <span>You have control.</span>
            <button type="button" @click=${() => this.session?.act({ kind: 'navigate', to: 'back' })} aria-label="Back">←</button>
            <button type="button" @click=${() => this.session?.act({ kind: 'navigate', to: 'forward' })} aria-label="Forward">→</button>
            <label for="nav-url" class="visually-hidden" style="position:absolute;left:-9999px">Go to a page on the customer's site</label>
            <input id="nav-url" name="url" type="text" placeholder="/path on the customer's site" .value=${path} />
            <button type="submit">Go</button>
          </form>`
        : nothing}
      <div class="stage" part="stage">
        <div class="frame" ?hidden=${!this._hasView}></div>
        <div class="highlight" aria-hidden="true"></div>
        <div
          class=${this._tool === 'draw' || this._tool === 'arrow' ? 'ink drawing' : 'ink'}
          @pointerdown=${(e: PointerEvent) => this.#onInkDown(e)}
          @pointermove=${(e: PointerEvent) => this.#onInkMove(e)}
          @pointerup=${() => this.#onInkUp()}
          @pointercancel=${() => this.#onInkUp()}
        >
          <svg aria-hidden="true"></svg>
        </div>
        <svg class="cursor" viewBox="0 0 18 18" aria-hidden="true"><path d="M1 1 L1 15 L5 11 L8 17 L10.5 16 L7.5 10 L13 10 Z" fill="#111827" stroke="#fff" stroke-width="1.2" /></svg>
        ${!this._hasView || this._state === 'ended' || this._state === 'invalid' ? this.#renderNotice() : nothing}
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
