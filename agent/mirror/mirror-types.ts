/** The mirror's public types: its options, viewport and counters. */
import type { DomFrame } from '../../shared/protocol.js';

export interface MirrorOptions {
  /** The mirror creates its own iframe inside this element. */
  container: HTMLElement;
  /** Asks the customer for a fresh snapshot; `lastSeq` is the last frame applied in order. */
  onResyncNeeded: (lastSeq: number | null) => void;
  onFrameApplied?: (frame: DomFrame) => void;
  /**
   * Asked before an input frame (the customer's form state) is applied: false
   * holds it back, because the agent is typing in that field and its own copy
   * is the one to show. The holder applies it later with applyInput.
   */
  acceptInput?: (frame: InputFrame) => boolean;
  /**
   * The customer's viewport (the iframe's size) was set, by a snapshot's
   * first part or a viewport frame. The console sizes and scales the frame
   * around it then: the first snapshot is built into a hidden but rendered
   * iframe, and a transform added above it only when it is shown made that
   * frame pre-paint the whole page again (measured).
   */
  onViewport?: (viewport: Readonly<MirrorViewport>) => void;
  /** A mirrored document was (re)built with document.open(), which drops every listener on it. */
  onDocumentPrepared?: (doc: Document) => void;
  /** The console lets the customer's asset policy make the agent's browser fetch (agent/mirror/assets.ts); default no. */
  allowAgentFetches?: boolean;
  /**
   * Milliseconds per slice of the first snapshot's build (default 8;
   * first-snapshot.ts). Tests set 0: one small step per slice.
   */
  sliceBudgetMs?: number;
  /** False: take no User Timing stage mark (a warm-up mirror's build, agent/mirror/warm-up.ts). */
  stageMarks?: boolean;
}

export type InputFrame = Extract<DomFrame, { t: 'input' }>;

export interface MirrorViewport {
  w: number;
  h: number;
  dpr: number;
}

export interface MirrorStats {
  framesApplied: number;
  /** Frames dropped while waiting for a snapshot after a resync request. */
  framesIgnored: number;
  gaps: number;
  duplicates: number;
  applyFailures: number;
  resyncRequests: number;
  snapshots: number;
  /** Nodes currently mapped to an id. */
  nodes: number;
  droppedAttributes: number;
  inertElements: number;
  /** State frames (input, scroll, focus, media, selection) naming a node the mirror does not have. */
  unknownTargets: number;
  /** Time slices the first snapshot's build took (first-snapshot.ts). */
  buildSlices: number;
  /** Forced layouts of the hidden mirror during that build (layout-pacer.ts). */
  buildLayouts: number;
  lastError: string | null;
}
