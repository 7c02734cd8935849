/**
 * A DOM-free model of the customer's page, built from the same DOM frames the
 * console's mirror applies (shared/protocol/nodes.ts, "Contract between the capture
 * engine and the mirror"). Pure state: no DOM, no sockets. Ordering follows
 * the mirror: a snapshot's part 0 restarts the expected seq; a gap, a
 * duplicate or a frame that cannot be placed makes `apply` answer
 * `{ resync }` once, and everything is ignored until the next snapshot.
 */
import { SequenceChecker } from '../shared/sequence.js';
import type { DomFrame, SerializedNode } from '../shared/protocol.js';

export type ModelNodeKind = 'element' | 'text' | 'comment' | 'doctype' | 'shadow' | 'doc';

/** One node of the customer's page, as the customer's browser sent it (masked values already replaced there). */
export interface ModelNode {
  id: number;
  kind: ModelNodeKind;
  /** Parent id; 0 is the top document. */
  parent: number;
  children: number[];
  /** Lower-case tag name (elements only). */
  tag: string;
  attributes: Record<string, string>;
  /** Text of a text or comment node. */
  text: string;
  /** Form state of a control. */
  value: string | undefined;
  checked: boolean | undefined;
  selected: boolean | undefined;
  /** The value or text was masked in the customer's browser. */
  masked: boolean;
  /** A `data-cobrowse-block` subtree: only a box of this size was sent. */
  blocked: { width: number; height: number } | null;
  scroll: { x: number; y: number } | null;
}

export type ModelChange =
  | { kind: 'snapshot' }
  | { kind: 'mutations'; removed: number[]; added: number[]; attributes: number[]; texts: number[] }
  | { kind: 'input'; id: number }
  | { kind: 'scroll'; id: number; x: number; y: number }
  | { kind: 'viewport' }
  | { kind: 'focus'; id: number | null }
  | { kind: 'nav'; url: string; title: string }
  | { kind: 'top' }
  | { kind: 'other' };

/** What applying one frame did. */
export type ApplyOutcome =
  | { status: 'applied'; change: ModelChange }
  /** A snapshot part that is not the final one: buffered. */
  | { status: 'pending' }
  | { status: 'ignored' }
  /** Frames are missing or could not be placed: ask the customer for a fresh snapshot. */
  | { status: 'resync'; lastSeq: number | null };

class FrameApplyError extends Error {}

const ROOT_ID = 0;

function blankRoot(): ModelNode {
  return {
    id: ROOT_ID,
    kind: 'doc',
    parent: ROOT_ID,
    children: [],
    tag: '',
    attributes: {},
    text: '',
    value: undefined,
    checked: undefined,
    selected: undefined,
    masked: false,
    blocked: null,
    scroll: null,
  };
}

function toModelNode(node: SerializedNode): ModelNode {
  const base = { ...blankRoot(), id: node.id, parent: node.parent, children: [] };
  switch (node.kind) {
    case 'el':
      return {
        ...base,
        kind: 'element',
        tag: node.tag.toLowerCase(),
        attributes: { ...node.attributes },
        value: node.value,
        checked: node.checked,
        selected: node.selected,
        masked: node.masked === true,
        blocked: node.blocked ?? null,
        scroll:
          node.scrollX !== undefined || node.scrollY !== undefined
            ? { x: node.scrollX ?? 0, y: node.scrollY ?? 0 }
            : null,
      };
    case 'text':
      return { ...base, kind: 'text', text: node.text, masked: node.masked === true };
    case 'comment':
      return { ...base, kind: 'comment', text: node.text };
    case 'doctype':
      return { ...base, kind: 'doctype', tag: node.name };
    case 'shadow':
    case 'doc':
      return { ...base, kind: node.kind === 'shadow' ? 'shadow' : 'doc' };
  }
}

export class PageModel {
  /** Every node by id; id 0 is the document. */
  nodes = new Map<number, ModelNode>([[ROOT_ID, blankRoot()]]);
  url = '';
  title = '';
  viewport = { w: 0, h: 0, dpr: 1 };
  scroll = { x: 0, y: 0 };
  focus: number | null = null;
  topLayer: { id: number; kind: 'modal' | 'popover' | 'fullscreen' }[] = [];
  /** How many complete snapshots were applied (0: nothing to read yet). */
  snapshots = 0;

  readonly #checker = new SequenceChecker();
  #state: 'waiting' | 'building' | 'live' | 'desynced' = 'waiting';
  #parts: Extract<DomFrame, { t: 'snapshot' }>[] = [];
  #queued: DomFrame[] = [];
  #lastAppliedSeq: number | null = null;

  /** Apply one validated DOM frame. */
  apply(frame: DomFrame): ApplyOutcome {
    if (frame.t === 'snapshot') return this.#acceptSnapshotPart(frame);
    if (this.#state === 'desynced') return { status: 'ignored' };
    if (this.#state === 'waiting') return this.#desync();
    const verdict = this.#checker.accept(frame.seq);
    if (verdict !== 'ok') return this.#desync();
    if (this.#state === 'building') {
      this.#queued.push(frame);
      return { status: 'pending' };
    }
    try {
      const change = this.#applyFrame(frame);
      this.#lastAppliedSeq = frame.seq;
      return { status: 'applied', change };
    } catch (error) {
      if (error instanceof FrameApplyError) return this.#desync();
      throw error;
    }
  }

  #acceptSnapshotPart(frame: Extract<DomFrame, { t: 'snapshot' }>): ApplyOutcome {
    if (frame.part === 0) {
      this.#checker.expectFrom(frame.seq);
      this.#checker.accept(frame.seq);
      this.#parts = [frame];
      this.#queued = [];
      this.#state = 'building';
    } else {
      if (this.#state !== 'building') return this.#state === 'waiting' ? this.#desync() : { status: 'ignored' };
      if (this.#checker.accept(frame.seq) !== 'ok' || frame.part !== this.#parts.length) return this.#desync();
      this.#parts.push(frame);
    }
    if (!frame.final) return { status: 'pending' };
    try {
      this.#build(this.#parts);
      this.#lastAppliedSeq = frame.seq;
      for (const queued of this.#queued.splice(0)) {
        this.#applyFrame(queued);
        this.#lastAppliedSeq = queued.seq;
      }
    } catch (error) {
      if (error instanceof FrameApplyError) return this.#desync();
      throw error;
    }
    this.#parts = [];
    this.#state = 'live';
    this.snapshots += 1;
    return { status: 'applied', change: { kind: 'snapshot' } };
  }

  #desync(): ApplyOutcome {
    if (this.#state === 'desynced') return { status: 'ignored' };
    this.#state = 'desynced';
    this.#parts = [];
    this.#queued = [];
    return { status: 'resync', lastSeq: this.#lastAppliedSeq };
  }

  #build(parts: Extract<DomFrame, { t: 'snapshot' }>[]): void {
    const first = parts[0];
    if (!first) throw new FrameApplyError('empty snapshot');
    this.nodes = new Map([[ROOT_ID, blankRoot()]]);
    this.url = first.url;
    this.title = first.title;
    this.viewport = { w: first.viewportWidth, h: first.viewportHeight, dpr: first.devicePixelRatio };
    this.scroll = { x: first.scrollX, y: first.scrollY };
    this.topLayer = [];
    this.focus = null;
    for (const part of parts) {
      for (const node of part.nodes) this.#insert(node);
      if (part.focus !== undefined) this.focus = part.focus;
    }
  }

  #insert(serialized: SerializedNode): number[] {
    const parent = this.nodes.get(serialized.parent);
    if (!parent || serialized.id === ROOT_ID)
      throw new FrameApplyError(`node ${serialized.id} has no parent ${serialized.parent}`);
    if (this.nodes.has(serialized.id)) this.#remove(serialized.id);
    const node = toModelNode(serialized);
    this.nodes.set(node.id, node);
    const next = serialized.next ?? null;
    const at = next === null ? -1 : parent.children.indexOf(next);
    if (next !== null && at < 0) throw new FrameApplyError(`next sibling ${next} is not a child of ${parent.id}`);
    if (at < 0) parent.children.push(node.id);
    else parent.children.splice(at, 0, node.id);
    return [node.id];
  }

  #remove(id: number): void {
    const node = this.nodes.get(id);
    if (!node || id === ROOT_ID) return;
    const parent = this.nodes.get(node.parent);
    if (parent) parent.children = parent.children.filter((child) => child !== id);
    const stack = [id];
    while (stack.length > 0) {
      const current = this.nodes.get(stack.pop() ?? ROOT_ID);
      if (!current || current.id === ROOT_ID) continue;
      this.nodes.delete(current.id);
      stack.push(...current.children);
    }
  }

  #get(id: number): ModelNode {
    const node = this.nodes.get(id);
    if (!node) throw new FrameApplyError(`unknown node ${id}`);
    return node;
  }

  #applyFrame(frame: DomFrame): ModelChange {
    switch (frame.t) {
      case 'snapshot':
        throw new FrameApplyError('a snapshot is not a diff');
      case 'mutations': {
        for (const id of frame.removes) this.#remove(id);
        const added = frame.adds.flatMap((node) => this.#insert(node));
        for (const change of frame.attrs) {
          const node = this.#get(change.id);
          for (const [name, value] of Object.entries(change.attributes)) {
            if (value === null) delete node.attributes[name];
            else node.attributes[name] = value;
          }
        }
        for (const change of frame.texts) {
          const node = this.#get(change.id);
          node.text = change.text;
          node.masked = change.masked === true;
        }
        return {
          kind: 'mutations',
          removed: frame.removes,
          added,
          attributes: frame.attrs.map((a) => a.id),
          texts: frame.texts.map((t) => t.id),
        };
      }
      case 'input': {
        const node = this.#get(frame.id);
        if (frame.value !== undefined) node.value = frame.value;
        if (frame.checked !== undefined) node.checked = frame.checked;
        if (frame.selected !== undefined) node.selected = frame.selected;
        node.masked = frame.masked === true;
        return { kind: 'input', id: frame.id };
      }
      case 'scroll':
        if (frame.id === ROOT_ID) this.scroll = { x: frame.x, y: frame.y };
        else this.#get(frame.id).scroll = { x: frame.x, y: frame.y };
        return { kind: 'scroll', id: frame.id, x: frame.x, y: frame.y };
      case 'viewport':
        this.viewport = { w: frame.width, h: frame.height, dpr: frame.devicePixelRatio };
        return { kind: 'viewport' };
      case 'focus':
        this.focus = frame.id;
        return { kind: 'focus', id: frame.id };
      case 'nav':
        this.url = frame.url;
        this.title = frame.title;
        return { kind: 'nav', url: frame.url, title: frame.title };
      case 'top':
        this.topLayer = frame.layer.map((entry) => ({ ...entry }));
        return { kind: 'top' };
      case 'selection':
      case 'media':
      case 'canvas':
        return { kind: 'other' };
    }
  }

  /** Everything the model holds, as plain data (what a test searches for leaks). */
  toJSON(): {
    url: string;
    title: string;
    viewport: PageModel['viewport'];
    scroll: PageModel['scroll'];
    focus: number | null;
    nodes: ModelNode[];
  } {
    return {
      url: this.url,
      title: this.title,
      viewport: this.viewport,
      scroll: this.scroll,
      focus: this.focus,
      nodes: [...this.nodes.values()],
    };
  }
}
