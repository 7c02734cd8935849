/**
 * Turns a batch of MutationObserver records (plus shadow roots attached and
 * iframe documents replaced since the last flush, plus CSSOM changes) into
 * one `mutations` frame, in the contract's order: removes, adds (parents
 * first, each `next` sibling already present), attrs, texts, sheets.
 *
 * Records are coalesced: a node added and removed in the same batch is never
 * sent; attribute and text changes of nodes serialized as part of an add are
 * dropped (the add already carries their latest state); a moved node is a
 * remove followed by an add of its subtree.
 */
import type { SerializedNode } from '../../shared/protocol.js';
import type { NodeIds } from './node-ids.js';
import { TOP_DOCUMENT_ID } from './node-ids.js';
import { attributeByName, isShadowRoot } from './dom-nodes.js';
import type { Serializer } from './serialize.js';
import type { StrictSent } from './typing-mask.js';
import { adoptedCss, readRules } from './stylesheets.js';
import { closestOf, localNameOf, nodeTypeOf, parentElementOf, parentNodeOf } from './dom-read.js';
import { domPristine } from './dom-pristine.js';
import { renderedTexts } from './flat-tree.js';

/** Text nodes of an element moved between slots checked again, from each end (a number needs only those near its edges). */
const SLOT_MOVE_TEXTS = 256;

export interface MutationBatch {
  removes: number[];
  adds: SerializedNode[];
  attrs: Array<{ id: number; attributes: Record<string, string | null> }>;
  texts: Array<{ id: number; text: string; masked?: true }>;
  sheets: Array<{ id: number; cssRules: string[] }>;
}

const FORM_STATE_ATTRIBUTES: ReadonlySet<string> = new Set(['value', 'checked', 'selected', 'type', 'multiple']);

/**
 * The select or textarea whose state a change of children may have changed
 * (options added or removed move the selection; a textarea's text is its
 * default value), or null.
 */
function formOwnerOfChildren(node: Node): Element | null {
  const el = nodeTypeOf(node) === 1 ? (node as Element) : parentElementOf(node);
  if (el === null) return null;
  const tag = localNameOf(el);
  if (tag === 'select' || tag === 'textarea') return el;
  if (tag === 'optgroup' || tag === 'option') return closestOf(el, 'select');
  return null;
}

export interface MutationCollectorOptions {
  serializer: Serializer;
  ids: NodeIds;
  topDocument: Document;
  isOwnUi: (node: Node) => boolean;
  /** Documents and open shadow roots being observed (for adoptedStyleSheets changes). */
  roots: () => Iterable<Document | ShadowRoot>;
  /** Form elements whose value may have changed with an attribute: checked by the input pipeline. */
  onFormAttribute: (el: Element) => void;
  /** Nodes serialized by an add (so the engine can remember their state). */
  serializedNow: Set<Node>;
}

/**
 * In the page now: connected, in a document that still has its window. A
 * moved or reloaded iframe's old document keeps its nodes connected to it,
 * but the mirror removed them with the frame (a change to one would name a
 * node the mirror no longer has).
 */
function isLive(node: Node): boolean {
  return node.isConnected && node.ownerDocument?.defaultView != null;
}

function adoptedSheetsOf(root: Document | ShadowRoot): readonly CSSStyleSheet[] {
  try {
    return [...(root.adoptedStyleSheets ?? [])];
  } catch {
    return [];
  }
}

type PendingChange =
  | { kind: 'added'; nodes: Node[] }
  | { kind: 'removed'; node: Node }
  | { kind: 'attribute'; el: Element; name: string }
  | { kind: 'text'; node: CharacterData };

export class MutationCollector {
  readonly #o: MutationCollectorOptions;
  #changes: PendingChange[] = [];
  #removes: number[] = [];
  /** Shadow roots attached, iframe documents loaded: added as whole subtrees. */
  #extraAdds = new Set<Node>();
  /** Replaced iframe documents still in the mirror. */
  #extraRemoves: Node[] = [];
  #dirtySheets = new Set<CSSStyleSheet>();
  #dirtyStyleOwners = new Set<Element>();
  #adoptedDirty = false;
  /** Nodes whose remove was sent and that were not added back: their subtrees are gone from the mirror. */
  #removedInMirror = new WeakSet<Node>();
  #lastAdopted = new WeakMap<Document | ShadowRoot, string>();
  /** The adopted sheet objects last seen per root: `adoptedStyleSheets.push()` bypasses the patched setter. */
  #lastAdoptedSheets = new WeakMap<Document | ShadowRoot, readonly CSSStyleSheet[]>();
  /** Nodes next to which the text changed (siblings of removed nodes): their run neighbours are checked again. */
  #touched = new Set<Node>();
  /** Text nodes to mask again and send if their masked text changed. */
  #recheck = new Set<CharacterData>();

  constructor(options: MutationCollectorOptions) {
    this.#o = options;
  }

  get pending(): boolean {
    return (
      this.#changes.length > 0 ||
      this.#removes.length > 0 ||
      this.#extraAdds.size > 0 ||
      this.#extraRemoves.length > 0 ||
      this.#dirtySheets.size > 0 ||
      this.#dirtyStyleOwners.size > 0 ||
      this.#adoptedDirty ||
      this.#recheck.size > 0
    );
  }

  /** What went out with every digit masked while the customer typed: mask it again by the normal rule. */
  recheck(sent: StrictSent): void {
    for (const node of sent.texts) this.#recheck.add(node);
    for (const [el, names] of sent.attrs) for (const name of names) this.#changes.push({ kind: 'attribute', el, name });
  }

  /**
   * Takes records in order. Removes are resolved to ids now: a node removed
   * and re-serialized elsewhere by a snapshot walk gets a new id, and the
   * mirror must still remove the old one.
   */
  push(records: readonly MutationRecord[]): void {
    for (const record of records) {
      if (record.type !== 'attributes') {
        const owner = formOwnerOfChildren(record.target);
        if (owner !== null) this.#o.onFormAttribute(owner);
      }
      if (record.type === 'childList') {
        for (let i = 0; i < record.removedNodes.length; i++) {
          const node = record.removedNodes[i];
          if (node !== undefined) this.remove(node, record.target);
        }
        if (record.addedNodes.length > 0) {
          const added: Node[] = [];
          for (let i = 0; i < record.addedNodes.length; i++) {
            const node = record.addedNodes[i];
            if (node !== undefined) added.push(node);
          }
          this.#changes.push({ kind: 'added', nodes: added });
        }
        for (let i = 0; i < record.removedNodes.length; i++) {
          const node = record.removedNodes[i];
          if (node !== undefined) this.#changes.push({ kind: 'removed', node });
        }
        if (record.removedNodes.length > 0) {
          // Text on either side of a removal may now form one number.
          if (record.previousSibling !== null) this.#touched.add(record.previousSibling);
          if (record.nextSibling !== null) this.#touched.add(record.nextSibling);
          if (record.previousSibling === null && record.nextSibling === null) this.#touched.add(record.target);
        }
      } else if (record.type === 'attributes') {
        const name = record.attributeName;
        if (name !== null) this.#changes.push({ kind: 'attribute', el: record.target as Element, name });
        // A node moved into another slot (or a slot renamed) renders beside other text now: mask its text again.
        if (name === 'slot' || (name === 'name' && localNameOf(record.target as Element) === 'slot'))
          this.#slotMoved(record.target as Element);
      } else {
        this.#changes.push({ kind: 'text', node: record.target as CharacterData });
      }
    }
  }

  /** Text `el` renders, and text beside it, is masked again and sent if that changed it. */
  #slotMoved(el: Element): void {
    this.#touched.add(el);
    // The text it stood between in its old slot may now be one number.
    for (const sibling of [domPristine.previousSibling.call(el), domPristine.nextSibling.call(el)])
      if (sibling !== null) this.#touched.add(sibling);
    for (const text of renderedTexts(el, SLOT_MOVE_TEXTS)) {
      this.#recheck.add(text);
      this.#touched.add(text);
    }
  }

  /** Whether the node's last copy in the mirror was removed (or left with a removed subtree). */
  isRemovedInMirror(node: Node): boolean {
    return this.#removedInMirror.has(node);
  }

  /** Notes a node leaving `oldParent`; queues the remove of its id when the mirror still shows it. */
  remove(node: Node, oldParent: Node): void {
    const { ids, serializer, topDocument } = this.#o;
    const id = ids.idOf(node);
    if (id === undefined || this.#removedInMirror.has(node)) return;
    this.#removedInMirror.add(node);
    ids.noteRemoved(1);
    if (ids.idOf(oldParent) === undefined) return;
    // A remove from a subtree that already left the mirror has nothing to remove there.
    let ancestor: Node | null = oldParent;
    while (ancestor !== null && ancestor !== topDocument) {
      if (this.#removedInMirror.has(ancestor)) return;
      ancestor = serializer.captureParent(ancestor);
    }
    this.#removes.push(id);
  }

  /** An open shadow root attached to a captured host after the host was serialized. */
  addRoot(root: ShadowRoot | Document): void {
    this.#extraAdds.add(root);
  }

  /** A captured iframe now shows another document. */
  replaceDocument(oldDocument: Document | null, newDocument: Document | null): void {
    if (oldDocument !== null) this.#extraRemoves.push(oldDocument);
    if (newDocument !== null) this.#extraAdds.add(newDocument);
  }

  sheetChanged(sheet: CSSStyleSheet): void {
    this.#dirtySheets.add(sheet);
  }

  adoptedChanged(): void {
    this.#adoptedDirty = true;
  }

  /** Remembers what adoptedStyleSheets a root had when serialized, so only changes are sent. */
  rememberAdopted(root: Document | ShadowRoot, css: readonly string[] | undefined): void {
    this.#lastAdopted.set(root, (css ?? []).join('\u0000'));
    this.#lastAdoptedSheets.set(root, adoptedSheetsOf(root));
  }

  /** A node went (back) into the mirror. */
  nodeSerialized(node: Node): void {
    this.#removedInMirror.delete(node);
  }

  /** Drops everything pending (backpressure, resync, stop). */
  clear(): void {
    this.#changes = [];
    this.#removes = [];
    this.#extraAdds.clear();
    this.#extraRemoves = [];
    this.#dirtySheets.clear();
    this.#dirtyStyleOwners.clear();
    this.#adoptedDirty = false;
    this.#touched.clear();
    this.#recheck.clear();
  }

  /** Builds the batch from everything pending and clears it; null when nothing changed for the mirror. */
  build(): MutationBatch | null {
    const { serializer, ids, topDocument } = this.#o;
    const serializedNow = this.#o.serializedNow;
    const batch: MutationBatch = { removes: [], adds: [], attrs: [], texts: [], sheets: [] };
    const changes = this.#changes;
    const extraAdds = this.#extraAdds;
    const extraRemoves = this.#extraRemoves;
    this.#changes = [];
    this.#extraAdds = new Set();
    this.#extraRemoves = [];

    for (const oldDocument of extraRemoves) {
      const frame = serializer.captureParent(oldDocument);
      this.remove(oldDocument, frame ?? topDocument);
    }
    const added = new Set<Node>();
    const attrDirty = new Map<Element, Set<string>>();
    const textDirty = new Set<CharacterData>();
    for (const change of changes) {
      switch (change.kind) {
        case 'added':
          for (const node of change.nodes) added.add(node);
          break;
        case 'removed':
          added.delete(change.node);
          break;
        case 'attribute': {
          let names = attrDirty.get(change.el);
          if (names === undefined) attrDirty.set(change.el, (names = new Set()));
          names.add(change.name);
          break;
        }
        case 'text':
          textDirty.add(change.node);
          break;
      }
    }
    for (const node of extraAdds) added.add(node);

    // An attribute can change the masking decision (data-cobrowse-mask, type, name...): re-add that subtree.
    for (const [el, names] of attrDirty) {
      if (!ids.has(el) || added.has(el)) continue;
      if (serializer.decisionChanged(el)) {
        const parent = serializer.captureParent(el);
        if (parent !== null) this.remove(el, parent);
        added.add(el);
        attrDirty.delete(el);
        continue;
      }
      for (const name of names) if (FORM_STATE_ATTRIBUTES.has(name)) this.#o.onFormAttribute(el);
    }

    batch.removes = this.#removes;
    this.#removes = [];
    this.#serializeAdds(added, batch);

    for (const [el, names] of attrDirty) {
      if (serializedNow.has(el)) continue;
      const id = ids.idOf(el);
      if (id === undefined || this.#removedInMirror.has(el) || !isLive(el) || localNameOf(el) === 'script') continue;
      const decision = serializer.decisionOf(el);
      const changes: Record<string, string | null> = {};
      let any = false;
      for (const name of names) {
        const value = attributeByName(el, name);
        if (value === null) {
          changes[name] = null;
          any = true;
          continue;
        }
        const sent = serializer.attributeValue(el, name, value, decision);
        if (sent === undefined) continue;
        changes[name] = sent;
        any = true;
      }
      if (any) batch.attrs.push({ id, attributes: changes });
    }

    for (const node of textDirty) {
      if (serializedNow.has(node)) continue;
      const id = ids.idOf(node);
      if (id === undefined || this.#removedInMirror.has(node) || !isLive(node)) continue;
      this.#pushText(node, id, batch, false);
      const parent = parentNodeOf(node);
      if (parent !== null && nodeTypeOf(parent) === 1 && localNameOf(parent as Element) === 'style') {
        this.#dirtyStyleOwners.add(parent as Element);
      }
    }
    this.#recheckRuns(textDirty, added, batch);

    this.#collectSheets(batch);
    serializedNow.clear();
    const empty =
      batch.removes.length === 0 &&
      batch.adds.length === 0 &&
      batch.attrs.length === 0 &&
      batch.texts.length === 0 &&
      batch.sheets.length === 0;
    return empty ? null : batch;
  }

  /**
   * A number can span several text nodes (text-runs.ts): when one changes,
   * appears or goes, its neighbours' masking may change with it. Each
   * neighbour is masked again and sent when the result differs from what it
   * last went out with.
   */
  #recheckRuns(textDirty: Set<CharacterData>, added: Set<Node>, batch: MutationBatch): void {
    const { serializer, ids, serializedNow } = this.#o;
    const recheck = this.#recheck;
    const touched = this.#touched;
    this.#recheck = new Set();
    this.#touched = new Set();
    for (const node of textDirty) touched.add(node);
    for (const node of added) touched.add(node);
    for (const node of touched) {
      if (!isLive(node)) continue;
      for (const neighbour of serializer.runNeighbourTexts(node)) recheck.add(neighbour);
    }
    for (const node of recheck) {
      if (textDirty.has(node) || serializedNow.has(node) || this.#removedInMirror.has(node) || !isLive(node)) continue;
      const id = ids.idOf(node);
      if (id !== undefined) this.#pushText(node, id, batch, true);
    }
  }

  /** Masks a text node, notes what it goes out with, and adds it to the batch (`onlyIfChanged`: unless it went out so already). */
  #pushText(node: CharacterData, id: number, batch: MutationBatch, onlyIfChanged: boolean): void {
    const serializer = this.#o.serializer;
    const { text, masked } = serializer.textValue(node);
    if (onlyIfChanged && text === serializer.sentText(node)) return;
    serializer.rememberSentText(node, text);
    batch.texts.push(masked ? { id, text, masked: true } : { id, text });
  }

  #serializeAdds(added: Set<Node>, batch: MutationBatch): void {
    const { serializer, ids, topDocument, isOwnUi, serializedNow } = this.#o;
    const groups = new Map<Node, Node[]>();
    const rootKinds: Node[] = [];
    for (const node of added) {
      // Still shown by the mirror where it is now (a snapshot walk placed it): nothing to add.
      if (isOwnUi(node) || (ids.has(node) && !this.#removedInMirror.has(node))) continue;
      const parent = serializer.captureParent(node);
      if (parent === null) continue;
      let covered = false;
      let ancestor: Node | null = parent;
      while (ancestor !== null && ancestor !== topDocument) {
        if (added.has(ancestor)) {
          covered = true;
          break;
        }
        ancestor = serializer.captureParent(ancestor);
      }
      if (covered || ancestor !== topDocument) continue;
      if (ids.idOf(parent) === undefined || this.#removedInMirror.has(parent)) continue;
      const isRoot = nodeTypeOf(node) === 9 || isShadowRoot(node);
      if (isRoot) {
        rootKinds.push(node);
        continue;
      }
      if (!serializer.capturesChildList(parent)) continue;
      let group = groups.get(parent);
      if (group === undefined) groups.set(parent, (group = []));
      group.push(node);
    }

    const serializeRoot = (node: Node, parent: Node, nextId: number | null | undefined): void => {
      const parentId = ids.idOf(parent);
      if (parentId === undefined) return;
      const start = batch.adds.length;
      serializer.subtree(node, parentId, nextId, false, batch.adds);
      for (let i = start; i < batch.adds.length; i++) {
        const record = batch.adds[i];
        if (record !== undefined) {
          const serialized = ids.nodeOf(record.id);
          if (serialized !== undefined) serializedNow.add(serialized);
        }
      }
    };

    for (const root of rootKinds) {
      const parent = serializer.captureParent(root);
      if (parent !== null) serializeRoot(root, parent, null);
    }
    for (const [parent, group] of groups) {
      const members = new Set(group);
      // Later siblings first, so every `next` names a node the mirror already has.
      group.sort((a, b) => (a.compareDocumentPosition(b) & 4 /* FOLLOWING */ ? 1 : -1));
      for (const node of group) {
        let next = node.nextSibling;
        while (
          next !== null &&
          (isOwnUi(next) || (!ids.has(next) && !members.has(next)) || this.#removedInMirror.has(next))
        ) {
          next = next.nextSibling;
        }
        serializeRoot(node, parent, next === null ? null : (ids.idOf(next) ?? null));
      }
    }
  }

  #collectSheets(batch: MutationBatch): void {
    const { ids, serializedNow } = this.#o;
    const owners = new Set<Element>(this.#dirtyStyleOwners);
    this.#dirtyStyleOwners.clear();
    for (const sheet of this.#dirtySheets) {
      let top: CSSStyleSheet = sheet;
      while (top.parentStyleSheet !== null) top = top.parentStyleSheet;
      const owner = top.ownerNode;
      if (owner === null) this.#adoptedDirty = true;
      else if (nodeTypeOf(owner) === 1) owners.add(owner as Element);
    }
    this.#dirtySheets.clear();
    for (const owner of owners) {
      if (serializedNow.has(owner) || this.#removedInMirror.has(owner) || !isLive(owner)) continue;
      const id = ids.idOf(owner);
      const sheet = (owner as HTMLStyleElement).sheet;
      if (id === undefined || sheet === null || sheet === undefined) continue;
      const css = readRules(sheet, owner.baseURI);
      if (css !== null) batch.sheets.push({ id, cssRules: css });
    }
    if (!this.#adoptedDirty) {
      for (const root of this.#o.roots()) {
        const current = adoptedSheetsOf(root);
        const previous = this.#lastAdoptedSheets.get(root) ?? [];
        if (current.length !== previous.length || current.some((sheet, i) => sheet !== previous[i])) {
          this.#adoptedDirty = true;
          break;
        }
      }
    }
    if (!this.#adoptedDirty) return;
    this.#adoptedDirty = false;
    for (const root of this.#o.roots()) {
      const id = root === this.#o.topDocument ? TOP_DOCUMENT_ID : ids.idOf(root);
      if (id === undefined || serializedNow.has(root) || this.#removedInMirror.has(root)) continue;
      const css = adoptedCss(root) ?? [];
      const key = css.join('\u0000');
      this.#lastAdoptedSheets.set(root, adoptedSheetsOf(root));
      if (this.#lastAdopted.get(root) === key) continue;
      this.#lastAdopted.set(root, key);
      batch.sheets.push({ id, cssRules: css });
    }
  }
}
