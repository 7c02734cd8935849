/**
 * DOM adapter of the masking module: reads what `decideField` needs from a
 * live element. Kept free of `instanceof` checks so it works on elements of
 * same-origin iframes (another realm) too.
 */
import type { FieldDescriptor } from './mask.js';
import { closestOf, getAttr, hasAttr, localNameOf, matchesOf, nodeTypeOf } from './dom-read.js';
import { isSplitNumberBox } from './split-fields.js';

/** Inputs seen as type=password: they stay masked as passwords when a page reveals them (type=text). */
const passwordFields = new WeakSet<Element>();

/** Integrator configuration: extra selectors whose elements (and subtrees) are masked or blocked. */
export interface MaskConfig {
  readonly extraMaskSelectors: readonly string[];
  readonly extraBlockSelectors: readonly string[];
  /**
   * Markers and all selectors joined, set by `createMaskConfig`: one `closest`
   * with it rules out every marker and selector for the common unmarked element.
   */
  readonly anyMarkerSelector?: string;
}

/** Called once per invalid selector when a config is created. */
export type InvalidSelectorReporter = (selector: unknown, kind: 'mask' | 'block') => void;

const MASK_ATTRIBUTE = 'data-cobrowse-mask';
const BLOCK_ATTRIBUTE = 'data-cobrowse-block';
const MASK_MARKER = `[${MASK_ATTRIBUTE}]`;
const BLOCK_MARKER = `[${BLOCK_ATTRIBUTE}]`;
/** A contenteditable host: its text, and that of everything inside it, is a typed value. */
const EDITABLE = '[contenteditable]';
const LABEL_TEXT_LIMIT = 512;

const reportToConsole: InvalidSelectorReporter = (selector, kind) => {
  console.warn(`[cobrowse] ignoring invalid ${kind} selector`, selector);
};

function isValidSelector(selector: unknown): selector is string {
  if (typeof selector !== 'string' || selector.trim() === '') return false;
  // Without a DOM (SSR, Node) the selector cannot be checked here; describeField tolerates it.
  if (typeof document === 'undefined') return true;
  try {
    document.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
}

function validSelectors(input: unknown, kind: 'mask' | 'block', report: InvalidSelectorReporter): readonly string[] {
  if (input === undefined) return Object.freeze([]);
  const candidates: readonly unknown[] = Array.isArray(input) ? input : [input];
  const valid: string[] = [];
  const seen = new Set<unknown>();
  for (const selector of candidates) {
    if (seen.has(selector)) continue;
    seen.add(selector);
    if (isValidSelector(selector)) valid.push(selector);
    else report(selector, kind);
  }
  return Object.freeze(valid);
}

/** Builds a frozen config, dropping (and reporting once each) selectors the browser cannot parse. */
export function createMaskConfig(
  input?: Partial<MaskConfig>,
  report: InvalidSelectorReporter = reportToConsole,
): MaskConfig {
  const extraMaskSelectors = validSelectors(input?.extraMaskSelectors, 'mask', report);
  const extraBlockSelectors = validSelectors(input?.extraBlockSelectors, 'block', report);
  const anyMarkerSelector = [MASK_MARKER, BLOCK_MARKER, ...extraMaskSelectors, ...extraBlockSelectors].join(',');
  return Object.freeze({ extraMaskSelectors, extraBlockSelectors, anyMarkerSelector });
}

/**
 * The element or ancestor matching `selector`, crossing shadow roots (to the
 * host) and same-origin iframe documents (to the <iframe>), so a marker on a
 * host or an iframe covers what is inside it. `ifUnparsable` is the answer
 * for a selector the browser rejects.
 */
function closestComposed(el: Element, selector: string, ifUnparsable = false): boolean {
  let current: Element | null = el;
  while (current !== null) {
    try {
      if (closestOf(current, selector) !== null) return true;
    } catch {
      return ifUnparsable;
    }
    current = hostOf(current.getRootNode());
  }
  return false;
}

function hostOf(root: Node): Element | null {
  if (nodeTypeOf(root) === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root) {
    const host = (root as ShadowRoot).host;
    return host ?? null;
  }
  if (nodeTypeOf(root) === Node.DOCUMENT_NODE) {
    try {
      return (root as Document).defaultView?.frameElement ?? null;
    } catch {
      return null; // cross-origin parent
    }
  }
  return null;
}

function matchesAny(el: Element, selectors: readonly string[]): boolean {
  for (const selector of selectors) if (closestComposed(el, selector)) return true;
  return false;
}

/**
 * The element whose value `el` shows: an <option>/<optgroup> belongs to its
 * <select>, anything inside a contenteditable host to that host.
 */
function valueOwner(el: Element, ancestry: MaskAncestry | undefined): { owner: Element; editable: boolean } {
  const tag = localNameOf(el).toLowerCase();
  if (tag === 'option' || tag === 'optgroup') {
    const select = closestOf(el, 'select');
    if (select !== null) return { owner: select, editable: false };
  }
  // The nearest contenteditable attribute decides: a "false" island inside a host is not typed text.
  const host = ancestry === undefined ? closestOf(el, EDITABLE) : ancestry.editableAttr;
  if (host !== null && getAttr(host, 'contenteditable')?.toLowerCase() !== 'false') {
    return { owner: host, editable: true };
  }
  return { owner: el, editable: false };
}

function attribute(el: Element, name: string): string | undefined {
  return getAttr(el, name) ?? undefined;
}

/** A label index being built over several tasks: its root's `label[for]` list, how far it got, the index so far. */
interface LabelsBuilding {
  root: Node;
  labels: NodeListOf<Element> | readonly Element[];
  at: number;
  index: Map<string, string>;
}

/**
 * Label text by control id, per document or shadow root, built in one pass.
 * `el.labels` makes Chromium scan the whole tree for every field, which made
 * a snapshot quadratic in page size (a 100k-node page took 14 s; measured by
 * `npm run bench`). The capture engine keeps one index per run and
 * invalidates it whenever the page mutates.
 */
export class LabelIndex {
  readonly #byRoot = new Map<Node, Map<string, string>>();
  /** An index being built over several tasks (prepareSome): its root's `label[for]` list and how far it got. */
  #building: LabelsBuilding | null = null;

  /** Forget everything (the DOM changed). */
  invalidate(): void {
    this.#byRoot.clear();
    this.#building = null;
  }

  /**
   * Builds the index of `root` a step at a time: one step finds its labels (one native scan),
   * later ones read their texts while `more()` says so. True once the index is complete. On a
   * 300k-node page the scan and the texts were 6-16 ms in one task; the list found is static,
   * and a change of the page meanwhile drops it (invalidate), as it drops a finished index.
   */
  prepareSome(root: Document | ShadowRoot, more: () => boolean): boolean {
    if (this.#byRoot.has(root)) return true;
    const building = this.#building;
    if (building === null || building.root !== root) {
      this.#building = { root, labels: labelsWithFor(root), at: 0, index: new Map() };
      return false;
    }
    if (!readLabels(building, more)) return false;
    this.#byRoot.set(root, building.index);
    this.#building = null;
    return true;
  }

  /** Text of the labels of `el`: `<label for=id>` in its tree, and a wrapping `<label>` without `for`. */
  textFor(el: Element): string {
    let text = '';
    const root = el.getRootNode();
    if (el.id !== '') text += this.#forRoot(root).get(el.id) ?? '';
    const wrapping = closestOf(el, 'label');
    if (wrapping !== null && !hasAttr(wrapping, 'for')) text += ` ${wrapping.textContent ?? ''}`;
    return text;
  }

  #forRoot(root: Node): Map<string, string> {
    let index = this.#byRoot.get(root);
    if (index === undefined) {
      // The index being built for this root is finished from where it got; another root's is left as it is.
      const building =
        this.#building?.root === root ? this.#building : { root, labels: labelsWithFor(root), at: 0, index: new Map() };
      readLabels(building, () => true);
      if (building === this.#building) this.#building = null;
      index = building.index;
      this.#byRoot.set(root, index);
    }
    return index;
  }
}

/** Reads the labels of an index being built, from where it got, while `more()` says so; true once all are read. */
function readLabels(building: LabelsBuilding, more: () => boolean): boolean {
  const { labels, index } = building;
  while (building.at < labels.length) {
    addLabel(index, labels[building.at++]);
    if (building.at % 64 === 0 && !more()) return false;
  }
  return true;
}

/** The `label[for]` elements of a document or shadow root, in tree order (a static list). */
function labelsWithFor(root: Node): NodeListOf<Element> | readonly Element[] {
  const scope = root as Partial<ParentNode>;
  return typeof scope.querySelectorAll === 'function' ? scope.querySelectorAll('label[for]') : [];
}

function addLabel(index: Map<string, string>, label: Element | undefined): void {
  if (label === undefined) return;
  const id = getAttr(label, 'for') ?? '';
  if (id !== '') index.set(id, `${index.get(id) ?? ''} ${label.textContent ?? ''}`);
}

function labelTextOf(el: Element, labelIndex?: LabelIndex): string | undefined {
  let text = '';
  if (labelIndex) {
    text += labelIndex.textFor(el);
  } else {
    const labels = (el as { labels?: NodeListOf<HTMLLabelElement> | null }).labels;
    if (labels) for (const label of Array.from(labels)) text += ` ${label.textContent ?? ''}`;
  }
  const labelledBy = getAttr(el, 'aria-labelledby');
  if (labelledBy !== null) {
    const root = el.getRootNode() as Partial<NonElementParentNode>;
    if (typeof root.getElementById === 'function') {
      for (const id of labelledBy.split(/\s+/)) {
        if (id === '') continue;
        text += ` ${root.getElementById(id)?.textContent ?? ''}`;
      }
    }
  }
  text = text.trim();
  return text === '' ? undefined : text.slice(0, LABEL_TEXT_LIMIT);
}

function isFieldTag(tag: string): boolean {
  return tag === 'input' || tag === 'textarea' || tag === 'select';
}

/**
 * What an element's masking inherits from itself and its ancestors. A walk
 * that goes parent before child passes the parent's ancestry down, so each
 * element costs one `matches` instead of two `closest` walks up to the root.
 */
export interface MaskAncestry {
  /** The element or an ancestor (through shadow hosts and iframes) matches a marker or selector: check precisely. */
  readonly marked: boolean;
  /** The nearest element, itself included, with a contenteditable attribute, within its own tree. */
  readonly editableAttr: Element | null;
}

/**
 * The element's ancestry from its parent's (computed from the live tree when `parent` is not known).
 * `names`, when given, are the element's attribute names (getAttributeNames()): with no integrator
 * selectors the markers and contenteditable are then read from them instead of asking the DOM.
 */
export function maskAncestry(
  el: Element,
  config: MaskConfig,
  parent?: MaskAncestry,
  names?: readonly string[],
): MaskAncestry {
  const selector = config.anyMarkerSelector;
  if (parent === undefined) {
    return {
      marked: selector === undefined || closestComposed(el, selector, true),
      editableAttr: closestOf(el, EDITABLE),
    };
  }
  let marked = parent.marked || selector === undefined;
  if (!marked) {
    if (names !== undefined && config.extraMaskSelectors.length === 0 && config.extraBlockSelectors.length === 0) {
      marked = names.some(isMarkerName);
    } else {
      try {
        marked = matchesOf(el, selector as string);
      } catch {
        marked = true; // an unparsable selector: let the precise checks decide
      }
    }
  }
  // hasAttribute compares the qualified name exactly (lowercasing only what it is asked, here already lowercase).
  const editable = names !== undefined ? names.includes('contenteditable') : hasAttr(el, 'contenteditable');
  // Most elements inherit their parent's ancestry unchanged: the same (read-only) object, not a copy.
  if (!editable && marked === parent.marked) return parent;
  return { marked, editableAttr: editable ? el : parent.editableAttr };
}

/**
 * Whether an attribute of this qualified name may make `[data-cobrowse-mask]` or
 * `[data-cobrowse-block]` match. Such a match needs a name in no namespace (so no prefix) equal to
 * the marker, ignoring ASCII case on HTML elements: its lowercase is the marker. A yes that
 * `matches` would not give (another case on an SVG element) only asks the precise checks.
 */
function isMarkerName(name: string): boolean {
  if (name.length !== MASK_ATTRIBUTE.length && name.length !== BLOCK_ATTRIBUTE.length) return false;
  const lower = name.toLowerCase();
  return lower === MASK_ATTRIBUTE || lower === BLOCK_ATTRIBUTE;
}

/**
 * Whether `decideField(describeField(el, config, labels, ancestry))` is 'clear' without reading
 * anything more: no marker or selector on the element or above it, no contenteditable attribute
 * on it or above it in its tree, and not a field or an option of one. That is most elements of a
 * page: the serializer skips building their description. False means: ask describeField.
 */
export function isPlainClear(el: Element, ancestry: MaskAncestry): boolean {
  if (ancestry.marked || ancestry.editableAttr !== null) return false;
  const tag = localNameOf(el).toLowerCase();
  return !isFieldTag(tag) && tag !== 'option' && tag !== 'optgroup';
}

/** The ancestry a shadow root or iframe document passes to its children: markers cross into it, contenteditable does not. */
export function rootAncestry(owner: MaskAncestry): MaskAncestry {
  return { marked: owner.marked, editableAttr: null };
}

/**
 * Reads everything `decideField` needs about `el` (markers, selectors, and
 * its field's names and labels). `ancestry`, when given, must be
 * `maskAncestry(el, config, …)` for the tree as it is now.
 */
export function describeField(
  el: Element,
  config: MaskConfig,
  labelIndex?: LabelIndex,
  ancestry?: MaskAncestry,
): FieldDescriptor {
  const { owner, editable } = valueOwner(el, ancestry);
  const tag = localNameOf(owner).toLowerCase();
  // Without the combined selector (a hand-built config) every marker is checked one by one.
  const anyMarker =
    ancestry !== undefined
      ? ancestry.marked
      : config.anyMarkerSelector === undefined || closestComposed(el, config.anyMarkerSelector, true);
  const descriptor: FieldDescriptor = {
    tag,
    markedMask: anyMarker && closestComposed(el, MASK_MARKER),
    markedBlock: anyMarker && closestComposed(el, BLOCK_MARKER),
    matchesExtraSelector: anyMarker && matchesAny(el, config.extraMaskSelectors),
    matchesExtraBlockSelector: anyMarker && matchesAny(el, config.extraBlockSelectors),
  };
  if (!editable && !isFieldTag(tag)) return descriptor;

  if (editable) descriptor.editable = true;
  if (tag === 'input') {
    // The property normalises case and maps unknown types to 'text'.
    const type = (owner as { type?: unknown }).type;
    descriptor.type =
      typeof type === 'string' ? type.toLowerCase() : (attribute(owner, 'type') ?? 'text').toLowerCase();
    // A "show password" button turns the field into type=text: it holds the same password.
    if (descriptor.type === 'password') passwordFields.add(owner);
    else if (passwordFields.has(owner)) descriptor.type = 'password';
  }
  descriptor.name = attribute(owner, 'name');
  descriptor.id = owner.id === '' ? undefined : owner.id;
  descriptor.autocomplete = attribute(owner, 'autocomplete');
  descriptor.placeholder = attribute(owner, 'placeholder');
  descriptor.ariaLabel = attribute(owner, 'aria-label');
  descriptor.labelText = labelTextOf(owner, labelIndex);
  if (tag === 'input' && isSplitNumberBox(owner)) descriptor.splitBox = true;
  return descriptor;
}
