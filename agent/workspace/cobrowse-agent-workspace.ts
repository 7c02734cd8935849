import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { workspaceApi, type SignedInAgent } from './workspace-api.js';
import { workspaceStyles } from './workspace-styles.js';
import './cobrowse-session-list.js';

/** What the console knows about who is at the keyboard. */
type SignIn =
  | { kind: 'loading' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'signed-out'; oidc: boolean }
  | { kind: 'signed-in'; agent: SignedInAgent; oidc: boolean };

const SUPPORT_CODE = /^[\d\s-]{8,12}$/;

/**
 * The agent's workspace at /agent/ when no session is open: sign-in (single
 * sign-on or the chat system's identity), joining by support code or link,
 * and the signed-in agent's sessions.
 *
 * @fires cobrowse-join - open a session; `detail: { token }` (a session link's token or a join ticket)
 * @cssprop --cobrowse-accent - accent colour
 */
@customElement('cobrowse-agent-workspace')
export class CobrowseAgentWorkspace extends LitElement {
  static override styles = workspaceStyles;

  /** A sign-in problem to show (from the identity provider's round trip or a minted identity). */
  @property({ attribute: 'sign-in-error' }) accessor signInError = '';

  @state() accessor _signIn: SignIn = { kind: 'loading' };
  @state() accessor _joinError = '';
  @state() accessor _busy = false;

  @query('#link') accessor _input!: HTMLInputElement;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Ask the server who is signed in. */
  async refresh(): Promise<void> {
    const me = await workspaceApi.me();
    if (!me.ok) this._signIn = { kind: 'unreachable', message: me.message };
    else if (me.value.agent) this._signIn = { kind: 'signed-in', agent: me.value.agent, oidc: me.value.oidc };
    else this._signIn = { kind: 'signed-out', oidc: me.value.oidc };
  }

  #join(token: string): void {
    this.dispatchEvent(new CustomEvent('cobrowse-join', { detail: { token }, bubbles: true, composed: true }));
  }

  async _onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const value = this._input.value.trim();
    this._joinError = '';
    if (SUPPORT_CODE.test(value)) {
      if (this._signIn.kind !== 'signed-in') {
        this._joinError = 'Sign in first: support codes can only be claimed by a signed-in agent.';
        this._input.focus();
        return;
      }
      this._busy = true;
      const claimed = await workspaceApi.claim(value);
      this._busy = false;
      if (claimed.ok) {
        this.#join(claimed.value.agent.token);
        return;
      }
      if (claimed.code === 'SIGNED_OUT') await this.refresh();
      this._joinError = claimed.message;
      this._input.focus();
      return;
    }
    const token = value.includes('#')
      ? (new URLSearchParams(value.slice(value.indexOf('#') + 1)).get('token') ?? '')
      : value;
    if (token.length < 16) {
      this._joinError = 'Enter the customer’s 8-digit support code, or paste the whole co-browsing link from the chat.';
      this._input.focus();
      return;
    }
    this.#join(token);
  }

  async _onSignOut(): Promise<void> {
    await workspaceApi.signOut();
    await this.refresh();
    this.shadowRoot?.querySelector<HTMLElement>('.sign-in a, .sign-in h2')?.focus();
  }

  #renderSignIn(oidc: boolean) {
    return html`<section class="card sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title" tabindex="-1">Sign in to the agent console</h2>
      <p>
        Sign in to claim support codes and to see your sessions. A co-browsing link from the chat works without signing
        in.
      </p>
      ${this.signInError ? html`<p class="error" role="alert">${this.signInError}</p>` : nothing}
      ${
        oidc
          ? html`<a class="button primary" href="/auth/login?returnTo=/agent/">Sign in with your company account</a>`
          : html`<p class="hint">Open the console from your chat system to sign in.</p>`
      }
    </section>`;
  }

  #renderJoin() {
    return html`<section class="card join" aria-labelledby="join-title">
      <h2 id="join-title">Join a co-browsing session</h2>
      <form @submit=${(e: SubmitEvent) => void this._onSubmit(e)}>
        <label for="link">Support code or link</label>
        <p class="hint" id="link-hint">
          Enter the support code the customer reads to you, or paste the co-browsing link from the chat.
        </p>
        <input
          id="link"
          name="link"
          type="text"
          autocomplete="off"
          spellcheck="false"
          required
          aria-describedby="link-hint join-error"
        />
        <p id="join-error" class="error" role="alert">${this._joinError}</p>
        <button type="submit" class="primary" ?disabled=${this._busy}>Join</button>
      </form>
    </section>`;
  }

  override render() {
    const signIn = this._signIn;
    return html`
      <header class="bar">
        <h1 class="product">Co-browsing · Agent console</h1>
        ${
          signIn.kind === 'signed-in'
            ? html`<span class="who">Signed in as <strong>${signIn.agent.name}</strong></span>
                <button type="button" @click=${() => void this._onSignOut()}>Sign out</button>`
            : nothing
        }
      </header>
      <div class="workspace">
        ${signIn.kind === 'loading' ? html`<p role="status">Loading…</p>` : nothing}
        ${signIn.kind === 'unreachable' ? html`<p class="error" role="alert">${signIn.message}</p>` : nothing}
        ${signIn.kind === 'signed-out' ? this.#renderSignIn(signIn.oidc) : nothing}
        ${signIn.kind === 'signed-in' || signIn.kind === 'signed-out' ? this.#renderJoin() : nothing}
        ${
          signIn.kind === 'signed-in'
            ? html`<cobrowse-session-list
                @cobrowse-join=${(e: CustomEvent<{ token: string }>) => {
                  // Re-dispatched from here so the host hears one source.
                  e.stopPropagation();
                  this.#join(e.detail.token);
                }}
                @cobrowse-signed-out=${() => void this.refresh()}
              ></cobrowse-session-list>`
            : nothing
        }
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-agent-workspace': CobrowseAgentWorkspace;
  }
}
