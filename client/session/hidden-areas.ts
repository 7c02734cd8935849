/**
 * What the agent cannot see, shown on the customer's own page: every masked
 * field and blocked region outlined, labelled "Hidden from Dana". Shown for a
 * few seconds when sharing starts and on demand from the indicator. The
 * decision is the capture's own (decideField on describeField), so the
 * outlines are exactly what masking hides; text that is masked because it
 * looks like a card number or SSN inside ordinary text is not outlined.
 * Drawn in the element's shadow root (never captured), pointer-events off.
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
  #boxes: { target: Element; box: HTMLElement }[] = [];
  #frame = 0;
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
      this.#boxes.push({ target, box });
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

  /** Each frame while shown: the outlines follow their elements (scrolling, layout changes). */
  readonly #place = (): void => {
    for (const { target, box } of this.#boxes) {
      const rect = target.isConnected ? target.getBoundingClientRect() : null;
      if (!rect || (rect.width === 0 && rect.height === 0)) {
        box.style.display = 'none';
        continue;
      }
      box.style.display = 'block';
      box.style.left = `${rect.left - 3}px`;
      box.style.top = `${rect.top - 3}px`;
      box.style.width = `${rect.width + 2}px`;
      box.style.height = `${rect.height + 2}px`;
    }
    if (this.#boxes.length > 0) this.#frame = this.#window.requestAnimationFrame(this.#place);
  };
}
