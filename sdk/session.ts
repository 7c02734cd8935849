/**
 * A joined session from Node: keeps the page model current from the
 * customer's frames, asks for a resync on a gap, follows control, and sends
 * guidance and actions under the same rules as a person in the console.
 */
import { TypedEmitter } from '../shared/event-emitter.js';
import { isDomFrame, type ChannelMessage, type EndReason, type RemoteAction } from '../shared/protocol.js';
import { ActionError, guidanceRefusal, remoteActionRefusal } from './action-rules.js';
import type { AgentConnection } from './connection.js';
import { PageModel, type ModelChange } from './page-model.js';
import { PageView, type PageField } from './page-view.js';

export interface AgentSessionEvents {
  /** A new page (a full snapshot) or a same-document navigation. */
  page: { url: string; title: string };
  /** Any change applied to the model. */
  change: ModelChange;
  mutations: Extract<ModelChange, { kind: 'mutations' }>;
  scroll: Extract<ModelChange, { kind: 'scroll' }>;
  /** Control granted or taken back by the customer (or lost with the connection). */
  control: { granted: boolean };
  /** The data channel to the customer's page opened or was lost (the customer is changing page). */
  connection: { live: boolean };
  /** The customer's page refused an action (or a denied control request). */
  error: ActionError;
  end: { reason: EndReason | 'refused'; detail: string };
}

const DRAW_COLOR = '#e8590c';

export class AgentSdkSession extends TypedEmitter<AgentSessionEvents> {
  /** The raw model (nodes by id); `page` is the readable view of it. */
  readonly model = new PageModel();
  readonly page = new PageView(this.model);
  readonly #connection: AgentConnection;
  #controlGranted = false;
  #ended: { reason: EndReason | 'refused'; detail: string } | null = null;
  #annotations = 0;

  constructor(connection: AgentConnection) {
    super();
    this.#connection = connection;
    connection.on('message', (message) => this.#onMessage(message));
    connection.on('open', () => this.emit('connection', { live: true }));
    connection.on('lost', () => {
      this.#setControl(false);
      this.emit('connection', { live: false });
    });
    connection.on('ended', (ended) => {
      this.#ended = ended;
      this.#setControl(false);
      this.emit('end', ended);
    });
  }

  /** Whether a data channel to the customer's page is open now. */
  get live(): boolean {
    return this.#connection.open;
  }

  get controlGranted(): boolean {
    return this.#controlGranted;
  }

  get ended(): boolean {
    return this.#ended !== null;
  }

  /**
   * Resolves once `condition` holds on the model (checked now and after every
   * change); rejects when the session ends first or after `timeoutMs`.
   */
  until(condition: (page: PageView) => boolean, options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const check = (): boolean => this.model.snapshots > 0 && condition(this.page);
      if (check()) {
        resolve();
        return;
      }
      const stop = (): void => {
        offChange();
        offEnd();
        clearTimeout(timer);
      };
      const offChange = this.on('change', () => {
        if (!check()) return;
        stop();
        resolve();
      });
      const offEnd = this.on('end', ({ detail }) => {
        stop();
        reject(new Error(`The session ended: ${detail}`));
      });
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`The page did not reach the expected state within ${timeoutMs} ms.`));
      }, timeoutMs);
    });
  }

  /** The field with this label (see PageView.field); rejects after `timeoutMs` if none appears. */
  async field(label: string | RegExp, options: { timeoutMs?: number } = {}): Promise<PageField> {
    await this.until((page) => page.field(label) !== undefined, options);
    const found = this.page.field(label);
    if (!found) throw new ActionError('not-found', `No field labelled ${String(label)}.`);
    return found;
  }

  // -------------------------------------------------------------------------
  // Guidance: allowed while live, no control needed.

  /** Show our pointer at page coordinates (`click` shows a ripple). */
  pointer(x: number, y: number, options: { click?: boolean } = {}): void {
    this.#guidance({ t: 'pointer', x, y, ...(options.click ? { click: true } : {}) });
  }

  /** Hide our pointer. */
  hidePointer(): void {
    this.#guidance({ t: 'pointer', x: 0, y: 0, gone: true });
  }

  /** Outline a node on the customer's page (null clears it). */
  highlight(id: number | null, label?: string): void {
    const refusal = guidanceRefusal({ live: this.live, model: this.model }, id ?? undefined);
    if (refusal) throw refusal;
    this.#connection.send({ t: 'highlight', id, ...(label ? { label } : {}) });
  }

  /** A freehand mark (page coordinates); it fades on the customer's page. */
  draw(points: readonly (readonly [number, number])[], color = DRAW_COLOR): string {
    return this.#annotate('path', points, color);
  }

  /** An arrow from one page point to another. */
  arrow(from: readonly [number, number], to: readonly [number, number], color = DRAW_COLOR): string {
    return this.#annotate('arrow', [from, to], color);
  }

  clearDrawings(): void {
    this.#guidance({ t: 'annotation-clear' });
  }

  /** Ask the customer for control; resolves true when granted, false when denied or the session ends. */
  requestControl(): Promise<boolean> {
    if (this.#controlGranted) return Promise.resolve(true);
    const refusal = guidanceRefusal({ live: this.live, model: this.model });
    if (refusal) return Promise.reject(refusal);
    return new Promise((resolve) => {
      const offs = [
        this.on('control', ({ granted }) => {
          if (!granted) return;
          offs.forEach((off) => off());
          resolve(true);
        }),
        this.on('error', (error) => {
          if (error.code !== 'no-control') return;
          offs.forEach((off) => off());
          resolve(false);
        }),
        this.on('end', () => {
          offs.forEach((off) => off());
          resolve(false);
        }),
      ];
      this.#connection.report('control-requested');
      this.#connection.send({ t: 'control-request' });
    });
  }

  /** Hand control back to the customer. */
  releaseControl(): void {
    if (!this.#controlGranted) return;
    this.#connection.send({ t: 'control-revoke' });
    this.#connection.report('control-revoked');
    this.#setControl(false);
  }

  // -------------------------------------------------------------------------
  // Remote actions: only with control, never into masked fields.

  click(id: number): void {
    this.#act({ kind: 'click', id });
  }

  /** Replace a field's value, as typing it would. */
  type(id: number, text: string): void {
    this.#act({ kind: 'input', id, value: text });
  }

  /** Press one key in a field (Enter submits its form, as on the customer's page). */
  press(id: number, key: string): void {
    this.#act({ kind: 'key', id, key });
  }

  /** Choose a select's option by its value or its text. */
  select(id: number, option: string): void {
    const field = this.page.fields().find((candidate) => candidate.id === id);
    if (field && field.tag !== 'select') throw new ActionError('invalid', `Element ${id} is not a select.`);
    const match = field?.options.find((candidate) => candidate.value === option || candidate.text === option);
    if (field && !field.masked && !match) throw new ActionError('invalid', `The select has no option ${option}.`);
    this.#act({ kind: 'input', id, value: match?.value ?? option });
  }

  /** Go to another page of the same site, or 'back' / 'forward' / 'reload'. */
  navigate(to: string): void {
    this.#act({ kind: 'navigate', to });
  }

  scrollTo(x: number, y: number, id = 0): void {
    this.#act({ kind: 'scroll', id, x, y });
  }

  /** End the session for both sides. */
  end(): void {
    this.#connection.end();
  }

  /** Leave without ending the session (a person can join with the same link). */
  leave(): void {
    this.#connection.close();
  }

  #act(action: RemoteAction): void {
    const refusal = remoteActionRefusal(action, {
      live: this.live,
      controlGranted: this.#controlGranted,
      model: this.model,
    });
    if (refusal) throw refusal;
    if (!this.#connection.send({ t: 'action', action }))
      throw new ActionError('not-live', 'The action could not be sent.');
  }

  #guidance(message: ChannelMessage): void {
    const refusal = guidanceRefusal({ live: this.live, model: this.model });
    if (refusal) throw refusal;
    this.#connection.send(message);
  }

  #annotate(shape: 'path' | 'arrow', points: readonly (readonly [number, number])[], color: string): string {
    this.#annotations += 1;
    const id = `sdk-${this.#annotations}`;
    this.#guidance({ t: 'annotation', id, shape, points: points.flatMap(([x, y]) => [x, y]), color });
    return id;
  }

  #onMessage(message: ChannelMessage): void {
    if (isDomFrame(message)) {
      const outcome = this.model.apply(message);
      if (outcome.status === 'resync') this.#connection.send({ t: 'resync', lastSeq: outcome.lastSeq });
      if (outcome.status !== 'applied') return;
      const change = outcome.change;
      this.emit('change', change);
      if (change.kind === 'snapshot' || change.kind === 'nav')
        this.emit('page', { url: this.model.url, title: this.model.title });
      if (change.kind === 'mutations') this.emit('mutations', change);
      if (change.kind === 'scroll') this.emit('scroll', change);
      return;
    }
    switch (message.t) {
      case 'control-grant':
        this.#setControl(true);
        return;
      case 'control-deny':
        this.emit('error', new ActionError('no-control', 'The customer declined to give control.', 'customer'));
        return;
      case 'control-revoke':
        this.#setControl(false);
        return;
      case 'action-refused':
        this.emit(
          'error',
          new ActionError(
            message.reason,
            `The customer’s page refused the ${message.kind} action (${message.reason}).`,
            'customer',
          ),
        );
        return;
      default:
        return;
    }
  }

  #setControl(granted: boolean): void {
    if (this.#controlGranted === granted) return;
    this.#controlGranted = granted;
    this.emit('control', { granted });
  }
}
