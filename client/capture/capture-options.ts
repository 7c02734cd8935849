/** What the capture engine is given, and the counters it reports (capture-engine.ts). */
import type { ChannelMessage } from '../../shared/protocol.js';
import type { MaskConfig } from './mask-dom.js';
import type { CanvasOptions, CanvasStats } from './canvas.js';
import type { AssetOptions, AssetStats } from './assets.js';
import type { FrameBridgeOptions, FrameBridgeStats } from './frame-bridge.js';

export interface CaptureEngineOptions {
  /** The window whose document is captured. */
  window: Window;
  /** Hands a message to the transport; false means its queue is full (backpressure) and the message was not taken. */
  send: (message: ChannelMessage) => boolean;
  /** Integrator masking options (extra mask and block selectors). */
  mask?: Partial<MaskConfig>;
  /** Target duration of one snapshot slice, in ms (default 8). */
  sliceBudgetMs?: number;
  /** Before each snapshot slice: a promise to wait for first, or null (the session holds the walk while WebRTC connects). */
  holdSlices?: () => Promise<void> | null;
  /** Our own UI (consent prompt, guidance overlay): never captured. */
  isOwnUi?: (node: Node) => boolean;
  /** The page cannot be shared (a snapshot failed, or flushes keep failing): the agent's view is not live. `reason` is the error's message. */
  onFailure?: (reason: string) => void;
  /** Canvas pixels: off switch, bytes-per-second budget, rate (canvas.ts). */
  canvas?: CanvasOptions;
  /** Assets over the channel: policy and bytes budget (assets.ts). */
  assets?: AssetOptions;
  /** Cross-origin iframes that embed our script and may join this capture (frame-bridge.ts); none without. */
  frames?: FrameBridgeOptions | null;
  /** Bytes waiting on the transport: asset data waits while it is high, so DOM frames never queue behind it. */
  backlogBytes?: () => number;
}

export interface CaptureStats {
  /** Messages `send` accepted. */
  framesSent: number;
  /** Messages `send` refused (backpressure) or threw on. */
  framesRejected: number;
  /** Snapshots completed (final part sent). */
  snapshots: number;
  /** Snapshot parts sent, one per time slice. */
  snapshotParts: number;
  /** Parts of the last completed snapshot. */
  lastSnapshotParts: number;
  mutationBatches: number;
  /** Node ids handed out in the current run. */
  nodes: number;
  /** Errors caught inside our hooks (never rethrown into the page). */
  errors: number;
  /** The mirror missed frames and needs a fresh snapshot once the transport drains. */
  dirty: boolean;
  /** Event listeners currently installed. */
  listeners: number;
  /** Documents and shadow roots currently observed. */
  observedRoots: number;
  /** Canvas pixels sent, unchanged samples, budget skips. */
  canvas: CanvasStats;
  /** Assets sent over the channel, deduplicated, unavailable. */
  assets: AssetStats;
  /** Cross-origin frames joined, frames forwarded, messages refused (absent without `frames`). */
  frames?: FrameBridgeStats;
}
