/**
 * Agent replay page bundle (bench/agent-replay.ts): a customer's recorded
 * snapshot messages, encoded once by a customer-side CobrowseChannel (wire
 * layout, msgpack, deflate, chunks), then fed to an agent-side channel and a
 * Mirror as the console wires them, one data channel message per task, at a
 * fixed pace. Measures the agent alone, without WebRTC or the customer's
 * capture competing for the machine.
 */
import { Mirror } from '../../agent/mirror/mirror.js';
import { warmUpFirstSnapshot } from '../../agent/mirror/warm-up.js';
import { CobrowseChannel } from '../../shared/channel.js';
import type { NodeListReader } from '../../shared/codec.js';
import { DeflateStream } from '../../shared/deflate-stream.js';
import { TypedEmitter } from '../../shared/event-emitter.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import { msgpackrUnpack } from '../../shared/msgpackr-unpack.js';
// A namespace, read below: the harness is copied into older trees to compare with (REPLAY_BASE_TREE), some without it.
import * as nodeListDecode from '../../shared/node-list-decode.js';
import { isDomFrame, type ChannelMessage } from '../../shared/protocol.js';
import type { PeerEvents, PeerTransport } from '../../shared/peer-transport.js';

/** A data channel stand-in: what is sent is kept, what is delivered is emitted as 'data'. */
class ReplayPeer extends TypedEmitter<PeerEvents> {
  readonly sent: Uint8Array[] = [];
  readonly bufferedAmount = 0;
  readonly connected = true;
  signal(): void {}
  send(bytes: Uint8Array): void {
    this.sent.push(bytes.slice());
  }
  close(): void {}
  selectedCandidatePair(): Promise<null> {
    return Promise.resolve(null);
  }
}

/** Each message's chunks, as the customer's channel put them on the data channel. */
function encode(messages: ChannelMessage[]): Uint8Array[][] {
  const peer = new ReplayPeer();
  const channel = new CobrowseChannel(peer as PeerTransport, {
    role: 'customer',
    deflater: () => new DeflateStream({ level: 9 }),
  });
  const out: Uint8Array[][] = [];
  for (const message of messages) {
    const before = peer.sent.length;
    channel.send(message);
    out.push(peer.sent.slice(before));
  }
  return out;
}

export interface ReplayResult {
  /** First message delivered → the snapshot built and shown (the mirror's own mark). */
  totalMs: number;
  /** First message delivered → the frame showing it painted. */
  paintedMs: number;
  /** Last message delivered → shown. */
  lastToShownMs: number;
  /** Main-thread time inside the agent channel's message handling (decode + first slice), summed. */
  messageMs: number;
  slices: number;
  layouts: number;
}

/** A task, as a data channel message is one. */
function task(run: () => void, delayMs: number): void {
  if (delayMs > 0) setTimeout(run, delayMs);
  else {
    const port = new MessageChannel();
    port.port1.onmessage = () => {
      port.port1.close();
      run();
    };
    port.port2.postMessage(null);
  }
}

let pendingTeardown: (() => void) | null = null;

/** Removes the last run's mirror (bench/agent-replay.ts does it after the run's trace). */
function tearDown(): void {
  pendingTeardown?.();
  pendingTeardown = null;
}

async function replay(
  wire: Uint8Array[][],
  intervalMs: number,
  stage: string,
  inspect?: (container: HTMLElement) => Promise<void>,
): Promise<ReplayResult> {
  tearDown();
  const outer = document.createElement('div');
  outer.style.cssText = 'position:fixed;top:0;left:0;z-index:2147483647;width:1280px;height:800px;overflow:hidden';
  const container = document.createElement('div');
  outer.append(container);
  document.body.append(outer);
  const hides = new Set(stage.split(',').filter((flag) => flag !== ''));
  if (hides.size > 0) {
    // The console's stage (cobrowse-agent-view.ts, agent-view-styles.ts): the frame is hidden until shown.
    container.style.cssText = 'position:absolute;top:0;left:0;transform-origin:0 0;background:#fff';
    if (hides.has('opacity')) container.style.opacity = '0';
    if (hides.has('visibility')) container.style.visibility = 'hidden';
    if (hides.has('pointer')) container.style.pointerEvents = 'none';
    if (hides.has('inert')) container.inert = true;
    if (hides.has('aria')) container.setAttribute('aria-hidden', 'true');
    if (hides.has('early-transform')) container.style.transform = 'scale(1)';
  }
  /**
   * What the console does once the final part is applied (its stage-view-controller and a Lit update):
   * sizes and scales the frame (early-transform: scale(1) from the start, as the console now does at part 0),
   * re-adds its blocking wheel listener (wheel-resync), and shows it.
   */
  const reveal = (): void => {
    if (hides.size === 0) return;
    const doc = mirror.iframe.contentDocument;
    if (hides.has('wheel-resync') && doc) {
      doc.removeEventListener('wheel', onWheel, { capture: true });
      doc.addEventListener('wheel', onWheel, { capture: true, passive: false });
    }
    const w = Number.parseFloat(mirror.iframe.style.width) || 1;
    const h = Number.parseFloat(mirror.iframe.style.height) || 1;
    const scale = Math.min(1, (outer.clientWidth - 32) / w, (outer.clientHeight - 32) / h);
    Object.assign(container.style, {
      width: `${w}px`,
      height: `${h}px`,
      left: `${(outer.clientWidth - w * scale) / 2}px`,
      top: `${(outer.clientHeight - h * scale) / 2}px`,
      transform: `scale(${scale})`,
    });
    queueMicrotask(() => {
      container.style.opacity = '';
      container.style.visibility = '';
      container.style.pointerEvents = '';
      container.inert = false;
      container.removeAttribute('aria-hidden');
    });
  };
  let shown = 0;
  let resolveShown: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveShown = resolve));
  // The console's listeners on the mirror's document (mirror-listeners.ts): a blocking wheel listener among them.
  const onWheel = (): void => {};
  const mirror = new Mirror({
    container,
    onResyncNeeded: () => {},
    onDocumentPrepared: (doc) => {
      if (hides.has('wheel') || hides.has('wheel-resync'))
        doc.addEventListener('wheel', onWheel, { capture: true, passive: false });
    },
    onFrameApplied: (frame) => {
      if (frame.t === 'snapshot' && frame.final && shown === 0) {
        shown = performance.now();
        reveal();
        resolveShown();
      }
    },
  });
  const peer = new ReplayPeer();
  const channel = new CobrowseChannel(peer as PeerTransport, {
    role: 'agent',
    inflater: inflateStream,
    unpack: msgpackrUnpack(),
    nodeLists: (nodeListDecode as { columnarNodeLists?: NodeListReader }).columnarNodeLists,
  });
  channel.on('message', (message) => {
    if (isDomFrame(message)) mirror.apply(message);
    else if (message.t === 'asset' || message.t === 'asset-data') mirror.applyAsset(message);
  });
  let messageMs = 0;
  let first = 0;
  let last = 0;
  const start = performance.now();
  wire.forEach((chunks, i) => {
    const deliver = (): void => {
      const at = performance.now();
      if (i === 0) first = at;
      for (const chunk of chunks) peer.emit('data', chunk);
      const end = performance.now();
      messageMs += end - at;
      if (i === wire.length - 1) last = at;
    };
    const due = start + i * intervalMs;
    task(deliver, Math.max(0, due - performance.now()));
  });
  await done;
  // The frame that shows it: its style, layout and paint (a task after the animation frame).
  await new Promise<void>((resolve) => requestAnimationFrame(() => task(resolve, 0)));
  const painted = performance.now();
  // The frame that first paints a frame shown after a throttled build can come a frame or two later (the
  // frame's throttling is updated in a rendering update): a few more, so the caller's trace holds it.
  for (let i = 0; i < 12; i++) await new Promise<void>((resolve) => requestAnimationFrame(() => task(resolve, 0)));
  await inspect?.(container);
  const stats = mirror.stats;
  // Removing a 100k-node mirror is one long task of its own (90 ms): not part of the run.
  pendingTeardown = () => {
    mirror.destroy();
    outer.remove();
  };
  if (inspect) tearDown();
  return {
    totalMs: shown - first,
    paintedMs: painted - first,
    lastToShownMs: shown - last,
    messageMs,
    slices: stats.buildSlices,
    layouts: stats.buildLayouts,
  };
}

/**
 * The built mirror as text, by a plain walk that shares no code with the
 * mirror: every node in order with its name, attributes (in order), text,
 * form state (value, checked, selected), open shadow roots, frame documents
 * and adopted sheets. bench/mirror-same.ts compares two trees' texts.
 */
function describeMirror(doc: Document): string {
  const out: string[] = [];
  const sheets = (root: Document | ShadowRoot): void => {
    for (const sheet of root.adoptedStyleSheets)
      out.push(`adopted ${[...sheet.cssRules].map((rule) => rule.cssText).join(' ')}`);
  };
  const walk = (node: Node, depth: number): void => {
    const pad = ' '.repeat(depth);
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      const attributes = [...el.attributes].map((a) => `${a.namespaceURI ?? ''}|${a.name}=${JSON.stringify(a.value)}`);
      out.push(`${pad}<${el.namespaceURI ?? ''}|${el.localName} ${attributes.join(' ')}>`);
      if (el instanceof HTMLInputElement) out.push(`${pad} value=${JSON.stringify(el.value)} checked=${el.checked}`);
      if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)
        out.push(`${pad} value=${JSON.stringify(el.value)}`);
      if (el instanceof HTMLOptionElement) out.push(`${pad} selected=${el.selected}`);
      if (el instanceof HTMLStyleElement && el.sheet)
        out.push(`${pad} rules ${[...el.sheet.cssRules].map((rule) => rule.cssText).join(' ')}`);
      if (el.shadowRoot) {
        out.push(`${pad} #shadow`);
        sheets(el.shadowRoot);
        for (const child of el.shadowRoot.childNodes) walk(child, depth + 2);
      }
      if (el instanceof HTMLIFrameElement && el.contentDocument) {
        out.push(`${pad} #document`);
        sheets(el.contentDocument);
        for (const child of el.contentDocument.childNodes) walk(child, depth + 2);
      }
    } else if (node.nodeType === Node.DOCUMENT_TYPE_NODE) {
      out.push(`${pad}<!doctype ${(node as DocumentType).name}>`);
    } else {
      out.push(`${pad}${node.nodeName} ${JSON.stringify(node.nodeValue)}`);
    }
    for (const child of node.childNodes) walk(child, depth + 1);
  };
  out.push(`mode ${doc.compatMode}`);
  sheets(doc);
  for (const child of doc.childNodes) walk(child, 0);
  return out.join('\n');
}

/** Builds the snapshot once, all messages at once, and describes the mirror it built. */
async function dump(wire: Uint8Array[][]): Promise<string> {
  let text = '';
  await replay(wire, 0, '', async (container) => {
    const doc = container.querySelector('iframe')?.contentDocument;
    if (!doc) {
      text = 'no mirror document';
      return;
    }
    // Images whose asset message is still being applied show the 1×1 stand-in: wait (a bounded
    // number of tasks) until none does, so two trees are described in the same state.
    for (let i = 0; i < 200 && [...doc.images].some((img) => img.src.startsWith('data:image/gif;base64,R0lGOD')); i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    text = describeMirror(doc);
  });
  return text;
}

let encoded: Uint8Array[][] = [];

Object.assign(window, {
  __replay: {
    load(messages: ChannelMessage[]): number {
      encoded = encode(messages);
      return encoded.reduce((sum, chunks) => sum + chunks.reduce((s, c) => s + c.byteLength, 0), 0);
    },
    run: (intervalMs: number, stage = '') => replay(encoded, intervalMs, stage),
    tearDown,
    dump: () => dump(encoded),
    /** The console's warm-up (agent/mirror/warm-up.ts), as it runs while the agent waits. */
    warmUp: () => warmUpFirstSnapshot(document.body).done,
  },
});
