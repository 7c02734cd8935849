/**
 * The receiving end of node lists' columnar wire form (layout in
 * node-list-compaction.ts): reads the columns, checks them with zod as
 * columns (nodeListColumns: a handful of arrays instead of an object per
 * node), and only then makes the node records. A list that passes is marked
 * checked, and the codec validates its message without the list
 * (checkedListFrames); one that fails goes to z.array(serializedNode) as it
 * always did, so the verdict and the error message are the record schema's.
 * The agent's decoders use it (columnarNodeLists); the customer's, which
 * never receive node lists, keep decodeNodeList (node-list-columns.ts, the
 * same reading without zod in between) and so do not carry it.
 * Measured on the agent (bench/agent-replay.mjs, 10k-node snapshot): zod's
 * per-node parse was ~20 ms of the agent's ~65 ms of script.
 *
 * Anything our encoder cannot have produced throws WireFormatError (fatal
 * for the stream): the columns are read by node-list-columns.ts.
 */
import * as z from 'zod/mini';
import type { NodeListReader } from './codec.js';
import { DOCTYPE, readColumns, recordsOf, type NodeColumns } from './node-list-columns.js';
import { mutationsFrame, nodeListColumns, serializedNode, snapshotFrame, type SerializedNode } from './protocol.js';
import { isPlainRecord, type WireState } from './wire-names.js';
import type { SideReader } from './wire-side.js';

/** Lists this module made and nodeListColumns (with serializedNode for their rare fields) accepted. */
const checkedLists = new WeakSet<object>();

/** True for a node list decoded here whose every node the schema accepts. */
export function isCheckedNodeList(value: unknown): boolean {
  return typeof value === 'object' && value !== null && checkedLists.has(value);
}

const checkedList = z.custom<SerializedNode[]>(isCheckedNodeList, 'A node list was not checked in its wire form.');

/** The two frames that carry node lists, for messages whose list is checked (then the codec uses them). */
const checkedListFrames = {
  snapshot: z.extend(snapshotFrame, { nodes: checkedList }),
  mutations: z.extend(mutationsFrame, { adds: checkedList }),
} as const;

/**
 * The agent's node list reader for MessageDecoder (its `nodeLists` option):
 * lists checked as columns, and their messages parsed without them.
 */
export const columnarNodeLists: NodeListReader = {
  read: (wire, state, side) => decodeCheckedNodeList(wire, state, side),
  parseChecked(message) {
    if (!isPlainRecord(message)) return null;
    if (message.t === 'snapshot' && isCheckedNodeList(message.nodes))
      return checkedListFrames.snapshot.safeParse(message);
    if (message.t === 'mutations' && isCheckedNodeList(message.adds))
      return checkedListFrames.mutations.safeParse(message);
    return null;
  },
};

/** True when the columns hold only nodes serializedNode accepts. */
function columnsValid(columns: NodeColumns): boolean {
  if (!nodeListColumns.safeParse(columns).success) return false;
  for (const node of columns.extras.values()) if (!serializedNode.safeParse(node).success) return false;
  // A doctype's name is a rare field: a doctype without them lacks it.
  const { codes, extras } = columns;
  for (let i = 0; i < codes.length; i++) if (codes[i] === DOCTYPE && !extras.has(i)) return false;
  return true;
}

/**
 * The node records of a columnar node list (untrusted input). When every node
 * passes the schema the list is marked checked (isCheckedNodeList); otherwise
 * it is returned unmarked for z.array(serializedNode) to refuse with its own
 * message. Throws WireFormatError on anything our encoder cannot have produced.
 */
export function decodeCheckedNodeList(
  value: unknown,
  state: WireState,
  side: SideReader | null = null,
): Record<string, unknown>[] {
  const columns = readColumns(value, state, side);
  const valid = columnsValid(columns);
  const nodes = recordsOf(columns);
  if (valid) checkedLists.add(nodes);
  return nodes;
}
