/**
 * One snapshot part as the engine sends it (without its seq, which the
 * sender adds): the nodes of one time slice plus what the mirror needs
 * about the page as a whole, masked (URL and title may hold numbers).
 */
import type { AssetPolicy, SerializedNode } from '../../shared/protocol.js';
import { maskNumbers } from '../../shared/sensitive-numbers.js';
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
    url: maskPageUrl(doc.URL.slice(0, MAX_URL)),
    title: run.serializer.typing.echoes.mask(maskNumbers(titleOf(doc).slice(0, MAX_TITLE))).text,
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
