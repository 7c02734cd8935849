import { LitElement, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { workspaceApi, type SessionSummary } from './workspace-api.js';
import { sessionListStyles } from './workspace-styles.js';
import { endReasonWords, formatDuration } from '../end-reasons.js';

/** How often the list refreshes itself while shown. */
const REFRESH_MS = 10_000;
const RECENT_COUNT = 20;

const STATUS_WORDS: Record<SessionSummary['status'], string> = {
  pending: 'Waiting for the customer',
  consented: 'Customer allowed, connecting',
  live: 'Live',
  ended: 'Ended',
};

function formatTime(at: number): string {
  return new Date(at).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Calls `tick` now and then every `ms` while the host is connected; nothing runs once it is removed. */
export class IntervalController implements ReactiveController {
  #timer: ReturnType<typeof setInterval> | null = null;
  constructor(
    host: ReactiveControllerHost,
    private readonly ms: number,
    private readonly tick: () => void,
  ) {
    host.addController(this);
  }
  hostConnected(): void {
    this.tick();
    this.#timer = setInterval(this.tick, this.ms);
  }
  hostDisconnected(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/**
 * The signed-in agent's sessions: waiting and live ones first, joined with
 * one click, then the recent ones with their summary (duration, pages,
 * control). Refreshes itself every few seconds while shown.
 *
 * @fires cobrowse-join - `detail: { token }` a join ticket for the chosen session
 * @fires cobrowse-signed-out - the server no longer knows the agent (signed out elsewhere, cookie expired)
 */
@customElement('cobrowse-session-list')
export class CobrowseSessionList extends LitElement {
  static override styles = sessionListStyles;

  @state() accessor _open: SessionSummary[] | null = null;
  @state() accessor _recent: SessionSummary[] | null = null;
  @state() accessor _error = '';
  @state() accessor _joining = '';

  readonly refresher = new IntervalController(this, REFRESH_MS, () => void this.load());

  /** Fetch both lists; a failure keeps what is shown and says why. */
  async load(): Promise<void> {
    const [open, recent] = await Promise.all([
      workspaceApi.sessions('pending,consented,live', 50),
      workspaceApi.sessions('ended', RECENT_COUNT),
    ]);
    const failed = !open.ok ? open : !recent.ok ? recent : null;
    if (failed) {
      if (failed.code === 'SIGNED_OUT')
        this.dispatchEvent(new CustomEvent('cobrowse-signed-out', { bubbles: true, composed: true }));
      this._error = failed.message;
      return;
    }
    this._error = '';
    if (open.ok) this._open = open.value.sessions;
    if (recent.ok) this._recent = recent.value.sessions;
  }

  async _onJoin(session: SessionSummary): Promise<void> {
    this._joining = session.sessionId;
    const joined = await workspaceApi.join(session.sessionId);
    this._joining = '';
    if (!joined.ok) {
      this._error = joined.message;
      void this.load();
      return;
    }
    this.dispatchEvent(
      new CustomEvent('cobrowse-join', { detail: { token: joined.value.ticket }, bubbles: true, composed: true }),
    );
  }

  #label(session: SessionSummary): string {
    return session.conversationId
      ? `Conversation ${session.conversationId}`
      : `Session ${session.sessionId.slice(0, 8)}`;
  }

  #renderOpen(session: SessionSummary) {
    const label = this.#label(session);
    const page = session.pagesVisited.at(-1);
    return html`<li class="session" data-status=${session.status}>
      <div class="what">
        <span class="badge" data-status=${session.status}>${STATUS_WORDS[session.status]}</span>
        <strong>${label}</strong>
        <span class="meta"
          >Offered ${formatTime(session.createdAt)}${page ? html` · on ${pathOf(page.url)}` : nothing}</span
        >
      </div>
      <button
        type="button"
        class="primary"
        ?disabled=${this._joining !== ''}
        aria-label=${`Join: ${label}, ${STATUS_WORDS[session.status].toLowerCase()}`}
        @click=${() => void this._onJoin(session)}
      >
        ${this._joining === session.sessionId ? 'Joining…' : 'Join'}
      </button>
    </li>`;
  }

  #renderRecent(session: SessionSummary) {
    const pages = session.pagesVisited.length;
    const last = session.pagesVisited.at(-1);
    return html`<li class="session">
      <div class="what">
        <strong>${this.#label(session)}</strong>
        <span class="meta"
          >${formatTime(session.createdAt)} ·
          ${endReasonWords(session.consent === 'declined' ? 'declined' : session.endReason)}</span
        >
        <dl class="summary">
          <div>
            <dt>Duration</dt>
            <dd>${formatDuration(session.durationMs)}</dd>
          </div>
          <div>
            <dt>Pages</dt>
            <dd>${pages}${last ? html` <span class="meta">(last: ${pathOf(last.url)})</span>` : nothing}</dd>
          </div>
          <div>
            <dt>Control</dt>
            <dd>${session.controlGranted ? 'granted' : 'not granted'}</dd>
          </div>
        </dl>
      </div>
    </li>`;
  }

  override render() {
    const open = this._open;
    const recent = this._recent;
    return html`
      <section class="card" aria-labelledby="open-title">
        <div class="head">
          <h2 id="open-title">Your waiting and live sessions</h2>
          <button type="button" @click=${() => void this.load()}>Refresh</button>
        </div>
        ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
        ${
          open === null
            ? html`<p role="status">Loading your sessions…</p>`
            : open.length === 0
              ? html`<p class="empty">No session is waiting for you.</p>`
              : html`<ul class="sessions">
                  ${open.map((s) => this.#renderOpen(s))}
                </ul>`
        }
      </section>
      <section class="card" aria-labelledby="recent-title">
        <h2 id="recent-title">Recent sessions</h2>
        ${
          recent === null
            ? nothing
            : recent.length === 0
              ? html`<p class="empty">No ended sessions yet.</p>`
              : html`<ul class="sessions">
                  ${recent.map((s) => this.#renderRecent(s))}
                </ul>`
        }
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-session-list': CobrowseSessionList;
  }
}
