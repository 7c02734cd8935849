/**
 * Small DOM helpers of the mirror: node kinds across realms (the mirror's
 * nodes belong to its iframe's window, so no instanceof), doctype and
 * insertion that never throw, whether a host may have a shadow root, and
 * whether the agent is editing inside the mirror.
 */
import type { DomFrame } from '../../shared/protocol.js';

type SerializedNode = Extract<DomFrame, { t: 'snapshot' }>['nodes'][number];

const SHADOW_HOST_TAGS = new Set([
  'article',
  'aside',
  'blockquote',
  'body',
  'div',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'main',
  'nav',
  'p',
  'section',
  'span',
]);
/** The focused element of `doc`, inside open shadow roots (the document's own active element is their host). */
export function deepActiveElement(doc: Document): Element | null {
  let active = doc.activeElement;
  for (let depth = 0; depth < 32 && active?.shadowRoot?.activeElement; depth++)
    active = active.shadowRoot.activeElement;
  return active;
}

/** True when focus in the mirror is in something the agent types into (a field, contenteditable, or a nested frame). */
export function hasEditingFocus(doc: Document): boolean {
  // A field inside an open shadow root (a design-system input): the document's active element is its host.
  const active = deepActiveElement(doc);
  if (!active || active === doc.body || active === doc.documentElement) return false;
  const tag = active.localName;
  return (
    tag === 'input' ||
    tag === 'textarea' ||
    tag === 'select' ||
    tag === 'iframe' ||
    (active as HTMLElement).isContentEditable
  );
}

export function rootsWithDoctype(nodes: readonly SerializedNode[]): Set<number> {
  const roots = new Set<number>();
  for (const node of nodes) if (node.kind === 'doctype') roots.add(node.parent);
  return roots;
}

export function createDoctype(doc: Document, name: string): Node {
  try {
    return doc.implementation.createDocumentType(name || 'html', '', '');
  } catch {
    return doc.createComment('doctype');
  }
}

export function insertQuietly(parent: Node, child: Node, next: Node | null): void {
  try {
    parent.insertBefore(child, next && next.parentNode === parent ? next : null);
  } catch {
    // A second doctype or root element: kept detached so its id still resolves.
  }
}

/** attachShadow's own rule (built-in hosts or a custom element name), checked without throwing. */
export function canAttachShadow(host: Element): boolean {
  if (host.namespaceURI !== 'http://www.w3.org/1999/xhtml') return false;
  if (SHADOW_HOST_TAGS.has(host.localName)) return true;
  if (!host.localName.includes('-')) return false;
  try {
    // Reserved names (font-face, ...) and invalid ones throw; a probe element keeps the host untouched.
    host.ownerDocument.createElement(host.localName).attachShadow({ mode: 'open' });
    return true;
  } catch {
    return false;
  }
}

export function ownerDocumentOf(node: Node): Document {
  return isDocument(node) ? node : (node.ownerDocument ?? document);
}

export function isElement(node: unknown): node is Element {
  return typeof node === 'object' && node !== null && (node as Node).nodeType === Node.ELEMENT_NODE;
}

export function isDocument(node: unknown): node is Document {
  return typeof node === 'object' && node !== null && (node as Node).nodeType === Node.DOCUMENT_NODE;
}

export function isShadowRoot(node: unknown): node is ShadowRoot {
  return (
    typeof node === 'object' &&
    node !== null &&
    (node as Node).nodeType === Node.DOCUMENT_FRAGMENT_NODE &&
    'host' in node
  );
}
