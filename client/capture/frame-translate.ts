/**
 * Puts a cross-origin frame's own DOM frames into the page's stream: the
 * frame's capture numbers its nodes from 0 (its document), the page's mirror
 * knows only the page's ids. Each frame node gets a fresh id of the page's
 * run (NodeIds.reserve), the frame's document becomes a 'doc' node under the
 * <iframe>, and every id a frame message names goes through this map: a
 * frame can name nothing of the page (an id it never added is not in the
 * map, and the frame's stream is then restarted, not trusted).
 *
 * Pure (no DOM): frame-bridge.ts owns the ports and the sending.
 */
import type { DomFrame, SerializedNode } from '../../shared/protocol.js';
import type { UnsequencedDomFrame } from './dom-frame-sender.js';

type Frame<T extends DomFrame['t']> = Extract<DomFrame, { t: T }>;
type Out<T extends UnsequencedDomFrame['t']> = Extract<UnsequencedDomFrame, { t: T }>;

/** What one frame message became: page frames to send, or the frame's stream must restart with a snapshot. */
export type Translation = { frames: UnsequencedDomFrame[] } | { restart: string };

class UnknownId extends Error {}

/** One cross-origin frame's ids in the page's id space, for one run of the page and one run of the frame. */
export class FrameIdMap {
  readonly #allocate: () => number;
  /** The <iframe>'s id in the page's run. */
  readonly #iframeId: number;
  /** Frame id -> page id; 0 (the frame's document) -> the 'doc' node. */
  #ids = new Map<number, number>();
  /** The 'doc' node the mirror holds for the frame, or null before the frame's first snapshot part. */
  #docId: number | null = null;
  /** The next snapshot part expected from the frame, or null when no snapshot is under way. */
  #nextPart: number | null = null;

  constructor(iframeId: number, allocate: () => number) {
    this.#iframeId = iframeId;
    this.#allocate = allocate;
  }

  /** The 'doc' node of the frame in the page's mirror (null before its first snapshot). */
  get docId(): number | null {
    return this.#docId;
  }

  /** How many frame nodes have a page id. */
  get size(): number {
    return this.#ids.size;
  }

  /** The page id of a frame node, if the frame ever sent it. */
  pageId(frameId: number): number | undefined {
    return this.#ids.get(frameId);
  }

  /** The frame's content goes away from the mirror (its page unloaded): a removes frame, or nothing if none was sent. */
  clear(): UnsequencedDomFrame[] {
    const docId = this.#docId;
    this.#ids = new Map();
    this.#docId = null;
    this.#nextPart = null;
    return docId === null ? [] : [{ t: 'mutations', removes: [docId], adds: [], attrs: [], texts: [] }];
  }

  /** Translates one DOM frame of the frame's capture; never throws. */
  translate(frame: DomFrame): Translation {
    try {
      return { frames: this.#translate(frame) };
    } catch (error) {
      this.#nextPart = null;
      return { restart: error instanceof Error ? error.message : String(error) };
    }
  }

  #translate(frame: DomFrame): UnsequencedDomFrame[] {
    if (frame.t === 'snapshot') return this.#snapshot(frame);
    // Until the frame's first snapshot part, nothing it says has a place in the mirror.
    if (this.#docId === null) return [];
    switch (frame.t) {
      case 'mutations':
        return [this.#mutations(frame)];
      case 'input': {
        const { seq: _seq, ...rest } = frame;
        return [{ ...rest, id: this.#id(frame.id) }];
      }
      case 'scroll':
        return [{ t: 'scroll', id: this.#id(frame.id), x: frame.x, y: frame.y }];
      case 'focus':
        return [{ t: 'focus', id: frame.id === null ? null : this.#id(frame.id) }];
      case 'media':
        return [{ t: 'media', id: this.#id(frame.id), paused: frame.paused, time: frame.time }];
      case 'canvas': {
        const { seq: _seq, ...rest } = frame;
        return [{ ...rest, id: this.#id(frame.id) }];
      }
      case 'selection': {
        const ranges = frame.ranges.map((range) => ({
          ...range,
          start: this.#id(range.start),
          end: this.#id(range.end),
        }));
        return [{ t: 'selection', ranges }];
      }
      // The frame's own top layer (its modal dialogs, popovers): frame-bridge.ts adds it to the page's.
      case 'top':
        return [{ t: 'top', layer: frame.layer.map((entry) => ({ id: this.#id(entry.id), kind: entry.kind })) }];
      // The frame's viewport is the <iframe>'s box and its URL is not the page's.
      case 'viewport':
      case 'nav':
        return [];
    }
  }

  #snapshot(frame: Frame<'snapshot'>): UnsequencedDomFrame[] {
    const removes: number[] = [];
    const adds: SerializedNode[] = [];
    if (frame.part === 0) {
      // A new run of the frame's capture: its ids start over, and so does its document in the mirror.
      if (this.#docId !== null) removes.push(this.#docId);
      const docId = this.#allocate();
      this.#ids = new Map([[0, docId]]);
      this.#docId = docId;
      const doc: SerializedNode = { kind: 'doc', id: docId, parent: this.#iframeId, next: null };
      if (frame.adopted !== undefined) doc.adopted = frame.adopted;
      if (frame.quirks !== undefined) doc.quirks = frame.quirks;
      adds.push(doc);
    } else if (this.#nextPart !== frame.part) {
      throw new UnknownId(`snapshot part ${frame.part} out of order`);
    }
    this.#nextPart = frame.final ? null : frame.part + 1;
    for (const node of frame.nodes) adds.push(this.#added(node));
    const out: UnsequencedDomFrame[] = [{ t: 'mutations', removes, adds, attrs: [], texts: [] }];
    const docId = this.#docId;
    if (frame.final && docId !== null) {
      if (frame.scrollX !== 0 || frame.scrollY !== 0)
        out.push({ t: 'scroll', id: docId, x: frame.scrollX, y: frame.scrollY });
      if (frame.focus !== undefined && frame.focus !== null) out.push({ t: 'focus', id: this.#id(frame.focus) });
    }
    return out;
  }

  #mutations(frame: Frame<'mutations'>): Out<'mutations'> {
    const removes: number[] = [];
    // A node the frame never sent is not in the mirror: nothing to remove.
    for (const id of frame.removes) {
      const mapped = this.#ids.get(id);
      if (mapped !== undefined && id !== 0) removes.push(mapped);
    }
    const adds = frame.adds.map((node) => this.#added(node));
    const attrs = frame.attrs.map((change) => ({ ...change, id: this.#id(change.id) }));
    const texts = frame.texts.map((change) => ({ ...change, id: this.#id(change.id) }));
    const out: Out<'mutations'> = { t: 'mutations', removes, adds, attrs, texts };
    if (frame.sheets !== undefined) out.sheets = frame.sheets.map((sheet) => ({ ...sheet, id: this.#id(sheet.id) }));
    return out;
  }

  /** An added node with page ids: its parent and next sibling must be known; a new node gets a new id, a re-added one keeps its. */
  #added(node: SerializedNode): SerializedNode {
    if (node.id === 0) throw new UnknownId('a frame cannot add its document');
    const parent = this.#id(node.parent);
    const next = node.next === undefined || node.next === null ? node.next : this.#id(node.next);
    let id = this.#ids.get(node.id);
    if (id === undefined) {
      id = this.#allocate();
      this.#ids.set(node.id, id);
    }
    const added: SerializedNode = { ...node, id, parent };
    if (next !== undefined) added.next = next;
    return added;
  }

  #id(frameId: number): number {
    const id = this.#ids.get(frameId);
    if (id === undefined) throw new UnknownId(`the frame named node ${frameId} it never sent`);
    return id;
  }
}
