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

async function replay(
  wire: Uint8Array[][],
  intervalMs: number,
  inspect?: (container: HTMLElement) => Promise<void>,
): Promise<ReplayResult> {
  const container = document.createElement('div');
  container.style.cssText = 'width:1280px;height:800px;overflow:hidden';
  document.body.append(container);
  let shown = 0;
  let resolveShown: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveShown = resolve));
  const mirror = new Mirror({
    container,
    onResyncNeeded: () => {},
    onFrameApplied: (frame) => {
      if (frame.t === 'snapshot' && frame.final && shown === 0) {
        shown = performance.now();
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
  await inspect?.(container);
  const stats = mirror.stats;
  mirror.destroy();
  container.remove();
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
  await replay(wire, 0, async (container) => {
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
    run: (intervalMs: number) => replay(encoded, intervalMs),
    dump: () => dump(encoded),
    /** The console's warm-up (agent/mirror/warm-up.ts), as it runs while the agent waits. */
    warmUp: () => warmUpFirstSnapshot(document.body).done,
  },
});
