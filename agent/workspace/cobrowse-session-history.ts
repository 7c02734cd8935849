import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { workspaceApi, type SessionSummary } from './workspace-api.js';
import { sessionHistoryStyles } from './workspace-styles.js';
import { endReasonWords, formatDuration } from '../end-reasons.js';
import { DEFAULT_FILTERS, historyQuery, type HistoryFilters, type HistoryStatus } from './session-query.js';

/** Sessions per page. */
const PAGE_SIZE = 20;

const STATUS_CHOICES: [HistoryStatus, string][] = [
  ['ended', 'Ended'],
  ['live', 'Live'],
  ['pending', 'Waiting for the customer'],
  ['any', 'Any'],
];

export const STATUS_WORDS: Record<SessionSummary['status'], string> = {
  pending: 'Waiting for the customer',
  consented: 'Customer allowed, connecting',
  live: 'Live',
  ended: 'Ended',
};

export function formatTime(at: number): string {
  return new Date(at).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * The signed-in agent's session history: filters (status, created from/to,
 * conversation) over `GET /api/sessions`, newest first, a page at a time
 * (**Show more** follows the server's cursor, so rows neither repeat nor go
 * missing while new sessions are created), each with its summary.
 *
 * @fires cobrowse-signed-out - the server no longer knows the agent
 */
@customElement('cobrowse-session-history')
export class CobrowseSessionHistory extends LitElement {
  static override styles = sessionHistoryStyles;

  @state() accessor _filters: HistoryFilters = DEFAULT_FILTERS;
  @state() accessor _sessions: SessionSummary[] | null = null;
  @state() accessor _next: string | null = null;
  @state() accessor _loading = false;
  @state() accessor _error = '';
  /** The filter field the error is about, marked invalid. */
  @state() accessor _invalid: keyof HistoryFilters | null = null;
  @state() accessor _announcement = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.search();
  }

  /** The first page for the current filters. */
  async search(): Promise<void> {
    const query = historyQuery(this._filters, PAGE_SIZE);
    if (!query.ok) {
      this._error = query.message;
      this._invalid = query.field;
      return;
    }
    this._invalid = null;
    const page = await this.#fetch(query.query);
    if (!page) return;
    this._sessions = page.sessions;
    this._next = page.next;
    this._announcement =
      page.sessions.length === 0
        ? 'No session matches.'
        : `${page.sessions.length}${page.next ? ' or more' : ''} sessions shown.`;
  }

  async _onMore(): Promise<void> {
    const query = historyQuery(this._filters, PAGE_SIZE, this._next);
    if (!query.ok || this._next === null) return;
    const shown = this._sessions?.length ?? 0;
    const page = await this.#fetch(query.query);
    if (!page) return;
    this._sessions = [...(this._sessions ?? []), ...page.sessions];
    this._next = page.next;
    this._announcement = `${page.sessions.length} more sessions shown.`;
    await this.updateComplete;
    // Focus goes to the first new row, so a keyboard user carries on reading where the list grew.
    this.renderRoot.querySelectorAll<HTMLElement>('.history li.session')[shown]?.focus();
  }

  async #fetch(query: string): Promise<{ sessions: SessionSummary[]; next: string | null } | null> {
    this._loading = true;
    const answer = await workspaceApi.sessionPage(query);
    this._loading = false;
    if (!answer.ok) {
      if (answer.code === 'SIGNED_OUT')
        this.dispatchEvent(new CustomEvent('cobrowse-signed-out', { bubbles: true, composed: true }));
      this._error = answer.message;
      return null;
    }
    this._error = '';
    return answer.value;
  }

  _onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    const status = STATUS_CHOICES.find(([value]) => value === text('status'))?.[0] ?? 'any';
    this._filters = { status, from: text('from'), to: text('to'), conversation: text('conversation') };
    void this.search();
  }

  _onClear(): void {
    this._filters = DEFAULT_FILTERS;
    void this.search();
  }

  #row(session: SessionSummary) {
    const pages = session.pageCount;
    const last = session.lastPage;
    const label = session.conversationId
      ? `Conversation ${session.conversationId}`
      : `Session ${session.sessionId.slice(0, 8)}`;
    const outcome =
      session.status === 'ended'
        ? endReasonWords(session.consent === 'declined' ? 'declined' : session.endReason)
        : STATUS_WORDS[session.status];
    return html`<li class="session" tabindex="-1">
      <div class="what">
        <strong>${label}</strong>
        <span class="meta">${formatTime(session.createdAt)} · ${outcome}</span>
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
    const f = this._filters;
    const sessions = this._sessions;
    const invalid = (field: keyof HistoryFilters) => (this._invalid === field ? 'true' : 'false');
    return html`<section class="card" aria-labelledby="history-title">
      <h2 id="history-title">Your sessions</h2>
      <form class="filters" role="search" aria-label="Filter your sessions" @submit=${this._onSubmit}>
        <div class="field">
          <label for="history-status">Status</label>
          <select id="history-status" name="status">
            ${STATUS_CHOICES.map(([value, words]) => html`<option value=${value} ?selected=${f.status === value}>${words}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="history-from">From</label>
          <input id="history-from" type="date" name="from" .value=${f.from} aria-invalid=${invalid('from')} aria-describedby="history-error" />
        </div>
        <div class="field">
          <label for="history-to">To</label>
          <input id="history-to" type="date" name="to" .value=${f.to} aria-invalid=${invalid('to')} aria-describedby="history-error" />
        </div>
        <div class="field">
          <label for="history-conversation">Conversation</label>
          <input
            id="history-conversation"
            type="search"
            name="conversation"
            .value=${f.conversation}
            autocomplete="off"
            aria-invalid=${invalid('conversation')}
            aria-describedby="history-error"
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this._loading}>Show</button>
          <button type="button" @click=${() => this._onClear()}>Clear filters</button>
        </div>
      </form>
      <p class="error" id="history-error" role="alert">${this._error}</p>
      <p class="visually-hidden" role="status">${this._announcement}</p>
      ${
        sessions === null
          ? html`<p>Loading your sessions…</p>`
          : sessions.length === 0
            ? html`<p class="empty">No session matches these filters.</p>`
            : html`<ul class="sessions history">
                ${sessions.map((s) => this.#row(s))}
              </ul>`
      }
      ${
        this._next === null
          ? nothing
          : html`<button type="button" class="more" ?disabled=${this._loading} @click=${() => void this._onMore()}>
              ${this._loading ? 'Loading…' : 'Show more'}
            </button>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-session-history': CobrowseSessionHistory;
  }
}
