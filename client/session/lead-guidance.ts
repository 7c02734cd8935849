/**
 * What the lead shows on the customer's page: the guidance overlay (pointer,
 * highlight, drawings) and the screen-reader announcements of it. The
 * overlay is made at the lead's first gesture, the announcer once connected.
 */
import type { ChannelMessage } from '../../shared/protocol.js';
import type { SessionHost } from '../session-api.js';
import { GuidanceAnnouncer } from './guidance-announcer.js';
import { GuidanceOverlay } from './guidance-overlay.js';
import type { PeerLink } from './viewer-links.js';

type GuidanceMessage = Extract<ChannelMessage, { t: 'pointer' | 'highlight' | 'annotation' | 'annotation-clear' }>;

export class LeadGuidance {
  readonly #host: SessionHost;
  readonly #window: Window & typeof globalThis;
  readonly #leadName: () => string;
  #overlay: GuidanceOverlay | null = null;
  #announcer: GuidanceAnnouncer | null = null;

  constructor(host: SessionHost, win: Window & typeof globalThis, leadName: () => string) {
    this.#host = host;
    this.#window = win;
    this.#leadName = leadName;
  }

  /** Announcements start with the first connection (next to the overlay's container). */
  startAnnouncer(): void {
    const container = this.#host.overlayContainer.parentNode;
    if (!container || this.#announcer) return;
    this.#announcer = new GuidanceAnnouncer(
      container,
      container.ownerDocument ?? document,
      this.#leadName(),
      ...(this.#host.guidanceWords ? [this.#host.guidanceWords.bind(this.#host)] : []),
    );
  }

  /** The lead's name changed (a person took over, or the lead was handed on). */
  renamed(name: string = this.#leadName()): void {
    if (this.#announcer) this.#announcer.agentName = name;
  }

  /** A new lead: the overlay names who guides, so it is made again at their first gesture. */
  leadChanged(): void {
    this.#overlay?.destroy();
    this.#overlay = null;
    this.renamed();
  }

  /** The lead's gesture from one connection (whose node ids a highlight names). */
  show(message: GuidanceMessage, link: PeerLink): void {
    switch (message.t) {
      case 'pointer':
        if (message.gone) this.#overlay?.showPointer(message.x, message.y, true);
        else {
          this.#guidance().showPointer(message.x, message.y);
          this.#announcer?.pointing(
            document.elementFromPoint(message.x - this.#window.scrollX, message.y - this.#window.scrollY),
          );
        }
        return;
      case 'highlight': {
        const node = message.id === null ? null : link.capture?.nodeOf(message.id);
        const element = node && node.nodeType === 1 ? (node as Element) : (node?.parentElement ?? null);
        if (element) {
          this.#guidance().highlight(element, message.label);
          this.#announcer?.highlighted(element);
        } else this.#overlay?.highlight(null, message.label);
        return;
      }
      case 'annotation':
        this.#guidance().annotate(message.id, message.shape, message.points, message.color);
        return;
      case 'annotation-clear':
        this.#overlay?.clearAnnotations();
        return;
    }
  }

  /** The connection dropped: no highlight or pointer stays on screen. */
  clearTransient(): void {
    this.#overlay?.highlight(null);
    this.#overlay?.showPointer(0, 0, true);
  }

  destroy(): void {
    this.#overlay?.destroy();
    this.#overlay = null;
    this.#announcer?.destroy();
    this.#announcer = null;
  }

  /**
   * The overlay is made when the agent first points, highlights or draws: it
   * re-places itself every animation frame, work the first snapshot should not
   * compete with when the agent has shown nothing yet.
   */
  #guidance(): GuidanceOverlay {
    this.#overlay ??= new GuidanceOverlay(this.#host.overlayContainer, this.#window, this.#leadName());
    return this.#overlay;
  }
}
