/**
 * Test pages for the capture engine: a same-origin iframe per test, so the
 * engine captures a whole document of its own, and a recording transport.
 */
import type { ChannelMessage } from '../../../shared/protocol.js';

export { nextFrames } from './waits.js';

export interface TestPage {
  frame: HTMLIFrameElement;
  win: Window & typeof globalThis;
  doc: Document;
  remove(): void;
}

/** Loads `html` (a whole document) into a fresh same-origin iframe. */
export async function capturePage(html: string, width = 800, height = 600): Promise<TestPage> {
  const frame = document.createElement('iframe');
  frame.style.width = `${width}px`;
  frame.style.height = `${height}px`;
  document.body.append(frame);
  const loaded = new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
  frame.srcdoc = html;
  await loaded;
  const win = frame.contentWindow as Window & typeof globalThis;
  return { frame, win, doc: win.document, remove: () => frame.remove() };
}

/** A transport that records every message and can refuse (backpressure). */
export class RecordingTransport {
  readonly messages: ChannelMessage[] = [];
  accept = true;
  onSend: ((message: ChannelMessage) => void) | null = null;

  readonly send = (message: ChannelMessage): boolean => {
    if (!this.accept) return false;
    // Deep copy: the engine must not mutate what it handed out.
    this.messages.push(structuredClone(message));
    this.onSend?.(message);
    return true;
  };

  ofType<T extends ChannelMessage['t']>(t: T): Array<Extract<ChannelMessage, { t: T }>> {
    return this.messages.filter((m): m is Extract<ChannelMessage, { t: T }> => m.t === t);
  }

  clear(): void {
    this.messages.length = 0;
  }
}
