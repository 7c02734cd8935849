/**
 * Canvas pixels in the mirror. A canvas in the scriptless mirror renders as
 * an ordinary box (its fallback), and drawing into it shows nothing, so the
 * customer's image is shown through CSS instead: the mirror's own sheet of
 * the canvas's document gets `[CANVAS_ATTRIBUTE="id"] { content: url(blob:…) }`,
 * which makes the canvas a replaced element showing the image in its box
 * (the page's own background and border stay). The image is decoded before
 * the rule changes, so an update never flashes an empty box, and the blob
 * URL it replaces is revoked then.
 *
 * Only the formats the protocol allows (WebP, PNG, JPEG) are made into
 * blobs, typed as such: the bytes are only ever decoded as an image.
 */
import type { DomFrame } from '../../shared/protocol.js';
import { MIRROR_ATTRIBUTE_PREFIX } from './sanitize.js';
import { isElement } from './dom-nodes.js';

type CanvasFrame = Extract<DomFrame, { t: 'canvas' }>;

/** On a mirrored canvas that shows the customer's pixels: its node id. */
export const CANVAS_ATTRIBUTE = `${MIRROR_ATTRIBUTE_PREFIX}-canvas`;

interface Shown {
  url: string;
  rule: CSSStyleRule;
  canvas: Element;
}

export class CanvasPixels {
  /** What each canvas shows now, by node id. */
  #shown = new Map<number, Shown>();
  /** The latest frame per id: an older decode that finishes late is dropped. */
  #latest = new Map<number, number>();
  #generation = 0;
  #decoding = 0;

  /** Images being decoded (tests wait until 0). */
  get pending(): number {
    return this.#decoding;
  }

  /**
   * Shows `frame` in `node` (a mirrored canvas) through `sheet` (the mirror's
   * own sheet of the canvas's document). False when the node is not a canvas.
   */
  apply(frame: CanvasFrame, node: Node | undefined, sheetFor: (canvas: Element) => CSSStyleSheet | null): boolean {
    if (!isElement(node) || node.localName !== 'canvas') return false;
    const view = node.ownerDocument.defaultView;
    const sheet = sheetFor(node);
    if (view === null || sheet === null) return false;
    const id = frame.id;
    const ticket = (this.#latest.get(id) ?? 0) + 1;
    this.#latest.set(id, ticket);
    const generation = this.#generation;
    // The console's realm makes the blob: the mirror documents share its origin, and so its blob URLs.
    const url = URL.createObjectURL(new Blob([frame.image as Uint8Array<ArrayBuffer>], { type: frame.type }));
    const probe = new Image();
    probe.src = url;
    this.#decoding++;
    void probe
      .decode()
      .then(
        () => {
          if (generation !== this.#generation || this.#latest.get(id) !== ticket || !node.isConnected) {
            URL.revokeObjectURL(url);
            return;
          }
          this.#show(id, node, url, sheet);
        },
        () => URL.revokeObjectURL(url),
      )
      .finally(() => {
        this.#decoding--;
      });
    return true;
  }

  #show(id: number, canvas: Element, url: string, sheet: CSSStyleSheet): void {
    const previous = this.#shown.get(id);
    let rule = previous !== undefined && previous.canvas === canvas ? previous.rule : null;
    if (rule === null || rule.parentStyleSheet !== sheet) {
      if (previous !== undefined) this.#drop(id);
      const index = sheet.insertRule(`[${CANVAS_ATTRIBUTE}="${id}"] {}`, sheet.cssRules.length);
      rule = sheet.cssRules[index] as CSSStyleRule;
    }
    canvas.setAttribute(CANVAS_ATTRIBUTE, String(id));
    rule.style.setProperty('content', `url("${url}")`, 'important');
    if (previous !== undefined && previous.url !== url) URL.revokeObjectURL(previous.url);
    this.#shown.set(id, { url, rule, canvas });
    this.#collect();
  }

  /** Forgets canvases that left the mirror (their blob URLs are freed). */
  #collect(): void {
    for (const [id, shown] of this.#shown) if (!shown.canvas.isConnected) this.#drop(id);
  }

  #drop(id: number): void {
    const shown = this.#shown.get(id);
    if (shown === undefined) return;
    this.#shown.delete(id);
    URL.revokeObjectURL(shown.url);
    const sheet = shown.rule.parentStyleSheet;
    if (sheet === null) return;
    for (let i = sheet.cssRules.length - 1; i >= 0; i--) {
      if (sheet.cssRules[i] === shown.rule) sheet.deleteRule(i);
    }
  }

  /** A new mirror document (snapshot) or the end: every image is freed. */
  reset(): void {
    this.#generation++;
    for (const id of [...this.#shown.keys()]) this.#drop(id);
    this.#latest.clear();
  }
}
