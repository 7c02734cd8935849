/**
 * Asset messages of joined cross-origin frames (frame-bridge.ts) on their way
 * into the page's stream: they take the page's asset path (assets.ts), so
 * they count against the page's `asset-budget` and go out only while the
 * transport has little queued, behind the page's own, instead of straight
 * onto the channel as the frame posts them. The frame chunks and hashes its
 * assets itself; here each hash is charged its declared size once, when its
 * first chunk arrives: an asset over budget sends no byte, and its URL goes
 * out as unavailable (so under `assets="fallback"` the agent may load it).
 * No hash passes more bytes than it declared.
 */
import type { AssetPolicy } from '../../shared/protocol.js';
import type { AssetMessage } from './assets.js';

export interface FrameAssetHooks {
  policy: AssetPolicy;
  charge(bytes: number): boolean;
  enqueue(message: AssetMessage): void;
}

export interface FrameAssetStats {
  /** Frames' assets whose bytes were let through, and their bytes. */
  passed: number;
  bytesPassed: number;
  /** Frames' assets refused (over the page's budget, or chunks past their declared size). */
  refused: number;
}

export class FrameAssetGate {
  readonly #assets: FrameAssetHooks;
  /** Bytes let through per hash (charged its size), and the hashes refused. */
  readonly #passing = new Map<string, { size: number; passed: number }>();
  readonly #refused = new Set<string>();
  readonly stats: FrameAssetStats = { passed: 0, bytesPassed: 0, refused: 0 };

  constructor(assets: FrameAssetHooks) {
    this.#assets = assets;
  }

  forward(message: AssetMessage): void {
    if (message.t === 'asset-data') {
      this.#data(message);
      return;
    }
    if (message.hash !== null && (this.#refused.has(message.hash) || !this.#passing.has(message.hash))) {
      // Its bytes never went out (over budget, or never sent): the agent has nothing under this hash from us.
      this.#assets.enqueue({ t: 'asset', url: message.url, hash: null, direct: this.#assets.policy === 'fallback' });
      return;
    }
    this.#assets.enqueue(message);
  }

  #data(message: Extract<AssetMessage, { t: 'asset-data' }>): void {
    const { hash } = message;
    if (this.#refused.has(hash)) return;
    let passing = this.#passing.get(hash);
    if (passing === undefined) {
      if (!this.#assets.charge(message.size)) {
        this.#refused.add(hash);
        this.stats.refused++;
        return;
      }
      passing = { size: message.size, passed: 0 };
      this.#passing.set(hash, passing);
      this.stats.passed++;
    }
    const length = message.data.byteLength;
    if (message.size !== passing.size || passing.passed + length > passing.size) {
      this.stats.refused++;
      return;
    }
    passing.passed += length;
    this.stats.bytesPassed += length;
    this.#assets.enqueue(message);
  }
}
