/**
 * What the cross-origin frame tests share: the second origin of the test
 * server, the customer's page (this test page itself, see
 * cross-origin-frames.test.ts), a tap on every window message and bridge port,
 * test commands to a framed page, and the mirror's view of a frame.
 */
import { nextFrames, type CustomerPage, type Pipeline } from './pipeline-harness.js';

export const HERE = location.origin;
export const OTHER = `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}`;

/** A test page of test/browser/pages/frames/ on the other origin, told this page's origin as its parent. */
export function framePage(name: string, query = ''): string {
  return `${OTHER}/test/browser/pages/frames/${name}.html?parent=${encodeURIComponent(HERE)}${query}`;
}

/** The customer's page: this test page, with `body` in a wrapper the harness removes at the end. */
export async function page(body: string): Promise<CustomerPage> {
  const root = document.createElement('div');
  root.innerHTML = `<style>iframe{display:block;width:420px;height:260px;border:1px solid #99a}</style><h1>Checkout</h1>${body}`;
  document.body.append(root);
  await nextFrames(window, 2);
  // Pipeline.dispose() removes `frame`: here the wrapper of the page's content.
  return { frame: root as unknown as HTMLIFrameElement, win: window, doc: document };
}

/** Every message any window posts to the customer's window, and every message on a bridge port the page opened. */
export class Traffic {
  readonly window: unknown[] = [];
  readonly ports: unknown[] = [];
  readonly #restore: () => void;

  constructor() {
    window.addEventListener('message', (event) => this.window.push(event.data));
    const Original = window.MessageChannel;
    const ports = this.ports;
    // The bridge runs in this test page's realm: every port it opens is tapped here.
    window.MessageChannel = class extends Original {
      constructor() {
        super();
        this.port1.addEventListener('message', (event) => ports.push(event.data));
      }
    };
    this.#restore = () => (window.MessageChannel = Original);
  }

  restore(): void {
    this.#restore();
  }

  /** Resolves with the next window message matching `test`. */
  async next(customer: CustomerPage, test: (data: unknown) => boolean): Promise<unknown> {
    return new Promise((resolve) => {
      const listener = (event: MessageEvent): void => {
        if (!test(event.data)) return;
        customer.win.removeEventListener('message', listener);
        resolve(event.data);
      };
      customer.win.addEventListener('message', listener);
    });
  }
}

export function answer(name: string): (data: unknown) => boolean {
  return (data) => typeof data === 'object' && data !== null && (data as { testAnswer?: unknown }).testAnswer === name;
}

/** Sends a test command to a framed page and waits for its answer. */
export async function command<T>(
  customer: CustomerPage,
  traffic: Traffic,
  frame: Element,
  test: string,
  value: unknown = '',
): Promise<T> {
  const answered = traffic.next(customer, answer(test));
  (frame as HTMLIFrameElement).contentWindow?.postMessage({ test, value }, OTHER);
  return (await answered) as T;
}

/** Whether a framed widget's page fetched our session code (it does only once the page's capture said hello). */
export async function sessionLoaded(customer: CustomerPage, traffic: Traffic, frame: Element): Promise<boolean> {
  const pong = await command<{ resources: string[] }>(customer, traffic, frame, 'ping');
  return pong.resources.some((path) => path.includes('session-entry'));
}

export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never: ${what}`);
}

export function mirroredFrame(pipeline: Pipeline, id: string): Document | null {
  const iframe = pipeline.mirrorDocument().getElementById(id) as HTMLIFrameElement | null;
  return iframe?.contentDocument ?? null;
}

/** Which of the `known` texts appear in `values` (decoded messages; byte arrays read as UTF-8). */
export function knownTextsIn(values: unknown[], known: readonly string[]): string[] {
  const text = JSON.stringify(values, (_key, value: unknown) =>
    value instanceof Uint8Array ? new TextDecoder().decode(value) : value,
  );
  return known.filter((each) => text.includes(each));
}

/** The pipeline and the traffic tap a cross-origin test made; both are undone after each test. */
export interface CrossOriginRun {
  pipeline: Pipeline | null;
  traffic: Traffic | null;
  /** Anything else a test must undo, run after the pipeline is disposed of. */
  cleanup: (() => void) | null;
}

/** Registers, in the calling `describe`, an `afterEach` that restores the tap and disposes of the pipeline. */
export function crossOriginRun(): CrossOriginRun {
  const run: CrossOriginRun = { pipeline: null, traffic: null, cleanup: null };
  afterEach(() => {
    run.traffic?.restore();
    run.pipeline?.dispose();
    run.cleanup?.();
    run.pipeline = null;
    run.traffic = null;
    run.cleanup = null;
  });
  return run;
}
