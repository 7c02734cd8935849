/**
 * What the capture sends beside the DOM: canvas pixels (canvas.ts) and the
 * page's assets (assets.ts). One object the engine holds, so the engine only
 * tells it when a run starts, a canvas goes out or a DOM frame was sent.
 */
import { isDomFrame, type ChannelMessage } from '../../shared/protocol.js';
import { AssetSender, type AssetMessage, type AssetStats } from './assets.js';
import { FrameAssetGate } from './frame-assets.js';
import { CanvasCapture, type CanvasCaptureHooks, type CanvasStats } from './canvas.js';
import type { CaptureEngineOptions } from './capture-options.js';
import type { MaskDecision } from './mask.js';
import type { CanvasTextRules } from './canvas-text.js';

export interface PageBytesHooks extends CanvasCaptureHooks {
  run: () => {
    ids: { idOf(node: Node): number | undefined; nodeOf(id: number): Node | undefined };
    serializer: {
      decideNow(el: Element): MaskDecision;
      decisionOf(el: Element): MaskDecision;
      typing: CanvasTextRules;
    };
  };
}

export class PageBytes {
  readonly canvas: CanvasCapture;
  readonly assets: AssetSender;
  readonly #send: (message: ChannelMessage) => boolean;
  readonly #frameAssets: FrameAssetGate;

  constructor(hooks: PageBytesHooks, options: CaptureEngineOptions) {
    this.#send = options.send;
    this.canvas = new CanvasCapture(hooks, options.canvas);
    this.assets = new AssetSender(
      {
        window: hooks.window,
        run: hooks.run,
        send: options.send,
        backlog: options.backlogBytes ?? (() => 0),
        errors: hooks.errors,
      },
      options.assets,
    );
    const assets = this.assets;
    this.#frameAssets = new FrameAssetGate({
      policy: assets.policy,
      charge: (bytes) => assets.charge(bytes),
      enqueue: (message) => assets.enqueue(message),
    });
  }

  /** An asset message of a joined cross-origin frame: within this page's budget, at this page's pace. */
  forwardAsset(message: AssetMessage): boolean {
    this.#frameAssets.forward(message);
    return true;
  }

  /** A frame's DOM frames are being forwarded (frame-bridge.ts): that frame sends its own assets. */
  #forwarding = false;

  /** Hands `message` to the transport; once a DOM frame is taken, the assets it refers to follow. */
  send(message: ChannelMessage): boolean {
    const sent = this.#send(message);
    if (sent && !this.#forwarding && isDomFrame(message)) this.assets.noteFrame(message);
    return sent;
  }

  /** Runs `send` for a cross-origin frame's content: its assets are that frame's to send, not this page's. */
  forwarding(send: () => boolean): boolean {
    this.#forwarding = true;
    try {
      return send();
    } finally {
      this.#forwarding = false;
    }
  }

  get stats(): { canvas: CanvasStats; assets: AssetStats } {
    return { canvas: { ...this.canvas.stats }, assets: this.assets.stats };
  }

  stop(): void {
    this.canvas.stop();
    this.assets.stop();
  }
}
