/**
 * Builds and changes the mirror's DOM from serialized nodes: snapshot nodes
 * and mutation batches (removes, adds, attribute, text and sheet changes).
 * Work that needs the whole batch in place first (form state, a <style>'s
 * rules, scroll offsets) is deferred to the end of the batch. A change that
 * does not fit the mirror's document throws MirrorApplyError: the mirror has
 * drifted and asks for a resync.
 */
import type { DomFrame } from '../../shared/protocol.js';
import {
  applyFormState,
  createCspMeta,
  documentCsp,
  createMirrorElement,
  prepareDocument,
  setMirrorAttribute,
  type BuildContext,
  type FormState,
} from './build-node.js';
import {
  canAttachShadow,
  createDoctype,
  insertQuietly,
  isDocument,
  isElement,
  isShadowRoot,
  ownerDocumentOf,
  rootsWithDoctype,
} from './dom-nodes.js';
import { SHADOW_FALLBACK_TAG } from './masked-style.js';
import { parseWithDoctype, StatedModes } from './document-mode.js';
import type { MirrorNodes } from './mirror-nodes.js';
import type { MirrorScroll } from './mirror-scroll.js';
import type { MirrorStyles } from './mirror-styles.js';

type MutationsFrame = Extract<DomFrame, { t: 'mutations' }>;
export type SerializedNode = Extract<DomFrame, { t: 'snapshot' }>['nodes'][number];

/** A frame that does not fit the mirror's document: the mirror has drifted. */
export class MirrorApplyError extends Error {
  override name = 'MirrorApplyError';
}

/** Work left for the end of a batch (or of a snapshot built part by part). */
export type DeferredWork = (() => void)[];

/** Which nodes of a list to add, and whether they are a snapshot's (in pre-order). */
export interface AddRange {
  from?: number;
  to?: number;
  snapshot?: boolean;
}

export interface MirrorTreeParts {
  nodes: MirrorNodes;
  styles: MirrorStyles;
  scroll: MirrorScroll;
  ctx: BuildContext;
  /** A mirror document was (re)opened: it needs its listeners again. */
  documentPrepared: (doc: Document) => void;
}

export class MirrorTree {
  readonly #nodes: MirrorNodes;
  readonly #styles: MirrorStyles;
  readonly #scroll: MirrorScroll;
  readonly #ctx: BuildContext;
  readonly #documentPrepared: (doc: Document) => void;
  readonly #modes = new StatedModes();
  /**
   * A snapshot's <style> whose CSSOM rules wait for its text (which would
   * replace them): in a snapshot's pre-order, the first node outside it. Not
   * left for the end of the snapshot, which would lay a big page out
   * unstyled slice by slice and then restyle all of it at once.
   */
  #openStyle: { id: number; apply: () => void } | null = null;

  constructor(parts: MirrorTreeParts) {
    this.#nodes = parts.nodes;
    this.#styles = parts.styles;
    this.#scroll = parts.scroll;
    this.#ctx = parts.ctx;
    this.#documentPrepared = parts.documentPrepared;
  }

  /** Empties `doc` for a new snapshot and makes it node 0; `quirks`: its mode where the doctype misleads (document-mode.ts). */
  openTopDocument(doc: Document, withDoctype: boolean, adopted: readonly string[], quirks?: boolean): void {
    this.#openStyle = null;
    this.#prepare(doc, parseWithDoctype(quirks, withDoctype));
    this.#modes.prepared(doc, quirks, withDoctype);
    this.#nodes.register(0, doc);
    this.#styles.setAdopted(doc, adopted);
  }

  /** Adds nodes (a batch's, a snapshot part's, or nodes[from..to) of one) in order. */
  addNodes(
    nodes: readonly SerializedNode[],
    deferred: DeferredWork,
    doctypeRoots: ReadonlySet<number>,
    range: AddRange = {},
  ): void {
    // An iframe document added by an earlier part may get its doctype only now.
    this.#switchToStandardsMode(doctypeRoots);
    const snapshot = range.snapshot === true;
    for (let i = range.from ?? 0; i < (range.to ?? nodes.length); i++) {
      const node = nodes[i];
      if (node === undefined) continue;
      const open = this.#openStyle;
      if (open !== null && node.parent !== open.id) {
        this.#openStyle = null;
        open.apply();
      }
      this.#addNode(node, deferred, doctypeRoots, snapshot);
    }
  }

  applyMutations(frame: MutationsFrame): void {
    this.#openStyle = null;
    for (const id of frame.removes) this.#removeNode(id);
    const deferred: DeferredWork = [];
    this.addNodes(frame.adds, deferred, rootsWithDoctype(frame.adds));
    for (const change of frame.attrs) {
      const element = this.#nodes.get(change.id);
      if (!isElement(element)) throw new MirrorApplyError(`attribute change for missing element ${change.id}`);
      for (const [name, value] of Object.entries(change.attributes))
        setMirrorAttribute(element, name, value, this.#ctx);
    }
    for (const change of frame.texts) {
      const node = this.#nodes.get(change.id);
      if (!node || (node.nodeType !== Node.TEXT_NODE && node.nodeType !== Node.COMMENT_NODE)) {
        throw new MirrorApplyError(`text change for missing text node ${change.id}`);
      }
      (node as CharacterData).data = this.#styles.textFor(node.parentNode, change.text);
      if (change.masked) this.#nodes.markMasked(change.id, node.parentNode);
      else this.#nodes.unmarkMaskedText(change.id, node.parentNode);
    }
    for (const sheet of frame.sheets ?? []) this.#applySheet(sheet.id, sheet.cssRules);
    for (const work of deferred) work();
  }

  #prepare(doc: Document, withDoctype: boolean): void {
    prepareDocument(doc, withDoctype, documentCsp(this.#ctx));
    this.#documentPrepared(doc);
  }

  /**
   * A doctype can arrive after its document was mirrored: an iframe flushed
   * while its parser was still running is first sent empty, and its doctype
   * and <html> come in a later batch. Only the parser sets the document mode,
   * so inserting the doctype node left the mirror in quirks mode (different
   * layout); the document is re-opened in standards mode, keeping its nodes.
   */
  #switchToStandardsMode(rootIds: ReadonlySet<number>): void {
    for (const id of rootIds) {
      const doc = this.#nodes.get(id);
      if (!isDocument(doc) || doc.compatMode !== 'BackCompat' || this.#modes.has(doc)) continue;
      const kept = [...doc.childNodes].filter((child) => child.nodeType !== Node.DOCUMENT_TYPE_NODE);
      const adopted = doc.adoptedStyleSheets;
      this.#prepare(doc, true);
      doc.adoptedStyleSheets = adopted;
      for (const child of kept) insertQuietly(doc, child, null);
    }
  }

  #removeNode(id: number): void {
    const node = this.#nodes.get(id);
    // Already gone with an ancestor removed earlier in the same batch.
    if (!node) return;
    if (id === 0) throw new MirrorApplyError('the document itself cannot be removed');
    if (isDocument(node) || isShadowRoot(node)) {
      // A root's content goes away; the root stays attached to its frame or host.
      for (const child of [...node.childNodes]) {
        this.#nodes.forgetSubtree(child);
        child.parentNode?.removeChild(child);
      }
      this.#nodes.forget(node);
      return;
    }
    this.#nodes.forgetSubtree(node);
    node.parentNode?.removeChild(node);
  }

  #addNode(node: SerializedNode, deferred: DeferredWork, doctypeRoots: ReadonlySet<number>, snapshot: boolean): void {
    const nodes = this.#nodes;
    const parent = nodes.get(node.parent);
    if (!parent) throw new MirrorApplyError(`parent ${node.parent} of node ${node.id} is missing`);
    let next: Node | null = null;
    if (node.next !== undefined && node.next !== null) {
      next = nodes.get(node.next) ?? null;
      if (!next || next.parentNode !== parent) {
        throw new MirrorApplyError(`next sibling ${node.next} of node ${node.id} is not a child of ${node.parent}`);
      }
    }
    const existing = nodes.get(node.id);
    if (existing) this.#removeNode(node.id);

    switch (node.kind) {
      case 'shadow':
        this.#addShadowRoot(node.id, parent, node.adopted ?? []);
        return;
      case 'doc':
        this.#addFrameDocument(node.id, parent, node.adopted ?? [], doctypeRoots.has(node.id), node.quirks);
        return;
      case 'doctype': {
        if (!isDocument(parent)) throw new MirrorApplyError(`doctype ${node.id} outside a document`);
        const doctype = parent.doctype ?? createDoctype(parent, node.name);
        if (!doctype.parentNode) insertQuietly(parent, doctype, next ?? parent.documentElement);
        nodes.register(node.id, doctype);
        return;
      }
      case 'comment': {
        const comment = ownerDocumentOf(parent).createComment(node.text);
        this.#insert(parent, comment, next);
        nodes.register(node.id, comment);
        return;
      }
      case 'text': {
        const text = ownerDocumentOf(parent).createTextNode(this.#styles.textFor(parent, node.text));
        this.#insert(parent, text, next);
        nodes.register(node.id, text);
        if (node.masked) nodes.markMasked(node.id, parent);
        return;
      }
      case 'el': {
        const doc = ownerDocumentOf(parent);
        const element = createMirrorElement(doc, node, this.#ctx);
        if (element.localName === 'head' && isElement(parent) && parent.localName === 'html') {
          element.append(createCspMeta(doc, documentCsp(this.#ctx)));
        }
        this.#insert(parent, element, next);
        nodes.register(node.id, element);
        if (node.masked) nodes.noteMasked(node.id);
        if (node.blocked) return;
        if (
          node.value !== undefined ||
          node.checked !== undefined ||
          node.selected !== undefined ||
          node.indeterminate !== undefined ||
          node.invalid !== undefined
        ) {
          const state: FormState = {
            value: node.value,
            checked: node.checked,
            selected: node.selected,
            indeterminate: node.indeterminate,
            invalid: node.invalid,
          };
          deferred.push(() => applyFormState(element, state));
        }
        const css = node.cssRules;
        if (css && element.localName === 'style') {
          let applied = false;
          const apply = (): void => {
            if (applied) return;
            applied = true;
            this.#styles.applyRules(element, css);
          };
          deferred.push(apply);
          if (snapshot) this.#openStyle = { id: node.id, apply };
        }
        if (node.scrollX !== undefined || node.scrollY !== undefined) {
          const id = node.id;
          const x = node.scrollX ?? 0;
          const y = node.scrollY ?? 0;
          this.#scroll.note(id, x, y);
          deferred.push(() => this.#scroll.scrollTo(id, x, y));
        }
        return;
      }
    }
  }

  /** Inserts a customer node; a document takes only one element and no text, so extras stay detached. */
  #insert(parent: Node, child: Node, next: Node | null): void {
    if (isDocument(parent)) {
      const allowed =
        child.nodeType === Node.COMMENT_NODE || (child.nodeType === Node.ELEMENT_NODE && !parent.documentElement);
      if (allowed) insertQuietly(parent, child, next);
      return;
    }
    try {
      parent.insertBefore(child, next);
    } catch (error) {
      throw new MirrorApplyError(
        `cannot insert into ${parent.nodeName}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  #addShadowRoot(id: number, host: Node, adopted: readonly string[]): void {
    if (!isElement(host)) throw new MirrorApplyError(`shadow root ${id} on a non-element`);
    let root: Node;
    if (host.shadowRoot) {
      root = host.shadowRoot;
      for (const child of [...root.childNodes]) {
        this.#nodes.forgetSubtree(child);
        root.removeChild(child);
      }
    } else if (canAttachShadow(host)) {
      root = host.attachShadow({ mode: 'open' });
    } else {
      // This host cannot have a shadow root in the mirror (e.g. the customer's
      // custom element replaced a built-in): its shadow children render in a
      // display:contents wrapper in front of the light DOM instead.
      const wrapper = host.ownerDocument.createElement(SHADOW_FALLBACK_TAG);
      host.prepend(wrapper);
      root = wrapper;
    }
    if (isShadowRoot(root)) this.#styles.setAdopted(root, adopted);
    this.#nodes.register(id, root);
  }

  #addFrameDocument(id: number, frame: Node, adopted: readonly string[], withDoctype: boolean, quirks?: boolean): void {
    const frameDocument =
      isElement(frame) && frame.localName === 'iframe' ? (frame as HTMLIFrameElement).contentDocument : null;
    if (!frameDocument) {
      // Not a frame the mirror can fill (e.g. an inert <object>): build it detached, out of sight.
      this.#nodes.register(id, ownerDocumentOf(frame).implementation.createHTMLDocument(''));
      return;
    }
    this.#prepare(frameDocument, parseWithDoctype(quirks, withDoctype));
    this.#modes.prepared(frameDocument, quirks, withDoctype);
    this.#styles.setAdopted(frameDocument, adopted);
    this.#nodes.register(id, frameDocument);
  }

  #applySheet(id: number, rules: readonly string[]): void {
    const owner = this.#nodes.get(id);
    if (!owner) throw new MirrorApplyError(`sheet change for missing node ${id}`);
    const standIn = this.#styles.applySheet(owner, rules);
    if (standIn === null) return;
    this.#nodes.unlink(owner);
    this.#nodes.register(id, standIn);
  }
}
