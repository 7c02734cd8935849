/**
 * The frame's side of the bridge (shared/protocol/frame-bridge.ts): a cross-origin
 * iframe whose page embeds our script, joined by the capture of the page
 * around it. Runs the same capture engine, with this frame's own masking
 * rules (its `<cobrowse-session>`'s mask and block selectors), so masking
 * happens here, in the frame that owns the data; what leaves goes only into
 * the private port the page handed over in its hello, after the page's
 * customer consented. The page's `frame-stop` (the session ended or paused)
 * ends it.
 */
import { frameControl } from '../../shared/protocol/frame-bridge.js';
import type { FrameHelloData } from '../session-api.js';
import { CaptureEngine } from './capture-engine.js';
import { assetOptionsFrom } from './assets.js';
import { canvasOptionsFrom } from './canvas.js';
import { frameOptionsFrom } from './frame-bridge.js';
import { pristine } from '../pristine.js';

export interface FrameCaptureOptions {
  window: Window;
  /** The port from the page's hello: the only way out. */
  port: MessagePort;
  hello: FrameHelloData;
  /** This frame's `<cobrowse-session>`: its attributes are this frame's rules, and it is never captured. */
  element: HTMLElement;
  /** The capture ended (the page's frame-stop, or stop()). */
  onStop?: () => void;
}

export interface FrameCaptureHandle {
  stop(): void;
  readonly engine: CaptureEngine;
}

function selectors(element: Element, name: string): string[] {
  return (pristine.getAttribute.call(element, name) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Starts capturing this frame into the page's port. */
export function startFrameCapture(options: FrameCaptureOptions): FrameCaptureHandle {
  const { port, element } = options;
  const win = options.window;
  let stopped = false;
  const assets = assetOptionsFrom(element);
  if (options.hello.assets !== undefined) assets.policy = options.hello.assets;
  const frames = frameOptionsFrom(element);
  const engine = new CaptureEngine({
    window: win,
    // A port has no backpressure of its own: the page's transport decides, and restarts this stream when it drops frames.
    send: (message) => {
      if (stopped) return false;
      port.postMessage(message);
      return true;
    },
    mask: {
      extraMaskSelectors: selectors(element, 'mask-selectors'),
      extraBlockSelectors: selectors(element, 'block-selectors'),
    },
    canvas: canvasOptionsFrom(element),
    assets,
    frames,
    isOwnUi: (node) => node === element || pristine.contains.call(element, node),
  });
  const onPageHide = (): void => {
    if (stopped) return;
    try {
      port.postMessage({ t: 'frame-gone' });
    } catch {
      // The port is gone with the page.
    }
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    engine.stop();
    pristine.removeEventListener.call(win, 'pagehide', onPageHide);
    port.onmessage = null;
    port.close();
    options.onStop?.();
  };
  port.onmessage = (event: MessageEvent) => {
    const control = frameControl.safeParse(event.data);
    if (!control.success) return;
    if (control.data.t === 'frame-stop') stop();
    else void engine.resync();
  };
  pristine.addEventListener.call(win, 'pagehide', onPageHide);
  void engine.start();
  return { stop, engine };
}
