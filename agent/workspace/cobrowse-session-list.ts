import { LitElement, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { workspaceApi, type SessionSummary } from './workspace-api.js';
import { sessionListStyles } from './workspace-styles.js';
import { formatTime, pathOf, STATUS_WORDS } from './cobrowse-session-history.js';

/** How often the list refreshes itself while shown. */
const REFRESH_MS = 10_000;

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
 * one click (refreshed every few seconds while shown), then their history
 * with filters and paging (`<cobrowse-session-history>`).
 *
 * @fires cobrowse-join - `detail: { token }` a join ticket for the chosen session
 * @fires cobrowse-signed-out - the server no longer knows the agent (signed out elsewhere, cookie expired)
 */
@customElement('cobrowse-session-list')
export class CobrowseSessionList extends LitElement {
  static override styles = sessionListStyles;

  @state() accessor _open: SessionSummary[] | null = null;
  @state() accessor _error = '';
  @state() accessor _joining = '';

  readonly refresher = new IntervalController(this, REFRESH_MS, () => void this.load());

  /** Fetch the waiting and live sessions; a failure keeps what is shown and says why. */
  async load(): Promise<void> {
    const open = await workspaceApi.sessions('pending,consented,live', 50);
    if (!open.ok) {
      if (open.code === 'SIGNED_OUT')
        this.dispatchEvent(new CustomEvent('cobrowse-signed-out', { bubbles: true, composed: true }));
      this._error = open.message;
      return;
    }
    this._error = '';
    this._open = open.value.sessions;
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
    const page = session.lastPage;
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

  override render() {
    const open = this._open;
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
      <cobrowse-session-history></cobrowse-session-history>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-session-list': CobrowseSessionList;
  }
}
