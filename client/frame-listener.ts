/**
 * The loader's part of the frame bridge (shared/protocol/frame-bridge.ts), in a page
 * shown inside a cross-origin iframe whose `<cobrowse-session>` lists the
 * pages that may capture it (`parent-origins`). It captures nothing and
 * sends nothing about the page: it says "ready" to the parent window (only
 * to the listed origins), and only when the parent's capture answers with a
 * hello (after that customer's consent; from the parent window, from a
 * listed origin, with a port) does it fetch the session code and start
 * capturing this frame into that port. Checked by hand: the loader carries
 * no schema library.
 */
import { FRAME_BRIDGE_TAG, FRAME_BRIDGE_VERSION } from '../shared/protocol/frame-handshake.js';
import type { FrameHelloData, StartFrame, StartedFrame } from './session-api.js';
import { pristine } from './pristine.js';

/** Captures of this frame at once at most (one per viewer of the parent's session). */
const MAX_CAPTURES = 8;

/** Listens for the parent page's capture; returns a function that stops listening (and any capture). */
export function listenForParentCapture(
  element: HTMLElement,
  origins: readonly string[],
  load: () => Promise<StartFrame>,
): () => void {
  const win = window;
  const parent = win.parent;
  if (parent === win || origins.length === 0) return () => undefined;
  // One capture per hello: the parent runs one capture per viewer, each with its own port; each ends with its frame-stop.
  const started = new Set<StartedFrame>();
  let stopped = false;
  const ready = { cobrowse: FRAME_BRIDGE_TAG, v: FRAME_BRIDGE_VERSION, kind: 'frame-ready' };
  const announce = (origin: string): void => parent.postMessage(ready, origin);
  const onMessage = (event: MessageEvent): void => {
    const data = event.data as { cobrowse?: unknown; v?: unknown; kind?: unknown; assets?: unknown } | null;
    if (
      event.source !== parent ||
      !origins.includes(event.origin) ||
      typeof data !== 'object' ||
      data === null ||
      data.cobrowse !== FRAME_BRIDGE_TAG ||
      data.v !== FRAME_BRIDGE_VERSION
    )
      return;
    if (data.kind === 'frame-probe') announce(event.origin);
    const port = event.ports[0];
    if (data.kind !== 'frame-hello' || port === undefined) return;
    const assets = data.assets;
    const hello: FrameHelloData =
      assets === 'channel' || assets === 'fallback' || assets === 'direct' ? { assets } : {};
    if (started.size >= MAX_CAPTURES) return port.close();
    load().then(
      (start) => {
        if (stopped) return port.close();
        const capture = start({ window: win, port, hello, element, pristine, onStop: () => started.delete(capture) });
        started.add(capture);
      },
      () => port.close(),
    );
  };
  pristine.addEventListener.call(win, 'message', onMessage as EventListener);
  for (const origin of origins) announce(origin);
  return () => {
    stopped = true;
    pristine.removeEventListener.call(win, 'message', onMessage as EventListener);
    for (const capture of started) capture.stop();
    started.clear();
  };
}
