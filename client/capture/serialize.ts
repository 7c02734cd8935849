/**
 * Turns one live DOM node into its `SerializedNode` (contract in
 * shared/protocol/nodes.ts), masked: every element's decision comes from
 * describeField/decideField, every attribute, value and text goes through
 * the masking functions before it is put in a record. Works on nodes of
 * same-origin iframes too (no `instanceof`, node types only).
 */
import type { SerializedNode } from '../../shared/protocol.js';
import { maskCss } from '../../shared/mask-css.js';
import { hasDigit, runEdges } from '../../shared/sensitive-numbers.js';
import { decideField, maskTextContent, type MaskDecision } from './mask.js';
import {
  LabelIndex,
  describeField,
  isPlainClear,
  maskAncestry,
  rootAncestry,
  type MaskAncestry,
  type MaskConfig,
} from './mask-dom.js';
import type { NodeIds } from './node-ids.js';
import { PendingNodes, Where } from './pending-nodes.js';
import type { SheetReader } from './stylesheets.js';
import { adoptedCss } from './stylesheets.js';
import { isRunText, runNeighbours, type RunNeighbours } from './text-runs.js';
import { AttributeValues } from './attribute-values.js';
import { quirksWhereDoctypeMisleads } from './document-mode.js';
import { attributeByName, iframeDocument, isShadowRoot } from './dom-nodes.js';
import { copyFormState, readFormState, type FormState } from './form-state.js';
import { MAX_COMMENT, MAX_TAG, MAX_TEXT, clip } from './record-limits.js';
import { TypingMask, type SensitiveFields } from './typing-mask.js';
import { ScrollCandidates, attributeMayScroll } from './scroll-candidates.js';
import {
  attributeNamesOf,
  childNodesOf,
  localNameOf,
  namespaceOf,
  nodeTypeOf,
  ownerDocumentOf,
  parentNodeOf,
  capturedShadowRoot,
  lastChildOf,
  previousSiblingOf,
} from './dom-read.js';

export type ElementRecord = Extract<SerializedNode, { kind: 'el' }>;
export type TextRecord = Extract<SerializedNode, { kind: 'text' }>;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;
const DOCUMENT_NODE = 9;
const DOCUMENT_TYPE_NODE = 10;
const DOCUMENT_FRAGMENT_NODE = 11;

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const SVG_NS = 'http://www.w3.org/2000/svg';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

export interface SerializerOptions {
  /** Fields whose digits stay masked (shared by every run of one capture). */
  sensitiveFields: SensitiveFields;
  ids: NodeIds;
  mask: MaskConfig;
  sheets: SheetReader;
  topDocument: Document;
  isOwnUi: (node: Node) => boolean;
  /** An open shadow root or same-origin iframe document was reached: observe it. */
  onRoot: (root: Document | ShadowRoot) => void;
  /** A node was serialized (snapshot or add). */
  onSerialized: (node: Node, record: SerializedNode) => void;
}

export class Serializer {
  readonly #o: SerializerOptions;
  /** Each element's last masking decision lives on the element under this run's own symbol (no WeakMap entry per element). */
  readonly #decisionKey = Symbol('cobrowse-mask-decision');
  /** Elements whose children are not captured (blocked, script); adds under them are ignored. */
  readonly #leaves = new WeakSet<Node>();

  /** One label lookup table per run instead of Chromium's per-field tree scan (`el.labels`). */
  readonly #labels = new LabelIndex();

  /** The elements whose scroll offsets are worth reading, per document of this run. */
  readonly #scrollers = new ScrollCandidates();

  /** The text each text node last went out with, under this run's own symbol. */
  readonly #sentKey = Symbol('cobrowse-sent-text');

  /** Digits masked while the customer types (typing-mask.ts). */
  readonly typing: TypingMask;

  /** Attribute values as they may leave (attribute-values.ts). */
  readonly #attributes: AttributeValues;

  constructor(options: SerializerOptions) {
    this.#o = options;
    this.typing = new TypingMask(options.sensitiveFields);
    this.#attributes = new AttributeValues(this.typing);
  }

  /** The text `node` last went out with (undefined when never sent in this run). */
  sentText(node: CharacterData): string | undefined {
    return (node as unknown as Record<symbol, string | undefined>)[this.#sentKey];
  }

  /** Notes the text `node` went out with. */
  rememberSentText(node: CharacterData, text: string): void {
    (node as unknown as Record<symbol, string | undefined>)[this.#sentKey] = text;
  }

  /**
   * Reads what every slice may need of `doc` as a whole (overflow rules, label index) unless done,
   * a step at a time while `more()` says so; true once all of it is read.
   */
  prepareDocument(doc: Document, more: () => boolean): boolean {
    this.#scrollers.prepare(doc);
    return this.#labels.prepareSome(doc, more);
  }

  /** The page changed: label texts must be read again. */
  domChanged(): void {
    this.#labels.invalidate();
  }

  /**
   * A synchronous pass over the DOM (a snapshot slice) starts: page scripts may have run since the last one,
   * so the masking ancestries `stack` holds from before no longer hold (pending-nodes.ts).
   */
  beginPass(stack: PendingNodes): void {
    stack.newPass();
  }

  /** The node a captured node hangs under: parent node, a shadow root's host, an iframe document's <iframe>. */
  captureParent(node: Node): Node | null {
    return node === this.#o.topDocument ? null : this.captureParentOf(node, nodeTypeOf(node));
  }

  /** captureParent of a node whose type (nodeTypeOf) the caller read already (the walk: once per node). */
  captureParentOf(node: Node, type: number): Node | null {
    if (node === this.#o.topDocument) return null;
    if (type === DOCUMENT_NODE) {
      try {
        return (node as Document).defaultView?.frameElement ?? null;
      } catch {
        return null;
      }
    }
    if (type === DOCUMENT_FRAGMENT_NODE) return isShadowRoot(node) ? node.host : null;
    return parentNodeOf(node);
  }

  /** Whether nodes inserted into `parent`'s child list are captured. */
  capturesChildList(parent: Node): boolean {
    if (this.#leaves.has(parent)) return false;
    if (nodeTypeOf(parent) !== ELEMENT_NODE) return true;
    const tag = localNameOf(parent as Element);
    return tag !== 'iframe' && tag !== 'script' && tag !== 'frame';
  }

  /** The masking decision taken when the element was last serialized (computed now if never). */
  decisionOf(el: Element): MaskDecision {
    return (el as unknown as Record<symbol, MaskDecision | undefined>)[this.#decisionKey] ?? this.decideNow(el);
  }

  /** The element's masking decision from the live DOM, cached unless `keep` is false (`ancestry`: see maskAncestry). */
  decideNow(el: Element, ancestry?: MaskAncestry, keep = true): MaskDecision {
    const decision =
      ancestry !== undefined && isPlainClear(el, ancestry)
        ? 'clear'
        : decideField(describeField(el, this.#o.mask, this.#labels, ancestry)).decision;
    if (keep) (el as unknown as Record<symbol, MaskDecision | undefined>)[this.#decisionKey] = decision;
    return decision;
  }

  /** Whether the cached decision still holds (an attribute change may have masked or blocked the element). */
  decisionChanged(el: Element): boolean {
    const before = (el as unknown as Record<symbol, MaskDecision | undefined>)[this.#decisionKey];
    return before !== undefined && before !== this.decideNow(el);
  }

  /**
   * Serializes one node under `parentId`; null for our own UI and node kinds that are not captured.
   * Its capture children go onto `into`, last first (shadow root first, then child nodes; an iframe's document).
   * `inherited`: the masking ancestry of its capture parent, when known in this pass (its DOM parent's, for an
   * element: the walk only visits a node still under the parent it was read under). `type`: its nodeTypeOf;
   * `parent`: its capture parent, when the caller knows it (read in this pass).
   */
  visit(
    node: Node,
    parentId: number,
    fresh: boolean,
    into: PendingNodes,
    where: number = Where.unknown,
    inherited?: MaskAncestry,
    type: number = nodeTypeOf(node),
    parent?: Node,
  ): SerializedNode | null {
    if (this.#o.isOwnUi(node)) return null;
    if (
      type !== ELEMENT_NODE &&
      type !== TEXT_NODE &&
      type !== CDATA_SECTION_NODE &&
      type !== COMMENT_NODE &&
      type !== DOCUMENT_TYPE_NODE &&
      type !== DOCUMENT_NODE &&
      type !== DOCUMENT_FRAGMENT_NODE
    ) {
      return null; // processing instructions
    }
    if (type === DOCUMENT_FRAGMENT_NODE && !isShadowRoot(node)) return null;
    const ids = this.#o.ids;
    const id = fresh ? ids.assignFresh(node) : ids.ensure(node);
    let record: SerializedNode;
    switch (type) {
      case ELEMENT_NODE:
        record = this.#element(node as Element, id, parentId, into, where, inherited);
        break;
      case TEXT_NODE:
      case CDATA_SECTION_NODE:
        record = this.#text(node as CharacterData, id, parentId, parent);
        break;
      case COMMENT_NODE:
        record = {
          kind: 'comment',
          id,
          parent: parentId,
          text: clip(this.textValue(node as CharacterData, parent).text, MAX_COMMENT),
        };
        break;
      case DOCUMENT_TYPE_NODE:
        record = { kind: 'doctype', id, parent: parentId, name: clip((node as DocumentType).name, MAX_TAG) };
        break;
      default: {
        const root = node as Document | ShadowRoot;
        this.#o.onRoot(root);
        const ancestry = inherited === undefined ? undefined : rootAncestry(inherited);
        record = { kind: type === DOCUMENT_NODE ? 'doc' : 'shadow', id, parent: parentId };
        const adopted = adoptedCss(root);
        if (adopted !== undefined) record.adopted = adopted;
        const quirks = type === DOCUMENT_NODE ? quirksWhereDoctypeMisleads(root as Document) : undefined;
        if (quirks !== undefined && record.kind === 'doc') record.quirks = quirks;
        const children = childNodesOf(root);
        for (let i = children.length - 1; i >= 0; i--) {
          const child = children[i];
          if (child !== undefined)
            into.push(child, root, id, type === DOCUMENT_NODE ? Where.plain : Where.inShadow, ancestry);
        }
      }
    }
    this.#o.onSerialized(node, record);
    return record;
  }

  /**
   * Serializes `root` and its whole capture subtree synchronously, in
   * pre-order; `next` goes on the root only. Returns the records appended.
   */
  subtree(
    root: Node,
    parentId: number,
    next: number | null | undefined,
    fresh: boolean,
    out: SerializedNode[],
  ): number {
    // Its own stack: the ancestries it holds are of this pass only (the root's is read from the DOM).
    const stack = new PendingNodes();
    const startLength = out.length;
    let node: Node | undefined = root;
    let id: number | undefined = parentId;
    let where: number | undefined = Where.unknown;
    let inherited: MaskAncestry | undefined;
    let parent: Node | undefined;
    while (node !== undefined && id !== undefined && where !== undefined) {
      const record = this.visit(node, id, fresh, stack, where, inherited, nodeTypeOf(node), parent);
      if (record !== null) {
        if (out.length === startLength && next !== undefined) record.next = next;
        out.push(record);
      }
      parent = stack.parents.pop();
      node = stack.nodes.pop();
      id = stack.parentIds.pop();
      where = stack.wheres.pop();
      inherited = stack.popAncestry();
    }
    return out.length - startLength;
  }

  /**
   * The masked text of a text or comment node, by its parent's decision;
   * numbers are looked for over the text its neighbours render with it
   * (text-runs.ts). CSS text only gets its strings and comments masked. `parent`: its parent node, when the
   * caller read it already.
   */
  textValue(node: CharacterData, parent: Node | null = parentNodeOf(node)): { text: string; masked: boolean } {
    let decision: MaskDecision = 'clear';
    if (parent !== null) {
      if (nodeTypeOf(parent) === ELEMENT_NODE) {
        const tag = localNameOf(parent as Element);
        if (tag === 'style') {
          // Strict while the customer types (a page may echo each key into a rule); sent again after (typing.ts).
          const strict = this.typing.isStrict(node);
          const css = maskCss(node.data, strict, strict ? this.typing.typedDigits() : null);
          if (strict && css.masked) this.typing.noteMaskedText(node, node.data);
          return { text: this.typing.echoes.maskCss(css.text), masked: css.masked };
        }
        decision = this.decisionOf(parent as Element);
      } else if (isShadowRoot(parent)) {
        decision = this.decisionOf(parent.host);
      }
    }
    const data = node.data;
    if (decision !== 'clear') return maskTextContent(decision, data);
    this.typing.growth.noteOldText(node, this);
    if (!hasDigit(data)) return this.typing.echoes.mask(maskTextContent(decision, data), node);
    const strict = this.typing.isStrict(node);
    let before: RunNeighbours | null = null;
    let after: RunNeighbours | null = null;
    // Text a number may be assembled in (a comment is not shown; <title>, <textarea> text are, alone).
    const shown = !strict && nodeTypeOf(node) !== COMMENT_NODE;
    if (shown && isRunText(node, this.#o.isOwnUi)) {
      const edges = runEdges(data);
      if (edges.start) before = runNeighbours(node, -1, this.#o.isOwnUi);
      if (edges.end) after = runNeighbours(node, 1, this.#o.isOwnUi);
    }
    return this.typing.maskText(node, data, before, after, strict, shown, this);
  }

  /** The text nodes whose masking may depend on `node`'s text (its neighbours in the same run). */
  runNeighbourTexts(node: Node): CharacterData[] {
    const isOwnUi = this.#o.isOwnUi;
    return [...runNeighbours(node, -1, isOwnUi).nodes, ...runNeighbours(node, 1, isOwnUi).nodes];
  }

  #text(node: CharacterData, id: number, parentId: number, parent: Node | undefined): TextRecord {
    const { text, masked } = this.textValue(node, parent);
    const record: TextRecord = { kind: 'text', id, parent: parentId, text: clip(text, MAX_TEXT) };
    this.rememberSentText(node, record.text);
    if (masked) record.masked = true;
    return record;
  }

  /** One attribute changed by the page as it may leave (URLs absolute, masked); undefined when it must not be sent. */
  attributeValue(el: Element, name: string, value: string, decision: MaskDecision): string | undefined {
    const strict = this.typing.isStrict(el) || this.typing.attributeGrew(el, name, value, decision);
    const sent = this.#attributes.value(el, localNameOf(el), name, value, decision, strict);
    return this.typing.sentAttribute(el, name, sent);
  }

  /**
   * The element's form state (value, checked, selected, indeterminate), masked by its decision
   * (form-state.ts); `change` for a change rather than a snapshot.
   */
  formState(el: Element, decision: MaskDecision, change = false): FormState {
    return readFormState(el, decision, this.typing, change);
  }

  #element(
    el: Element,
    id: number,
    parentId: number,
    into: PendingNodes,
    found: number,
    inherited: MaskAncestry | undefined,
  ): SerializedNode {
    const tag = localNameOf(el);
    const record: ElementRecord = { kind: 'el', id, parent: parentId, tag: clip(tag, MAX_TAG) };
    const namespace = namespaceOf(el);
    if (namespace === SVG_NS) record.namespace = 'svg';
    else if (namespace === MATHML_NS) record.namespace = 'math';
    if (
      tag === 'script' &&
      (namespace === SVG_NS || namespace === null || namespace === 'http://www.w3.org/1999/xhtml')
    ) {
      this.#leaves.add(el);
      return record;
    }

    // Names then values, not el.attributes: indexing that map makes Chromium create an Attr node
    // per attribute (2-3x slower on a 100k-node page, and the Attrs stay attached to the element).
    const names = attributeNamesOf(el);
    const ancestry = maskAncestry(el, this.#o.mask, inherited, names);
    const decision = this.decideNow(el, ancestry);
    // An attribute of its own may make it a scroller (scroll-candidates.ts).
    let scrollAttribute = false;
    if (names.length > 0) {
      const htmlElement = namespace === HTML_NS;
      const strict = this.typing.isStrict(el);
      const out: Record<string, string> = {};
      let any = false;
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const raw = attributeByName(el, name, htmlElement);
        if (raw === null) continue;
        if (!scrollAttribute && attributeMayScroll(name, raw)) scrollAttribute = true;
        const value = this.#attributes.value(el, tag, name, raw, decision, strict);
        if (value === undefined) continue;
        out[name] = value;
        any = true;
      }
      if (any) record.attributes = out;
    }

    if (decision === 'block') {
      this.#leaves.add(el);
      const box = el.getBoundingClientRect();
      record.blocked = { width: box.width, height: box.height };
      record.masked = true;
      return record;
    }

    // Only these can have a form state (validity: form-associated elements); the others skip building one.
    if (
      decision !== 'clear' ||
      tag === 'input' ||
      tag === 'textarea' ||
      tag === 'option' ||
      (el as HTMLInputElement).validity !== undefined
    )
      copyFormState(record, this.formState(el, decision));

    if (tag === 'style' || tag === 'link') {
      const css = this.#o.sheets.ownerCss(el);
      if (css !== undefined) record.cssRules = css;
    }

    const shadow = capturedShadowRoot(el);
    const owner = ownerDocumentOf(el) ?? el.ownerDocument;
    const where = found !== Where.unknown ? found : whereInDom(el, owner);
    // Reading scroll offsets is costly (scroll-candidates.ts): only where a scroller can be. A shadow tree's
    // own sheets style its elements, its host (:host) and the host's children (::slotted): those are asked.
    // Cheapest first: getRootNode walks up to the root, and scrollingElement is asked only of a candidate.
    if (
      (shadow !== null ||
        where !== Where.plain ||
        tag.includes('-') ||
        this.#scrollers.may(el, owner, tag, scrollAttribute)) &&
      el !== owner.scrollingElement
    ) {
      const sx = el.scrollLeft;
      const sy = el.scrollTop;
      if (sx !== 0) record.scrollX = sx;
      if (sy !== 0) record.scrollY = sy;
    }

    if (tag === 'iframe' || tag === 'frame') {
      const doc = iframeDocument(el);
      if (doc !== null) into.push(doc, el, id, where, ancestry);
      return record;
    }
    // Sibling pointers, not el.childNodes: no live NodeList per element (about 3x faster). Pristine
    // ones: a form's `<input name="lastChild">` shadows the form's own.
    const childWhere = (where & Where.inShadow) | (shadow !== null ? Where.hostChild : Where.plain);
    for (let child = lastChildOf(el); child !== null; child = previousSiblingOf(child))
      into.push(child, el, id, childWhere, ancestry);
    if (shadow !== null) into.push(shadow, el, id, Where.inShadow, ancestry);
    return record;
  }
}

/** Where an element was found, asked of the DOM (a subtree's root): in a shadow tree, under a shadow host. */
function whereInDom(el: Element, owner: Document): number {
  const parent = parentNodeOf(el);
  return (
    (el.getRootNode() !== owner ? Where.inShadow : Where.plain) |
    (parent !== null && nodeTypeOf(parent) === ELEMENT_NODE && capturedShadowRoot(parent as Element) !== null
      ? Where.hostChild
      : Where.plain)
  );
}
