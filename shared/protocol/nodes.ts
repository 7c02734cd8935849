/**
 * DOM serialization: a flat list of nodes in document order, each naming its
 * parent, so a snapshot and a mutation "add" share one shape and deep pages
 * never recurse.
 *
 * Contract between the capture engine (client/capture) and the mirror (agent/mirror):
 * - Node ids are integers >= 1, stable for a node's life within one capture
 *   run. Id 0 is the top document: the parent of the doctype and <html>, and
 *   the scroll target for the window.
 * - Snapshot: nodes in pre-order (parent before children, siblings in order),
 *   `next` omitted. It may come in parts (part 0..n, `final` on the last); part 0
 *   starts a fresh mirror document; each part takes its own seq.
 * - An open shadow root is a 'shadow' node whose parent is the host; a
 *   same-origin iframe's document is a 'doc' node whose parent is the iframe.
 *   Their children name them as parent.
 * - Attributes carry absolute URLs; on* handlers are never sent; <script>
 *   elements are sent without attributes or children, only to keep sibling
 *   positions. `cssRules` on a <style>/<link> holds its CSSOM rules when they are
 *   readable and differ from the text (or the link's sheet is same-origin).
 * - Masking happens before serialization: a masked value is already replaced
 *   and flagged `masked`; a blocked element carries `blocked` (its size), keeps only
 *   layout attributes (class, style) and has no children.
 * - Mutations apply in this order: removes, adds (in array order; each add's
 *   parent and its `next` sibling already exist when it is applied; a moved node
 *   is a remove followed by an add of its whole subtree; a re-added node keeps
 *   its id), attrs, texts, sheets. A `sheets` entry for a root id (0, a doc or
 *   a shadow node) is that root's whole adopted list, one CSS text per sheet.
 * - Seq continues across snapshots; the mirror restarts its expectation at
 *   each snapshot's part 0. A scroll inside an iframe names its 'doc' node.
 */
import * as z from 'zod/mini';
import { coord, nodeId } from './fields.js';

/** The fields every node list checks, whether as node records or as the columns they travel in (nodeListColumns). */
export const tagName = z.string().check(z.minLength(1), z.maxLength(128));
export const attributeName = z.string().check(z.maxLength(256));
export const attributeValue = z.string().check(z.maxLength(1_000_000));
export const textContent = z.string().check(z.maxLength(10_000_000));
export const commentText = z.string().check(z.maxLength(100_000));

const attributes = z.record(attributeName, attributeValue);

/**
 * A form control's state, in an element record and in an input frame (in
 * this order in both: the wire layout follows it).
 */
export const formStateFields = {
  value: z.optional(z.string().check(z.maxLength(1_000_000))),
  checked: z.optional(z.boolean()),
  selected: z.optional(z.boolean()),
  /** A checkbox shown as indeterminate (a property with no attribute). */
  indeterminate: z.optional(z.boolean()),
  /** The page marked the control invalid with setCustomValidity() (the message itself is not sent). */
  invalid: z.optional(z.boolean()),
  /** The value (or, on an element, its text or subtree) was masked in the customer's browser. */
  masked: z.optional(z.literal(true)),
} as const;

/** Same-size placeholder for a `data-cobrowse-block` subtree. */
export const blockedBox = z.strictObject({ width: coord, height: coord });

export const elementNode = z.strictObject({
  kind: z.literal('el'),
  id: nodeId,
  /** Parent node id; 0 for the document's own children. */
  parent: nodeId,
  /** For mutation adds: the next sibling's id, or null to append. */
  next: z.optional(z.nullable(nodeId)),
  tag: tagName,
  namespace: z.optional(z.enum(['svg', 'math'])),
  attributes: z.optional(attributes),
  ...formStateFields,
  /** The subtree was blocked and replaced by a box of this size. */
  blocked: z.optional(blockedBox),
  /** CSSOM rules of a <style>/<link> sheet when they differ from its text. */
  cssRules: z.optional(z.array(z.string().check(z.maxLength(1_000_000)))),
  /** Scroll offsets of a scrolled element. */
  scrollX: z.optional(coord),
  scrollY: z.optional(coord),
});

export const textNode = z.strictObject({
  kind: z.literal('text'),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  text: textContent,
  masked: z.optional(z.literal(true)),
});

export const commentNode = z.strictObject({
  kind: z.literal('comment'),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  text: commentText,
});

export const doctypeNode = z.strictObject({
  kind: z.literal('doctype'),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  name: z.string().check(z.maxLength(128)),
});

/** An open shadow root (parent: its host) or a same-origin iframe document (parent: the iframe). */
export const rootNode = z.strictObject({
  kind: z.enum(['shadow', 'doc']),
  id: nodeId,
  parent: nodeId,
  next: z.optional(z.nullable(nodeId)),
  /** Constructed stylesheets adopted by this root, as CSS text. */
  adopted: z.optional(z.array(z.string().check(z.maxLength(1_000_000)))),
  /** A document's mode where its doctype would mislead: a srcdoc document is never in quirks mode, a legacy doctype is. */
  quirks: z.optional(z.boolean()),
});

export const serializedNode = z.discriminatedUnion('kind', [elementNode, textNode, commentNode, doctypeNode, rootNode]);
export type SerializedNode = z.infer<typeof serializedNode>;

/**
 * A node list's fields as columns (shared/node-list-decode.ts reads them off
 * the wire): checked as a handful of arrays instead of an object per node.
 * Together with serializedNode for each node that has rare fields (and the
 * rule that a doctype has them), it accepts exactly the lists
 * z.array(serializedNode) accepts (test/node/node-list-decode.test.ts).
 */
export const nodeListColumns = z.object({
  ids: z.array(nodeId),
  parents: z.array(nodeId),
  tags: z.array(tagName),
  attributeNames: z.array(attributeName),
  attributeValues: z.array(attributeValue),
  texts: z.array(textContent),
  comments: z.array(commentText),
});
