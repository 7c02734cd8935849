/**
 * DOM reads the capture makes, through the accessors and methods taken at
 * load (../pristine.ts): a `<form>` whose inputs are named `attributes`,
 * `localName` or `getAttribute` shadows those properties on the form, and a
 * page may replace `Element.prototype.getAttribute` or `Node.prototype.contains`.
 */
import { pristine } from '../pristine.js';
import { domPristine as dom } from './dom-pristine.js';

/** 0 for what is not a node (a Window, as an event target). */
export function nodeTypeOf(node: Node | EventTarget): number {
  try {
    return dom.nodeType.call(node as Node);
  } catch {
    return 0;
  }
}
export const localNameOf = (el: Element): string => dom.localName.call(el);
export const namespaceOf = (el: Element): string | null => dom.namespaceURI.call(el);
export function parentNodeOf(node: Node): ParentNode | null {
  try {
    return dom.parentNode.call(node);
  } catch {
    return null;
  }
}
export const parentElementOf = (node: Node): HTMLElement | null => dom.parentElement.call(node);
/** Document reads that `<img name="…">` clobbers. */
export const activeElementOf = (doc: Document | ShadowRoot): Element | null =>
  nodeTypeOf(doc) === 9 ? pristine.activeElement.call(doc as Document) : (doc as ShadowRoot).activeElement;
export const bodyOf = (doc: Document): HTMLElement | null => dom.body.call(doc);
export const documentElementOf = (doc: Document): HTMLElement | null => pristine.documentElement.call(doc);
export const titleOf = (doc: Document): string => dom.title.call(doc);
export const ownerDocumentOf = (node: Node): Document | null => dom.ownerDocument.call(node);
export const attributesOf = (el: Element): NamedNodeMap => dom.attributes.call(el);
export const shadowRootOf = (el: Element): ShadowRoot | null => dom.shadowRoot.call(el);
/** The element's open shadow root, or its closed one when the loader saw it attached (closed-shadow-roots.ts). */
export function capturedShadowRoot(el: Element): ShadowRoot | null {
  const root = dom.shadowRoot.call(el);
  if (root !== null) return root.mode === 'open' ? root : null;
  return pristine.closedShadowRoots.get(el) ?? null;
}
export const lastChildOf = (node: Node): ChildNode | null => dom.lastChild.call(node);
export const previousSiblingOf = (node: Node): ChildNode | null => dom.previousSibling.call(node);
export const nextSiblingOf = (node: Node): ChildNode | null => dom.nextSibling.call(node);
export const childNodesOf = (node: Node): NodeListOf<ChildNode> => dom.childNodes.call(node);
export const getAttr = (el: Element, name: string): string | null => dom.getAttribute.call(el, name);
export const hasAttr = (el: Element, name: string): boolean => dom.hasAttribute.call(el, name);
const NO_NAMES: readonly string[] = Object.freeze([]);
/** The element's attribute names (they decide masking markers, so never the page's own version of the method). */
export const attributeNamesOf = (el: Element): readonly string[] =>
  dom.hasAttributes.call(el) ? dom.getAttributeNames.call(el) : NO_NAMES;
/** `doc.querySelectorAll(selector)`, which `<img name="querySelectorAll">` would clobber. */
export const queryAllOf = (doc: Document, selector: string): NodeListOf<Element> =>
  dom.documentQueryAll.call(doc, selector);
export const matchesOf = (el: Element, selector: string): boolean => dom.elementMatches.call(el, selector);
export const closestOf = (el: Element, selector: string): Element | null => dom.elementClosest.call(el, selector);
export const containsOf = (node: Node, other: Node | null): boolean => pristine.contains.call(node, other);
