/**
 * A strict reference mirror for capture tests (the real one is agent/mirror):
 * applies frames to a plain element tree and throws on any contract
 * violation (unknown parent or sibling, duplicate live id, seq gap), then
 * renders a canonical string without ids, so a mirror kept up to date by
 * diffs can be compared with one built from a fresh snapshot.
 */
import type { ChannelMessage, SerializedNode } from '../../../shared/protocol.js';

interface FormState {
  value?: string;
  checked?: boolean;
  selected?: boolean;
  masked?: true;
}

export class CaptureTestMirror {
  #root = document.createElement('x-root');
  #nodes = new Map<number, Node>();
  #state = new Map<Node, FormState>();
  #sheets = new Map<Node, string[]>();
  #expectedSeq: number | null = null;
  #building = false;
  scroll = new Map<number, { x: number; y: number }>();
  focus: number | null = null;

  apply(message: ChannelMessage): void {
    if (!('seq' in message)) return;
    if (message.t === 'snapshot' && message.part === 0) {
      this.#root = document.createElement('x-root');
      this.#nodes = new Map([[0, this.#root]]);
      this.#state = new Map();
      this.#sheets = new Map();
      this.#building = true;
    } else if (this.#expectedSeq !== null && message.seq !== this.#expectedSeq) {
      throw new Error(`seq gap: expected ${this.#expectedSeq}, got ${message.seq}`);
    }
    this.#expectedSeq = message.seq + 1;
    switch (message.t) {
      case 'snapshot':
        if (!this.#building) throw new Error('snapshot part without part 0');
        for (const node of message.nodes) this.#add(node, true);
        if (message.adopted) this.#sheets.set(this.#root, message.adopted);
        if (message.final) {
          this.#building = false;
          this.focus = message.focus ?? null;
        }
        return;
      case 'mutations':
        if (this.#building) throw new Error('mutations before the final snapshot part');
        for (const id of message.removes) {
          const node = this.#get(id);
          if (node.parentNode === null) throw new Error(`remove of detached node ${id}`);
          node.parentNode.removeChild(node);
        }
        for (const node of message.adds) this.#add(node, false);
        for (const change of message.attrs) {
          const el = this.#get(change.id) as Element;
          for (const [name, value] of Object.entries(change.attributes)) {
            const mirrored = `a-${name.replace(/:/g, '_')}`;
            if (value === null) el.removeAttribute(mirrored);
            else el.setAttribute(mirrored, value);
          }
        }
        for (const change of message.texts) (this.#get(change.id) as CharacterData).data = change.text;
        for (const sheet of message.sheets ?? []) this.#sheets.set(this.#get(sheet.id), sheet.cssRules);
        return;
      case 'input': {
        const node = this.#get(message.id);
        const state = { ...this.#state.get(node) };
        if (message.value !== undefined) state.value = message.value;
        if (message.checked !== undefined) state.checked = message.checked;
        if (message.selected !== undefined) state.selected = message.selected;
        if (message.masked !== undefined) state.masked = message.masked;
        this.#state.set(node, state);
        return;
      }
      case 'scroll':
        this.#get(message.id);
        this.scroll.set(message.id, { x: message.x, y: message.y });
        return;
      case 'focus':
        if (message.id !== null) this.#get(message.id);
        this.focus = message.id;
        return;
      default:
        return;
    }
  }

  has(id: number): boolean {
    return this.#nodes.has(id);
  }

  #get(id: number): Node {
    const node = this.#nodes.get(id);
    if (node === undefined) throw new Error(`unknown node id ${id}`);
    return node;
  }

  #add(record: SerializedNode, inSnapshot: boolean): void {
    const existing = this.#nodes.get(record.id);
    if (existing !== undefined && this.#isLive(existing)) throw new Error(`duplicate live id ${record.id}`);
    const parent = this.#get(record.parent);
    let node: Node;
    switch (record.kind) {
      case 'el': {
        const el = document.createElement('x-el');
        el.setAttribute('x-tag', `${record.namespace ?? 'html'}:${record.tag}`);
        for (const [name, value] of Object.entries(record.attributes ?? {}))
          el.setAttribute(`a-${name.replace(/:/g, '_')}`, value);
        if (record.blocked) el.setAttribute('x-blk', 'yes');
        node = el;
        const state: FormState = {};
        if (record.value !== undefined) state.value = record.value;
        if (record.checked !== undefined) state.checked = record.checked;
        if (record.selected !== undefined) state.selected = record.selected;
        if (record.masked !== undefined) state.masked = record.masked;
        this.#state.set(el, state);
        if (record.cssRules) this.#sheets.set(el, record.cssRules);
        break;
      }
      case 'text':
        node = document.createTextNode(record.text);
        break;
      case 'comment':
        node = document.createComment(record.text);
        break;
      case 'doctype':
        node = document.createElement('x-doctype');
        (node as Element).setAttribute('name', record.name);
        break;
      default:
        node = document.createElement(`x-${record.kind}`);
        if (record.adopted) this.#sheets.set(node, record.adopted);
    }
    if (!inSnapshot && record.next !== undefined && record.next !== null) {
      const next = this.#get(record.next);
      if (next.parentNode !== parent) throw new Error(`next ${record.next} is not a child of ${record.parent}`);
      parent.insertBefore(node, next);
    } else {
      parent.appendChild(node);
    }
    this.#nodes.set(record.id, node);
  }

  #isLive(node: Node): boolean {
    return this.#root.contains(node);
  }

  /** The mirrored tree's text, every text node's joined in order: what a reader sees run together. */
  text(): string {
    return this.#root.textContent ?? '';
  }

  /** The mirrored tree as text, without ids: equal for equal pages. */
  canonical(): string {
    const out: string[] = [];
    const walk = (node: Node, depth: number): void => {
      const pad = ' '.repeat(depth);
      if (node.nodeType === 3) out.push(`${pad}"${(node as Text).data}"`);
      else if (node.nodeType === 8) out.push(`${pad}<!--${(node as Comment).data}-->`);
      else {
        const el = node as Element;
        const attrs = Array.from(el.attributes)
          .map((a) => `${a.name}=${JSON.stringify(a.value)}`)
          .sort()
          .join(' ');
        const state = this.#state.get(el);
        const sheets = this.#sheets.get(el);
        out.push(
          `${pad}<${el.localName} ${attrs}${state && Object.keys(state).length ? ` state=${JSON.stringify(state)}` : ''}${sheets ? ` css=${JSON.stringify(sheets)}` : ''}>`,
        );
      }
      for (const child of Array.from(node.childNodes)) walk(child, depth + 1);
    };
    walk(this.#root, 0);
    return out.join('\n');
  }
}
