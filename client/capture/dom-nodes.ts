/** Node facts the capture reads through the pristine accessors (dom-read.ts): shadow roots, iframe documents, exact attribute names. */
import { attributesOf, getAttr, namespaceOf, nodeTypeOf } from './dom-read.js';

const DOCUMENT_FRAGMENT_NODE = 11;
const HTML_NS = 'http://www.w3.org/1999/xhtml';

export function isShadowRoot(node: Node): node is ShadowRoot {
  return nodeTypeOf(node) === DOCUMENT_FRAGMENT_NODE && 'host' in node && 'mode' in node;
}

/** An iframe's document when it is same-origin and readable. */
export function iframeDocument(el: Element): Document | null {
  try {
    return (el as HTMLIFrameElement).contentDocument ?? null;
  } catch {
    return null;
  }
}

/** The value of the attribute whose qualified name is exactly `name`, or null. */
function exactAttribute(el: Element, name: string): string | null {
  const attrs = attributesOf(el);
  for (let i = 0; i < attrs.length; i++) {
    const attr = attrs[i];
    if (attr !== undefined && attr.name === name) return attr.value;
  }
  return null;
}

/**
 * An attribute's value by its exact name. getAttribute lowercases the name
 * on HTML elements, so a name with capitals (only setAttributeNS makes them
 * there) would read its lowercase twin; that rare case is looked up exactly.
 */
export function attributeByName(el: Element, name: string, htmlElement = namespaceOf(el) === HTML_NS): string | null {
  return htmlElement && name !== name.toLowerCase() ? exactAttribute(el, name) : getAttr(el, name);
}
