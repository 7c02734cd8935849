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

/** The sentence for a piece of guidance, in the customer's language (the element's catalog). */
export type GuidanceWords = (kind: 'highlighted' | 'pointing', agent: string, target: string) => string;

const ENGLISH: GuidanceWords = (kind, agent, target) =>
  kind === 'highlighted'
    ? `${agent || 'Support'} highlighted: ${target}`
    : `${agent || 'Support'} is pointing at: ${target}`;

export class GuidanceAnnouncer {
  readonly #region: HTMLElement;
  #agent: string;
  #pointedAt: Element | null = null;

  readonly #words: GuidanceWords;

  constructor(container: Node, doc: Document, agentName: string, words: GuidanceWords = ENGLISH) {
    this.#agent = agentName;
    this.#words = words;
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
    this.#agent = name;
  }

  highlighted(el: Element): void {
    this.#region.textContent = this.#words('highlighted', this.#agent, describeElement(el));
  }

  /** Once per element pointed at, not per pointer move. */
  pointing(el: Element | null): void {
    if (el === null || el === this.#pointedAt) return;
    this.#pointedAt = el;
    this.#region.textContent = this.#words('pointing', this.#agent, describeElement(el));
  }

  destroy(): void {
    this.#region.remove();
  }
}
