/**
 * One snapshot part as the engine sends it (without its seq, which the
 * sender adds): the nodes of one time slice plus what the mirror needs
 * about the page as a whole, masked (URL and title may hold numbers).
 */
import type { AssetPolicy, SerializedNode } from '../../shared/protocol.js';
import { maskNumbers, type MaskedText } from '../../shared/sensitive-numbers.js';
import { maskPageUrl } from './mask.js';
import type { CaptureRun } from './capture-run.js';
import type { UnsequencedDomFrame } from './dom-frame-sender.js';
import { titleOf } from './dom-read.js';
import type { EventCapture } from './events.js';
import { adoptedCss } from './stylesheets.js';
import { quirksWhereDoctypeMisleads } from './document-mode.js';

const MAX_URL = 8_192;
const MAX_TITLE = 2_048;

export type SnapshotBody = Extract<UnsequencedDomFrame, { t: 'snapshot' }>;

export interface SnapshotSource {
  win: Window;
  run: CaptureRun;
  events: EventCapture;
}

/**
 * The last input and output of a pure function of one string: a snapshot's parts mostly carry the same URL
 * and title, and masking the URL (parsing it, looking at every parameter name) cost 50-70 us a part, 3-8 ms
 * of a 10k- or 100k-node snapshot's parts (thread time, bench/snapshot-pair.mjs with marks).
 */
class LastOf<T> {
  #last: { input: string; output: T } | null = null;
  readonly #compute: (input: string) => T;

  constructor(compute: (input: string) => T) {
    this.#compute = compute;
  }

  of(input: string): T {
    if (this.#last === null || this.#last.input !== input) this.#last = { input, output: this.#compute(input) };
    return this.#last.output;
  }
}

const maskedUrl = new LastOf(maskPageUrl);
/** The title's numbers masked (the masked echoes in it are not: they change as the customer types). */
const titleNumbersMasked = new LastOf((title: string): Readonly<MaskedText> => maskNumbers(title));

/** Part 0 and the final part carry the document's adopted sheets; the final part carries focus. */
export function snapshotBody(
  source: SnapshotSource,
  slice: { part: number; nodes: SerializedNode[]; final: boolean },
  assets?: AssetPolicy,
): SnapshotBody {
  const { win, run } = source;
  const doc = win.document;
  const { part, nodes, final } = slice;
  const body: SnapshotBody = {
    t: 'snapshot',
    part,
    final,
    url: maskedUrl.of(doc.URL.slice(0, MAX_URL)),
    title: run.serializer.typing.echoes.mask(titleNumbersMasked.of(titleOf(doc).slice(0, MAX_TITLE))).text,
    viewportWidth: win.innerWidth,
    viewportHeight: win.innerHeight,
    devicePixelRatio: win.devicePixelRatio,
    scrollX: win.scrollX,
    scrollY: win.scrollY,
    nodes,
  };
  if (part === 0 || final) {
    const adopted = adoptedCss(doc);
    if (adopted !== undefined) body.adopted = adopted;
    if (final) run.collector.rememberAdopted(doc, adopted);
  }
  if (final) body.focus = source.events.focusedId(run.ids);
  if (assets !== undefined) body.assets = assets;
  const quirks = part === 0 ? quirksWhereDoctypeMisleads(doc) : undefined;
  if (quirks !== undefined) body.quirks = quirks;
  return body;
}
