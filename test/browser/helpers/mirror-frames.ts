/**
 * Hand-written DOM frames for the mirror tests. Every frame goes through
 * channelMessage.parse, so the tests only feed the mirror what the protocol
 * allows. htmlToNodes serializes markup the way a tampered capture could:
 * scripts, handlers and javascript: URLs included.
 */
import {
  channelMessage,
  isDomFrame,
  type ChannelMessage,
  type DomFrame,
  type SerializedNode,
} from '../../../shared/protocol.js';
import { Mirror } from '../../../agent/mirror/mirror.js';

/** Parses a frame as the data channel would and insists it is a DOM frame. */
export function parseFrame(value: ChannelMessage): DomFrame {
  const message = channelMessage.parse(value);
  if (!isDomFrame(message)) throw new Error(`not a DOM frame: ${message.t}`);
  return message;
}

type ElementExtra = Partial<Omit<Extract<SerializedNode, { kind: 'el' }>, 'kind' | 'id' | 'parent' | 'tag'>>;

/** Hands out node ids and collects serialized nodes in pre-order. */
export class NodeBuilder {
  readonly nodes: SerializedNode[] = [];
  #nextId: number;

  constructor(firstId = 1) {
    this.#nextId = firstId;
  }

  get nextId(): number {
    return this.#nextId;
  }

  el(parent: number, tag: string, a?: Record<string, string>, extra: ElementExtra = {}): number {
    const id = this.#nextId++;
    this.nodes.push({ kind: 'el', id, parent: parent, tag, ...(a ? { attributes: a } : {}), ...extra });
    return id;
  }

  text(parent: number, x: string, masked = false): number {
    const id = this.#nextId++;
    this.nodes.push({ kind: 'text', id, parent: parent, text: x, ...(masked ? { masked: true as const } : {}) });
    return id;
  }

  comment(parent: number, x: string): number {
    const id = this.#nextId++;
    this.nodes.push({ kind: 'comment', id, parent: parent, text: x });
    return id;
  }

  doctype(parent: number, name = 'html'): number {
    const id = this.#nextId++;
    this.nodes.push({ kind: 'doctype', id, parent: parent, name });
    return id;
  }

  root(kind: 'shadow' | 'doc', parent: number, adopted?: string[]): number {
    const id = this.#nextId++;
    this.nodes.push({ kind: kind, id, parent: parent, ...(adopted ? { adopted } : {}) });
    return id;
  }

  /** doctype, html, head, body under `parent` (0 for the top document). */
  page(parent = 0, withDoctype = true): { html: number; head: number; body: number } {
    if (withDoctype) this.doctype(parent);
    const html = this.el(parent, 'html');
    const head = this.el(html, 'head');
    const body = this.el(html, 'body');
    return { html, head, body };
  }

  /** Serializes the children of `source` under `parent`, attributes and all. */
  fromDom(parent: number, source: Node): void {
    for (const child of source.childNodes) this.#serialize(parent, child);
  }

  /** Parses `html` as body content (scripting off, nothing runs) and serializes it under `parent`. */
  html(parent: number, html: string): void {
    const doc = new DOMParser().parseFromString(
      `<!DOCTYPE html><html><head></head><body>${html}</body></html>`,
      'text/html',
    );
    this.fromDom(parent, doc.body);
  }

  #serialize(parent: number, node: Node): void {
    if (node.nodeType === Node.TEXT_NODE) {
      this.text(parent, (node as Text).data);
      return;
    }
    if (node.nodeType === Node.COMMENT_NODE) {
      this.comment(parent, (node as Comment).data);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const element = node as Element;
    const a: Record<string, string> = {};
    for (const attribute of element.attributes) a[attribute.name] = attribute.value;
    const ns =
      element.namespaceURI === 'http://www.w3.org/2000/svg'
        ? 'svg'
        : element.namespaceURI === 'http://www.w3.org/1998/Math/MathML'
          ? 'math'
          : undefined;
    const id = this.el(parent, element.localName, a, ns ? { namespace: ns } : {});
    const children = element.localName === 'template' ? (element as HTMLTemplateElement).content : element;
    this.fromDom(id, children);
  }
}

export interface SnapshotOptions {
  seq?: number;
  part?: number;
  final?: boolean;
  url?: string;
  title?: string;
  viewportWidth?: number;
  viewportHeight?: number;
  scrollX?: number;
  scrollY?: number;
  adopted?: string[];
  focus?: number | null;
}

/** A snapshot frame of these nodes, parsed. */
export function snapshotFrame(nodes: SerializedNode[], options: SnapshotOptions = {}): DomFrame {
  return parseFrame({
    t: 'snapshot',
    seq: options.seq ?? 0,
    part: options.part ?? 0,
    final: options.final ?? true,
    url: options.url ?? 'https://shop.example/checkout',
    title: options.title ?? 'Checkout',
    viewportWidth: options.viewportWidth ?? 800,
    viewportHeight: options.viewportHeight ?? 600,
    devicePixelRatio: 1,
    scrollX: options.scrollX ?? 0,
    scrollY: options.scrollY ?? 0,
    nodes,
    ...(options.adopted ? { adopted: options.adopted } : {}),
    ...(options.focus !== undefined ? { focus: options.focus } : {}),
  });
}

export interface MutationsInput {
  removes?: number[];
  adds?: SerializedNode[];
  attrs?: { id: number; attributes: Record<string, string | null> }[];
  texts?: { id: number; text: string; masked?: true }[];
  sheets?: { id: number; cssRules: string[] }[];
}

/** A mutations frame, parsed. */
export function mutationsFrame(seq: number, input: MutationsInput): DomFrame {
  return parseFrame({
    t: 'mutations',
    seq,
    removes: input.removes ?? [],
    adds: input.adds ?? [],
    attrs: input.attrs ?? [],
    texts: input.texts ?? [],
    ...(input.sheets ? { sheets: input.sheets } : {}),
  });
}

export interface MountedMirror {
  mirror: Mirror;
  container: HTMLElement;
  resyncs: (number | null)[];
  applied: DomFrame[];
  /** The mirror's top document (after a snapshot). */
  doc(): Document;
  unmount(): void;
}

/** A mirror in a fresh container on the test page, recording resync requests. */
export function mountMirror(): MountedMirror {
  const container = document.createElement('div');
  document.body.append(container);
  const resyncs: (number | null)[] = [];
  const applied: DomFrame[] = [];
  const mirror = new Mirror({
    container,
    onResyncNeeded: (lastSeq) => resyncs.push(lastSeq),
    onFrameApplied: (frame) => applied.push(frame),
    // Hand-made frames carry no asset policy (a customer that predates assets): the console here lets it load URLs itself.
    allowAgentFetches: true,
  });
  return {
    mirror,
    container,
    resyncs,
    applied,
    doc: () => {
      const doc = mirror.iframe.contentDocument;
      if (!doc) throw new Error('mirror has no document');
      return doc;
    },
    unmount: () => {
      mirror.destroy();
      container.remove();
    },
  };
}

/** Every document and shadow root of the mirror, nested frames included. */
export function mirrorRoots(doc: Document): (Document | ShadowRoot)[] {
  const roots: (Document | ShadowRoot)[] = [];
  const pending: (Document | ShadowRoot)[] = [doc];
  while (pending.length > 0) {
    const root = pending.pop();
    if (!root) break;
    roots.push(root);
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) pending.push(element.shadowRoot);
      if (element.localName === 'iframe') {
        const nested = (element as HTMLIFrameElement).contentDocument;
        if (nested) pending.push(nested);
      }
    }
  }
  return roots;
}

/**
 * A DOM text that ignores what the mirror adds on purpose (its CSP meta and
 * marker attributes), for comparing two mirrors or a mirror with a source page.
 */
export function normalizedMarkup(root: Node): string {
  const clone = root.cloneNode(true);
  const holder = root.ownerDocument?.createElement('div') ?? document.createElement('div');
  holder.append(clone);
  for (const meta of holder.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')) meta.remove();
  for (const element of holder.querySelectorAll('*')) {
    for (const attribute of [...element.attributes]) {
      if (attribute.name.startsWith('data-cobrowse-mirror')) element.removeAttribute(attribute.name);
    }
  }
  return holder.innerHTML;
}

/** Waits for a few animation frames and then `ms` more: long enough for async payloads to fire. */
export async function settle(ms = 500): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  await new Promise((resolve) => setTimeout(resolve, ms));
}
