/**
 * The agent's asset store under a hostile customer (security review 3.2): asset
 * data that is never announced, or never finished, cannot hold more than the
 * session's cap, nor more than a few assets at once, nor stay for ever. Run in
 * Node (Blob and URL.createObjectURL are Node's own; no DOM is needed for
 * storing bytes). Oracle: the store's `dropped` counter and whether an
 * announced asset became a blob URL, not the store's internal sizes.
 */
import { describe, expect, it } from 'vitest';
import { AssetStore, INCOMING_TIMEOUT_MS, MAX_INCOMING_ASSETS, MAX_STORED_BYTES } from '../../agent/mirror/assets.js';
import { MAX_ASSET_BYTES } from '../../shared/protocol.js';

const CHUNK = new Uint8Array(16 * 1024).fill(1);

function store(clock = { now: 0 }): AssetStore {
  const assets = new AssetStore(
    (rebind) => rebind(),
    () => [],
    { now: () => clock.now },
  );
  assets.setPolicy('channel');
  return assets;
}

/** Sends an asset's bytes of `size` (one shared chunk over and over) and optionally announces it. */
function sendAsset(assets: AssetStore, h: string, size: number, announce = true): void {
  for (let at = 0; at < size; at += CHUNK.byteLength) {
    assets.applyData({
      t: 'asset-data',
      hash: h,
      size,
      offset: at,
      data: CHUNK.subarray(0, Math.min(CHUNK.byteLength, size - at)),
    });
  }
  if (announce) assets.applyAsset({ t: 'asset', url: `https://shop.test/${h}.png`, hash: h, type: 'image/png' });
}

describe('mirror asset store: partial data from a hostile customer', () => {
  it('holds at most a few unannounced assets at once (40 x 16 MB under different hashes)', () => {
    const assets = store();
    for (let i = 0; i < 40; i++) {
      assets.applyData({ t: 'asset-data', hash: `partial-${i}`, size: MAX_ASSET_BYTES, offset: 0, data: CHUNK });
    }
    expect(assets.stats.dropped).toBe(40 - MAX_INCOMING_ASSETS);
  });

  it('counts assets still arriving in the cap from their first chunk', () => {
    const assets = store();
    const stored = 5;
    for (let i = 0; i < stored; i++) sendAsset(assets, `done-${i}`, MAX_ASSET_BYTES);
    expect(assets.stats.assets).toBe(stored);
    // Three more of 16 MB in flight fill the cap to the byte; the next one, of 1 KB, no longer fits.
    expect(stored * MAX_ASSET_BYTES + 3 * MAX_ASSET_BYTES).toBe(MAX_STORED_BYTES);
    for (let i = 0; i < 3; i++)
      assets.applyData({ t: 'asset-data', hash: `big-${i}`, size: MAX_ASSET_BYTES, offset: 0, data: CHUNK });
    expect(assets.stats.dropped).toBe(0);
    assets.applyData({ t: 'asset-data', hash: 'small', size: 1024, offset: 0, data: CHUNK.subarray(0, 1024) });
    expect(assets.stats.dropped).toBe(1);
    assets.destroy();
  });

  it('drops partial data nobody continued or announced after a timeout, and takes new assets again', () => {
    const clock = { now: 0 };
    const assets = store(clock);
    for (let i = 0; i < MAX_INCOMING_ASSETS; i++) {
      assets.applyData({ t: 'asset-data', hash: `stale-${i}`, size: 64 * 1024, offset: 0, data: CHUNK });
    }
    clock.now += INCOMING_TIMEOUT_MS + 1;
    // A new asset is taken: the stale ones made room.
    sendAsset(assets, 'fresh', 20 * 1024);
    expect(assets.stats.assets).toBe(1);
    const droppedBefore = assets.stats.dropped;
    // The rest of a stale asset finds nothing to continue.
    assets.applyData({ t: 'asset-data', hash: 'stale-0', size: 64 * 1024, offset: CHUNK.byteLength, data: CHUNK });
    assets.applyAsset({ t: 'asset', url: 'https://shop.test/stale-0.png', hash: 'stale-0', type: 'image/png' });
    expect(assets.stats.dropped).toBeGreaterThan(droppedBefore);
    expect(assets.stats.assets).toBe(1);
    assets.destroy();
  });

  it('an honest customer (one asset at a time, announced at once) is unaffected', () => {
    const assets = store();
    for (let i = 0; i < 20; i++) sendAsset(assets, `ok-${i}`, 40 * 1024);
    expect(assets.stats).toMatchObject({ assets: 20, dropped: 0 });
    assets.destroy();
  });
});
