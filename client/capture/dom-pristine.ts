/**
 * The node accessors and element methods the capture reads, taken when the
 * session bundle loads (the capture exists only there). Clobbering shadows
 * them on instances (`<input name="attributes">` on a form), never on the
 * prototypes, so these copies answer for every node. What pages replace on
 * prototypes later (MutationObserver, listeners, createElement) the loader
 * took earlier (../pristine.ts).
 */
type Getter<T, R> = (this: T) => R;

/** The accessor `name` on `proto` or up its chain. */
function getterOf<T, R>(proto: object, name: string): Getter<T, R> {
  for (let p: object | null = proto; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const get = Object.getOwnPropertyDescriptor(p, name)?.get;
    if (get) return get as Getter<T, R>;
  }
  throw new TypeError(`no accessor ${name}`);
}

const D = Document.prototype;
const N = Node.prototype;
const E = Element.prototype;

export const domPristine = {
  body: getterOf<Document, HTMLElement | null>(D, 'body'),
  title: getterOf<Document, string>(D, 'title'),
  childNodes: getterOf<Node, NodeListOf<ChildNode>>(N, 'childNodes'),
  firstChild: getterOf<Node, ChildNode | null>(N, 'firstChild'),
  lastChild: getterOf<Node, ChildNode | null>(N, 'lastChild'),
  nextSibling: getterOf<Node, ChildNode | null>(N, 'nextSibling'),
  previousSibling: getterOf<Node, ChildNode | null>(N, 'previousSibling'),
  parentNode: getterOf<Node, ParentNode | null>(N, 'parentNode'),
  parentElement: getterOf<Node, HTMLElement | null>(N, 'parentElement'),
  nodeType: getterOf<Node, number>(N, 'nodeType'),
  nodeName: getterOf<Node, string>(N, 'nodeName'),
  isConnected: getterOf<Node, boolean>(N, 'isConnected'),
  ownerDocument: getterOf<Node, Document | null>(N, 'ownerDocument'),
  attributes: getterOf<Element, NamedNodeMap>(E, 'attributes'),
  tagName: getterOf<Element, string>(E, 'tagName'),
  localName: getterOf<Element, string>(E, 'localName'),
  namespaceURI: getterOf<Element, string | null>(E, 'namespaceURI'),
  shadowRoot: getterOf<Element, ShadowRoot | null>(E, 'shadowRoot'),
  elementId: getterOf<Element, string>(E, 'id'),
  documentQueryAll: D.querySelectorAll,
  elementMatches: E.matches,
  elementClosest: E.closest,
  getAttribute: E.getAttribute,
  hasAttribute: E.hasAttribute,
  hasAttributes: E.hasAttributes,
  getAttributeNames: E.getAttributeNames,
};
