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
import { DeflateStream } from '../../shared/deflate-stream.js';
import { TypedEmitter } from '../../shared/event-emitter.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import { msgpackrUnpack } from '../../shared/msgpackr-unpack.js';
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

async function replay(wire: Uint8Array[][], intervalMs: number): Promise<ReplayResult> {
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

let encoded: Uint8Array[][] = [];

Object.assign(window, {
  __replay: {
    load(messages: ChannelMessage[]): number {
      encoded = encode(messages);
      return encoded.reduce((sum, chunks) => sum + chunks.reduce((s, c) => s + c.byteLength, 0), 0);
    },
    run: (intervalMs: number) => replay(encoded, intervalMs),
    /** The console's warm-up (agent/mirror/warm-up.ts), as it runs while the agent waits. */
    warmUp: () => warmUpFirstSnapshot(document.body).done,
  },
});
