/**
 * How the session went, shown to the agent once it ends: duration, pages
 * visited, whether control was granted, who ended it. Asked of the server
 * with the agent's own token until the server has recorded the end (the
 * console can learn of it first); its retry timer ends with the element.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import * as z from 'zod/mini';
import { endReasonWords, formatDuration } from './end-reasons.js';

const summarySchema = z.object({
  status: z.enum(['pending', 'consented', 'live', 'ended']),
  durationMs: z.nullable(z.number()),
  pagesVisited: z.array(z.object({ url: z.string() })),
  controlGranted: z.boolean(),
  endReason: z.nullable(z.string()),
  endedByAgent: z.nullable(z.object({ id: z.string(), name: z.string() })),
});
export type EndSummary = z.infer<typeof summarySchema>;

const ATTEMPTS = 10;
const RETRY_MS = 300;

export interface EndSummaryOptions {
  server(): string;
  token(): string;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export class EndSummaryController implements ReactiveController {
  summary: EndSummary | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #started = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: EndSummaryOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Fetch the summary once the session has ended (idempotent). */
  load(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#attempt(1);
  }

  async #attempt(attempt: number): Promise<void> {
    this.#timer = null;
    let found: EndSummary | null = null;
    try {
      const res = await fetch(new URL('/api/session-summary', this.options.server()), {
        headers: { authorization: `Bearer ${this.options.token()}` },
        // A join ticket needs the console's cookie, which only goes to its own origin.
        credentials: 'same-origin',
        cache: 'no-store',
      });
      const parsed = summarySchema.safeParse(res.ok ? await res.json() : null);
      if (parsed.success) found = parsed.data;
    } catch {
      // Offline or refused: the notice simply has no summary.
    }
    if (found?.status === 'ended') {
      this.summary = found;
      this.host.requestUpdate();
    } else if (attempt < ATTEMPTS) {
      this.#timer = setTimeout(() => void this.#attempt(attempt + 1), RETRY_MS);
    }
  }

  render(): TemplateResult | typeof nothing {
    const summary = this.summary;
    if (!summary) return nothing;
    const pages = summary.pagesVisited.map((page) => pathOf(page.url));
    const ended =
      summary.endReason === 'agent-ended' && summary.endedByAgent
        ? `ended by ${summary.endedByAgent.name}`
        : endReasonWords(summary.endReason);
    return html`<section class="end-summary" aria-label="Session summary">
      <h3>Session summary</h3>
      <dl>
        <div><dt>Duration</dt><dd>${formatDuration(summary.durationMs)}</dd></div>
        <div>
          <dt>Pages visited</dt>
          <dd>${pages.length === 0 ? 'none' : `${pages.length}: ${pages.join(', ')}`}</dd>
        </div>
        <div><dt>Control</dt><dd>${summary.controlGranted ? 'granted' : 'not granted'}</dd></div>
        <div><dt>Ended</dt><dd>${ended.charAt(0).toUpperCase()}${ended.slice(1)}</dd></div>
      </dl>
    </section>`;
  }
}
