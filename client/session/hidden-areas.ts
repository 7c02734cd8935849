/**
 * What the agent cannot see, shown on the customer's own page: every masked
 * field and blocked region outlined, labelled "Hidden from Dana". Shown for a
 * few seconds when sharing starts and on demand from the indicator. The
 * decision is the capture's own (decideField on describeField), so the
 * outlines are exactly what masking hides; text that is masked because it
 * looks like a card number or SSN inside ordinary text is not outlined.
 * Drawn in the element's shadow root (never captured), pointer-events off.
 * Our UI sits above the page, so an outline would paint over whatever page
 * content covers its field (a chat panel, a sticky bar): each frame the field
 * is hit-tested at a grid of points, and what covers it is cut out of the
 * outline (clip-path); a field covered at every point shows no outline.
 */
import { decideField } from '../capture/mask.js';
import { describeField, LabelIndex, type MaskConfig } from '../capture/mask-dom.js';

/** How long the outlines stay when shown. */
export const HIDDEN_AREAS_MS = 6_000;

const FIELDS = 'input:not([type=hidden]),select,textarea,[contenteditable]';

/** The masked fields and blocked regions of `doc` (a blocked region once, not its contents). */
export function hiddenElements(doc: Document, config: MaskConfig): Element[] {
  const selector = [FIELDS, config.anyMarkerSelector].filter(Boolean).join(',');
  const found: Element[] = [];
  let blocked: Element | null = null;
  // One pass over the labels: `el.labels` scans the whole tree per field (40-120 ms at 10k nodes, measured).
  const labels = new LabelIndex();
  for (const el of Array.from(doc.querySelectorAll(selector))) {
    if (blocked?.contains(el)) continue;
    const decision = decideField(describeField(el, config, labels)).decision;
    if (decision === 'clear') continue;
    // A marker on a wrapper covers its fields: one outline for the wrapper.
    if (found.some((outer) => outer.contains(el))) continue;
    if (decision === 'block') blocked = el;
    found.push(el);
  }
  return found;
}

export class HiddenAreas {
  readonly #root: HTMLElement;
  readonly #window: Window;
  readonly #doc: Document;
  readonly #config: MaskConfig;
  readonly #label: () => string;
  /** `at`: where the field was when what covers it was last checked. */
  #boxes: { target: Element; box: HTMLElement; at: string }[] = [];
  #frame = 0;
  #frames = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #onCount: ((count: number) => void) | null = null;

  constructor(container: HTMLElement, view: Window, config: MaskConfig, label: () => string) {
    this.#window = view;
    this.#doc = view.document;
    this.#config = config;
    this.#label = label;
    this.#root = container.ownerDocument.createElement('div');
    this.#root.setAttribute('data-cobrowse-hidden-areas', '');
    this.#root.style.cssText = 'position:fixed;inset:0;pointer-events:none;overflow:hidden;';
    container.append(this.#root);
  }

  get shown(): boolean {
    return this.#boxes.length > 0 || this.#timer !== null;
  }

  /** Outline what is hidden now, for `ms`, following the page as it scrolls. */
  show(ms = HIDDEN_AREAS_MS, onCount?: (count: number) => void): void {
    this.hide();
    this.#onCount = onCount ?? null;
    const label = this.#label();
    const make = this.#root.ownerDocument;
    for (const target of hiddenElements(this.#doc, this.#config)) {
      const box = make.createElement('div');
      box.setAttribute('data-cobrowse-hidden-outline', '');
      box.style.cssText =
        'position:absolute;display:none;border:2px dashed #b91c1c;border-radius:6px;background:rgb(185 28 28 / 8%);';
      const tag = make.createElement('span');
      tag.textContent = label;
      tag.style.cssText =
        'position:absolute;right:-2px;bottom:100%;margin-bottom:2px;background:#b91c1c;color:#fff;font:600 12px/1.4 system-ui,sans-serif;padding:1px 6px;border-radius:4px;white-space:nowrap;';
      box.append(tag);
      this.#root.append(box);
      this.#boxes.push({ target, box, at: '' });
    }
    this.#place();
    this.#onCount?.(this.#boxes.length);
    this.#timer = setTimeout(() => this.hide(), ms);
  }

  hide(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#window.cancelAnimationFrame(this.#frame);
    for (const { box } of this.#boxes) box.remove();
    this.#boxes = [];
    this.#onCount?.(0);
    this.#onCount = null;
  }

  destroy(): void {
    this.hide();
    this.#root.remove();
  }

  /**
   * Each frame while shown: the outlines follow their elements (scrolling, layout changes); what
   * covers them is checked again when their box moved and every RECHECK_FRAMES frames (a panel
   * opened by the page).
   */
  readonly #place = (): void => {
    this.#frames++;
    for (const outline of this.#boxes) {
      const { target, box } = outline;
      const rect = target.isConnected ? target.getBoundingClientRect() : null;
      if (!rect || (rect.width === 0 && rect.height === 0)) {
        box.style.display = 'none';
        outline.at = '';
        continue;
      }
      const at = `${rect.left} ${rect.top} ${rect.width} ${rect.height}`;
      if (at === outline.at && this.#frames % RECHECK_FRAMES !== 0) continue;
      outline.at = at;
      const left = rect.left - 3;
      const top = rect.top - 3;
      box.style.display = 'block';
      box.style.left = `${left}px`;
      box.style.top = `${top}px`;
      box.style.width = `${rect.width + 2}px`;
      box.style.height = `${rect.height + 2}px`;
      const covers = coveringBoxes(this.#doc, target, rect, box.firstElementChild);
      if (!covers) {
        box.style.display = 'none';
        continue;
      }
      // Everything around the box (its label sits above it), less each covering box, wound the other way.
      box.style.clipPath =
        covers.length === 0
          ? ''
          : `path('M-4000 -80H${rect.width + 4000}V${rect.height + 80}H-4000Z${covers
              .map((c) => `M${c.left - left} ${c.top - top}V${c.bottom - top}H${c.right - left}V${c.top - top}Z`)
              .join('')}')`;
    }
    if (this.#boxes.length > 0) this.#frame = this.#window.requestAnimationFrame(this.#place);
  };
}

/** Frames between two checks of what covers an outline that did not move (about 4 a second). */
const RECHECK_FRAMES = 15;

/** Points of a box hit-tested for what covers it: a 3 x 3 grid. */
const GRID = [1 / 6, 1 / 2, 5 / 6];

/**
 * The boxes of page content painted over `target` (empty: nothing covers it), or null when it is
 * covered at every point of the grid. `label`: our label above the outline, which must not paint
 * over a positioned layer (a panel, a bar) either; ordinary content under it does not count.
 */
export function coveringBoxes(doc: Document, target: Element, rect: DOMRect, label: Element | null): DOMRect[] | null {
  const covers = new Set<Element>();
  let covered = 0;
  for (const fx of GRID)
    for (const fy of GRID) {
      const layer = coveringLayer(doc, target, rect.left + rect.width * fx, rect.top + rect.height * fy, false);
      if (layer) {
        covers.add(layer);
        covered++;
      }
    }
  if (covered === GRID.length * GRID.length) return null;
  const tag = label?.getBoundingClientRect();
  const over = tag && coveringLayer(doc, target, tag.left + tag.width / 2, tag.top + tag.height / 2, true);
  if (over) covers.add(over);
  return [...covers].map((layer) => layer.getBoundingClientRect());
}

/** What is painted at (x, y) over `target`, as the layer it belongs to; null if the target shows there. */
function coveringLayer(doc: Document, target: Element, x: number, y: number, positionedOnly: boolean): Element | null {
  const hit = doc.elementFromPoint(x, y);
  // Nothing there (off screen), the field itself, or its own ancestors (a label, a shadow host): not covered.
  if (!hit || hit === target || target.contains(hit) || hit.contains(target)) return null;
  let layer: Element = hit;
  for (let el: Element | null = hit; el && !el.contains(target); el = el.parentElement) {
    layer = el;
    const position = doc.defaultView?.getComputedStyle(el).position;
    if (position === 'fixed' || position === 'absolute' || position === 'sticky') return el;
  }
  // Not positioned: the branch of the page drawn over the field (under our label it is just the page).
  return positionedOnly ? null : layer;
}
