/**
 * Time-sliced snapshot walk: pre-order over the captured document (open
 * shadow roots and same-origin iframe documents included), in slices of
 * about `budgetMs`, yielding to the event loop between slices so a page with
 * 100k nodes never freezes. Each slice becomes one snapshot part, except
 * on a small page (ONE_PART_NODES), which goes out as one.
 *
 * The page may mutate between slices. A child list is read when its parent
 * is serialized, so a pending stack entry whose node moved away (its capture
 * parent is no longer the one it was read under) or was already serialized
 * elsewhere is skipped; the engine turns mutation records on nodes already
 * serialized into diffs after the final part (removes are resolved to ids
 * when the record arrives, so a node moved into the unwalked part is
 * removed by its old id and walked again with a new one).
 */
import type { SerializedNode } from '../../shared/protocol.js';
import type { NodeIds } from './node-ids.js';
import { TOP_DOCUMENT_ID } from './node-ids.js';
import type { Serializer } from './serialize.js';
import { childNodesOf, lastChildOf, nodeTypeOf, previousSiblingOf } from './dom-read.js';
import { PendingNodes, Where } from './pending-nodes.js';

/** Parts stay well under the codec's 16 MiB limit even on pages of long texts. */
const MAX_NODES_PER_PART = 20_000;
/**
 * Reading the clock on every node costs more than serializing a text node. The first slice reads it on every
 * node: its code runs cold (on the 100k-node page its first 32 nodes took 7-8 ms of a 4 ms loop).
 */
const CLOCK_CHECK_EVERY = 32;

export interface SnapshotWalkOptions {
  serializer: Serializer;
  ids: NodeIds;
  topDocument: Document;
  budgetMs: number;
  now: () => number;
  yieldToEventLoop: () => Promise<void>;
  /** Runs at the start of every slice (the engine classifies pending mutation records there). */
  beforeSlice: () => void;
  /** Sends one part; false aborts the walk (backpressure or stop). */
  emitPart: (nodes: SerializedNode[], final: boolean) => boolean;
  /** Whether a node already serialized was removed from its place in the mirror since (moved here). */
  movedAway: (node: Node) => boolean;
  /** Checked after each yield: a stop or a newer snapshot aborts this one. */
  cancelled: () => boolean;
  /** False: a part per slice even on a small page (ONE_PART_NODES), as the warm-up walks its small made-up page. */
  smallPageOnePart?: boolean;
}

/**
 * Once the walk has serialized this many nodes, slices get LATE_BUDGET_SHARE of the budget. Every node
 * it walks stays alive (its JS wrapper holds its id), so V8's young generation grows and its scavenges
 * get longer: 1-2 ms early in the walk, 8-11 ms past 100k nodes (traces of gen-100000 and gen-300000),
 * and one landing in an 8 ms slice made a 16-19 ms task. Pages under this size keep the whole budget
 * (fewer, bigger parts: the small pages' bytes).
 */
export const LATE_SLICE_AFTER_NODES = 20_000;
const LATE_BUDGET_SHARE = 0.75;
/**
 * A page whose document holds fewer nodes than this goes out as one part: its slices' nodes are held until the
 * walk ends (at most this many more from shadow trees and frames, then one part per slice again). Each part
 * costs bytes of its own (page fields, the list's columns, a deflate flush, and once the side streams are on, three
 * blocks' Huffman tables): the 997-node bench page went out in 5 or 6 parts, 3,317-3,513 bytes, and as one in
 * 3,046 (bench/snapshot-pair.mjs gen-1000). Bigger pages keep a part per slice: holding the first 1,500 nodes of
 * the long page put its texts on the structure stream, before the side streams start (+183 bytes).
 */
export const ONE_PART_NODES = 1_500;

/** Tasks spent at most on the label index before the walk (a 300k-node page needs 2-3). */
const PREPARE_STEPS = 6;

/** Walks and emits the snapshot; resolves 'done' in a task after the final part's, 'aborted' otherwise. */
export async function walkSnapshot(options: SnapshotWalkOptions): Promise<'done' | 'aborted'> {
  options.ids.walking(true);
  try {
    return await walk(options);
  } finally {
    options.ids.walking(false);
  }
}

async function walk(options: SnapshotWalkOptions): Promise<'done' | 'aborted'> {
  const { serializer, ids, topDocument, budgetMs, now } = options;
  // The first slice starts in a task of its own: the task that started the capture already paid for its
  // set-up (observers, listeners, prototype patches; with it the first slice made a 19-27 ms task on
  // every bench page, whatever its size).
  await options.yieldToEventLoop();
  if (options.cancelled()) return 'aborted';
  // So are the top document's label index (a scan of the whole page, 3-10 ms at 100k-300k nodes) and
  // its sheets' overflow rules: read at the first form field or element, they came on top of that
  // slice's work. A step per task: the labels are found in one native scan, their texts read in the
  // steps after. A change of the page meanwhile starts the index over; a page that changes in every
  // task would never let it finish, so after PREPARE_STEPS the walk goes on and the first form field
  // completes the index (what was read so far is kept, or read again after a change).
  // Then the masked fields whose values the page may echo before the field (masked-echoes.ts: their prescan,
  // which reads their masking decision and so the label index), also a step per task. Its list of fields is not
  // read again after a change (a field added meanwhile is found when the walk reaches it), so it always finishes,
  // and the walk starts only then: no text goes out before the echoes it may hold are known.
  let labelsDone = false;
  for (let step = 0, done = false; !done; step++) {
    const stepStart = now();
    const more = (): boolean => now() - stepStart < budgetMs;
    if (!labelsDone) labelsDone = serializer.prepareDocument(topDocument, more) || step + 1 >= PREPARE_STEPS;
    // Its first step is a scan of the whole page (5-9 ms at 300k nodes): not after much else in the same task.
    if (labelsDone && now() - stepStart < budgetMs / 4) done = serializer.typing.echoes.prescanSome(more);
    await options.yieldToEventLoop();
    if (options.cancelled()) return 'aborted';
  }
  const stack = new PendingNodes();
  const topChildren = childNodesOf(topDocument);
  for (let i = topChildren.length - 1; i >= 0; i--) {
    const child = topChildren[i];
    if (child !== undefined) stack.push(child, topDocument, TOP_DOCUMENT_ID, Where.plain);
  }
  // What the last slice spent handing its part over (packing it, above all), ms: the next node loop leaves
  // room for it. Before the first part it is not known, and the packing code has not run yet (slow the
  // first time): half the budget, or the first slice was 14-17 ms CPU on the 10k-node page.
  let emitMs = budgetMs / 2;
  let walked = 0;
  const onePart = options.smallPageOnePart !== false && hasFewerNodes(topDocument, ONE_PART_NODES);
  let part: SerializedNode[] = [];
  for (let first = true; ; first = false) {
    // The slice's clock starts before the pending records are classified and stops for the nodes early
    // enough that handing the part over still fits: the whole task stays near the budget (the part's
    // packing after an 8 ms loop made tasks of 10-14 ms CPU at 100k nodes).
    const sliceStart = now();
    options.beforeSlice();
    serializer.beginPass(stack);
    const sliceBudget = walked >= LATE_SLICE_AFTER_NODES ? budgetMs * LATE_BUDGET_SHARE : budgetMs;
    const loopBudget = Math.max(sliceBudget - emitMs, sliceBudget / 4);
    const checkEvery = first ? 1 : CLOCK_CHECK_EVERY;
    const held = part.length;
    let visits = 0;
    while (stack.length > 0 && part.length < MAX_NODES_PER_PART) {
      // At least one node per part: the agent reads the document's mode from the first part's doctype.
      if (++visits % checkEvery === 0 && part.length > 0 && now() - sliceStart >= loopBudget) break;
      const node = stack.nodes.pop();
      const parent = stack.parents.pop();
      const parentId = stack.parentIds.pop();
      const where = stack.wheres.pop();
      const inherited = stack.popAncestry();
      if (node === undefined || parentId === undefined || where === undefined) break;
      const type = nodeTypeOf(node);
      if (serializer.captureParentOf(node, type) !== parent) continue;
      if (ids.has(node)) {
        // Serialized earlier, then moved here: its old copy is removed by the diffs after the
        // final part, so this copy takes new ids (the mirror never holds one id twice).
        if (options.movedAway(node)) serializer.subtree(node, parentId, undefined, true, part);
        continue;
      }
      const record = serializer.visit(node, parentId, false, stack, where, inherited, type, parent);
      if (record !== null) part.push(record);
    }
    const final = stack.length === 0;
    walked += part.length - held;
    if (!final && onePart && walked < ONE_PART_NODES) {
      await options.yieldToEventLoop();
      if (options.cancelled()) return 'aborted';
      continue;
    }
    if (held > 0) {
      // Packed in a task of its own: a part held over slices is bigger than one slice's, and its packing runs cold.
      await options.yieldToEventLoop();
      if (options.cancelled()) return 'aborted';
    }
    const emitStart = now();
    if (!options.emitPart(part, final)) return 'aborted';
    // What a held part took says little about the parts of one slice that follow (their loops leave room for it).
    if (held === 0) emitMs = now() - emitStart;
    part = [];
    // After the final part too: what the engine does once the snapshot is out (a scan of every root for its
    // top layer, 8-9 ms at 300k nodes) runs in a task of its own, not on top of that part's packing.
    await options.yieldToEventLoop();
    if (options.cancelled()) return 'aborted';
    if (final) return 'done';
  }
}

/** Whether `doc`'s own tree (shadow trees and frames not counted) has fewer than `limit` nodes; reads at most that many. */
function hasFewerNodes(doc: Document, limit: number): boolean {
  const pending: Node[] = [doc];
  let seen = 1;
  while (pending.length > 0) {
    for (let child = lastChildOf(pending.pop() as Node); child !== null; child = previousSiblingOf(child)) {
      if (++seen >= limit) return false;
      pending.push(child);
    }
  }
  return true;
}
