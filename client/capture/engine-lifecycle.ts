/**
 * The capture engine's lifecycle (capture-engine.ts). What exists only while
 * capturing (the observer, the slice yielder, the form timer, whether a
 * snapshot walk is under way) lives in the running state, so nothing
 * outlives stop().
 */
import type { SliceYield } from './slice-yield.js';

export type Lifecycle =
  | { phase: 'idle' }
  | {
      phase: 'running';
      observer: MutationObserver | null;
      slices: SliceYield | null;
      formTimer: number | null;
      /** A snapshot walk is under way: mutations only matter for nodes already serialized. */
      snapshotting: boolean;
    }
  | { phase: 'stopped' };

export type Running = Extract<Lifecycle, { phase: 'running' }>;
