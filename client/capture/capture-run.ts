/**
 * One capture run: the node ids handed out since the last snapshot, the
 * serializer and mutation collector that share them, and what the run
 * learns while serializing (form fields, playing media, iframe documents).
 * Every snapshot starts a new run; records of an older run mean nothing.
 */
import type { SerializedNode } from '../../shared/protocol.js';
import type { MaskConfig } from './mask-dom.js';
import { MutationCollector } from './mutations.js';
import { NodeIds } from './node-ids.js';
import { pickFormState, type FormState } from './form-state.js';
import { Serializer } from './serialize.js';
import type { SensitiveFields } from './typing-mask.js';
import type { SheetReader } from './stylesheets.js';
import { nodeTypeOf } from './dom-read.js';

export interface CaptureRunOptions {
  topDocument: Document;
  sensitiveFields: SensitiveFields;
  mask: MaskConfig;
  sheets: SheetReader;
  isOwnUi: (node: Node) => boolean;
  /** Documents and open shadow roots being observed. */
  roots: () => Iterable<Document | ShadowRoot>;
  /** An open shadow root or same-origin iframe document was reached: observe it. */
  observeRoot: (root: Document | ShadowRoot) => void;
  /** A form element whose value may have changed: the input pipeline compares it. */
  queueInput: (el: Element) => void;
  /** A form control (input, textarea, select, option) went out with this state. */
  formSerialized: (el: Element, state: FormState, watch: boolean) => void;
  /** A playing media element went out (outside a snapshot: its state follows at once). */
  mediaPlaying: (el: Element) => void;
  /** A canvas went out (not blocked): its pixels may follow (canvas.ts). */
  canvasSerialized: (el: Element) => void;
  /** An <iframe> went out (its frame may be a cross-origin one that joins, frame-bridge.ts). */
  frameSerialized: (el: Element, id: number) => void;
  /** True while this run's snapshot is being walked. */
  snapshotting: () => boolean;
}

export class CaptureRun {
  readonly ids: NodeIds;
  readonly serializer: Serializer;
  readonly collector: MutationCollector;
  /** The document each captured iframe showed when last serialized. */
  readonly iframeDocuments = new WeakMap<Element, Document>();
  /** Playing media found by the snapshot; their state follows the final part. */
  readonly playingMedia: Element[] = [];
  readonly #o: CaptureRunOptions;

  constructor(options: CaptureRunOptions) {
    this.#o = options;
    const ids = new NodeIds(options.topDocument);
    const serializedNow = new Set<Node>();
    this.ids = ids;
    this.serializer = new Serializer({
      sensitiveFields: options.sensitiveFields,
      ids,
      mask: options.mask,
      sheets: options.sheets,
      topDocument: options.topDocument,
      isOwnUi: options.isOwnUi,
      onRoot: options.observeRoot,
      onSerialized: (node, record) => this.#onSerialized(node, record),
    });
    this.collector = new MutationCollector({
      serializer: this.serializer,
      ids,
      topDocument: options.topDocument,
      isOwnUi: options.isOwnUi,
      roots: options.roots,
      onFormAttribute: options.queueInput,
      serializedNow,
    });
  }

  #onSerialized(node: Node, record: SerializedNode): void {
    this.collector.nodeSerialized(node);
    if (record.kind === 'el') {
      const tag = record.tag;
      if (tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'option') {
        this.#o.formSerialized(node as Element, pickFormState(record), tag !== 'option');
      } else if (tag === 'iframe' || tag === 'frame') {
        if (record.blocked === undefined) this.#o.frameSerialized(node as Element, record.id);
      } else if (tag === 'canvas') {
        if (record.blocked === undefined) this.#o.canvasSerialized(node as Element);
      } else if ((tag === 'video' || tag === 'audio') && !(node as HTMLMediaElement).paused) {
        if (this.#o.snapshotting()) this.playingMedia.push(node as Element);
        else this.#o.mediaPlaying(node as Element);
      }
    } else if (record.kind === 'doc' || record.kind === 'shadow') {
      this.collector.rememberAdopted(node as Document | ShadowRoot, record.adopted);
      if (record.kind === 'doc') {
        const frame = this.serializer.captureParent(node);
        if (frame !== null && nodeTypeOf(frame) === 1) this.iframeDocuments.set(frame as Element, node as Document);
      }
    }
  }
}
