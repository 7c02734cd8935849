/** The set-up the Store contract suites share: a fresh store over a fresh database for each test, closed and removed after it. */
import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../../signaling/store.js';
import type { StoreHarness } from './store-contract.js';

/**
 * Registers, in the calling suite, a beforeEach that opens a store over a new database and hands it and its
 * harness to `opened`, and an afterEach that closes that store (the one it opened: a suite that swaps its
 * store for another closes its own) and removes the database.
 */
export function eachFreshStore(
  makeHarness: () => Promise<StoreHarness>,
  opened: (fresh: { harness: StoreHarness; store: Store }) => void,
): void {
  let harness: StoreHarness | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    harness = await makeHarness();
    store = await harness.open();
    opened({ harness, store });
  });
  afterEach(async () => {
    await store?.close();
    await harness?.cleanup();
    store = undefined;
    harness = undefined;
  });
}
