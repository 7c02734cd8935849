/**
 * Says in words what the agent shows, for screen-reader users: "Dana
 * highlighted: Postcode", "Dana is pointing at: Pay now". The live region is
 * made when sharing starts, long before its first text, so assistive
 * technology is listening when the text changes. It sits in our own shadow
 * root, outside the aria-hidden overlay, and is never captured.
 */
const MAX_NAME = 80;

/** A short accessible-ish name for an element of the customer's page. */
export function describeElement(el: Element): string {
  const labelled = el.getAttribute('aria-label');
  const labels = 'labels' in el ? (el as HTMLInputElement).labels : null;
  const name =
    labelled ||
    (labels && labels.length > 0 ? labels[0]?.textContent : '') ||
    el.getAttribute('placeholder') ||
    el.getAttribute('alt') ||
    el.getAttribute('title') ||
    el.textContent ||
    el.localName;
  const text = (name ?? '').replace(/\s+/g, ' ').trim();
  return text.length > MAX_NAME ? `${text.slice(0, MAX_NAME - 1)}…` : text;
}

export class GuidanceAnnouncer {
  readonly #region: HTMLElement;
  #agent: string;
  #pointedAt: Element | null = null;

  constructor(container: Node, doc: Document, agentName: string) {
    this.#agent = agentName || 'Support';
    this.#region = doc.createElement('div');
    this.#region.setAttribute('role', 'status');
    this.#region.setAttribute('aria-live', 'polite');
    this.#region.setAttribute('data-cobrowse-announcer', '');
    this.#region.style.cssText =
      'position:fixed;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;';
    container.appendChild(this.#region);
  }

  /** A person took over from the automated agent: guidance is theirs from now on. */
  set agentName(name: string) {
    this.#agent = name || 'Support';
  }

  highlighted(el: Element): void {
    this.#region.textContent = `${this.#agent} highlighted: ${describeElement(el)}`;
  }

  /** Once per element pointed at, not per pointer move. */
  pointing(el: Element | null): void {
    if (el === null || el === this.#pointedAt) return;
    this.#pointedAt = el;
    this.#region.textContent = `${this.#agent} is pointing at: ${describeElement(el)}`;
  }

  destroy(): void {
    this.#region.remove();
  }
}
