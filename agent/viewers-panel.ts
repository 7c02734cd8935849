/**
 * The console's part in a session with more than one viewer: who watches and
 * who leads; for the lead, an invite form (a link for another agent or a
 * supervisor), "Make lead" and the supervisors' whispers; for a supervisor, a
 * whisper box. A viewer who does not lead watches read-only (the tools are
 * off, and the customer's browser and the server refuse them anyway).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import {
  AGENT_SEAT,
  MAX_AGENTS,
  type ParticipantId,
  type ViewerInfo,
  type ViewerKind,
} from '../shared/viewer-protocol.js';
import type { AgentSession } from './session/agent-session.js';

/** The words the customer's indicator uses too (client/i18n/en.ts viewerRole): "Ada (support agent)". */
const KIND_LABEL: Record<ViewerKind, string> = { agent: 'support agent', supervisor: 'supervisor' };
/** Whispers kept on screen (newest last). */
const MAX_WHISPERS = 20;

export class ViewersPanel implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #session: AgentSession | null = null;
  viewers: readonly ViewerInfo[] = [];
  lead: ParticipantId = AGENT_SEAT;
  limit = MAX_AGENTS;
  whispers: { from: ViewerInfo; text: string; at: number }[] = [];
  invited: { viewer: ViewerInfo; link: string } | null = null;
  /** The server's answer to the last refused request, or what was copied. */
  note = '';

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  attach(session: AgentSession): void {
    this.#session = session;
    session.on('viewers', ({ viewers, lead, limit }) => {
      this.viewers = viewers;
      this.lead = lead;
      this.limit = limit;
      this.#host.requestUpdate();
    });
    session.on('whisper', (whisper) => {
      this.whispers = [...this.whispers, whisper].slice(-MAX_WHISPERS);
      this.#host.requestUpdate();
    });
    session.on('invited', (invited) => {
      this.invited = invited;
      this.note = '';
      this.#host.requestUpdate();
    });
    session.on('refusal', (message) => {
      this.note = message;
      this.#host.requestUpdate();
    });
  }

  /** This console guides (and may ask for control). */
  get leads(): boolean {
    return this.#session ? this.lead === this.#session.self : true;
  }

  /** This console joined with an invite (watching unless handed the lead). */
  get isViewer(): boolean {
    return this.#session?.viewer != null;
  }

  #name(id: ParticipantId): string {
    if (id === AGENT_SEAT) return this.#session?.agentName || 'The session’s agent';
    return this.viewers.find((viewer) => viewer.id === id)?.name ?? 'someone';
  }

  #onInvite(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = (form.elements.namedItem('viewer-name') as HTMLInputElement).value.trim();
    const kind = (form.elements.namedItem('viewer-kind') as HTMLSelectElement).value as ViewerKind;
    if (!name) {
      this.note = 'Enter the name of the person to invite.';
      this.#host.requestUpdate();
      return;
    }
    this.#session?.inviteViewer(kind, name);
  }

  #onWhisper(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('whisper') as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    this.#session?.whisper(text);
    input.value = '';
    this.note = `Whispered to ${this.#name(this.lead)}.`;
    this.#host.requestUpdate();
  }

  async #copy(link: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(link);
      this.note = 'Invite link copied.';
    } catch {
      this.note = 'Copy the link from the box (the clipboard is not available here).';
    }
    this.#host.requestUpdate();
  }

  #participant(id: ParticipantId, label: string, canMakeLead: boolean): TemplateResult {
    const you = this.#session?.self === id ? ' (you)' : '';
    return html`<li>
      <span>${label}${you}${this.lead === id ? html` · <strong>leads</strong>` : nothing}</span>
      ${
        canMakeLead && this.lead !== id
          ? html`<button type="button" class="small" @click=${() => this.#session?.handLead(id)}>Make ${this.#name(id)} lead</button>`
          : nothing
      }
    </li>`;
  }

  /** The lead's Invite (in the toolbar): a name and a role make a link to hand to the colleague. */
  renderInvite(live: boolean): TemplateResult | typeof nothing {
    if (!this.#session || !this.leads || !live) return nothing;
    const full = this.viewers.length + 1 >= this.limit;
    return html`<details class="invite">
      <summary>Invite a viewer</summary>
      <form @submit=${(e: SubmitEvent) => this.#onInvite(e)} aria-label="Invite a viewer">
        <label>Name <input name="viewer-name" autocomplete="off" maxlength="128" required /></label>
        <label>Role
          <select name="viewer-kind">
            <option value="agent">Support agent</option>
            <option value="supervisor">Supervisor</option>
          </select>
        </label>
        <button type="submit" class="primary" ?disabled=${full}>Invite</button>
        ${full ? html`<span class="hint">${this.limit} agents at most: the session is full.</span>` : nothing}
      </form>
    </details>`;
  }

  /** Who watches and what each may do: shown once someone besides the agent is (or was) involved. */
  render(live: boolean): TemplateResult | typeof nothing {
    const session = this.#session;
    const involved =
      this.viewers.length > 0 || this.isViewer || this.invited !== null || this.whispers.length > 0 || this.note !== '';
    if (!session || !involved) return nothing;
    const leads = this.leads;
    const supervisor = session.viewer?.kind === 'supervisor';
    const count = this.viewers.length + 1;
    return html`<section class="viewers-panel" aria-label="People watching this session">
      <h2 class="visually-hidden">People watching</h2>
      ${
        this.isViewer && !leads
          ? html`<p class="watch-only" role="status">You are watching as ${session.viewer ? KIND_LABEL[session.viewer.kind] : 'viewer'}: read-only. ${this.#name(this.lead)} leads.</p>`
          : nothing
      }
      <ul class="participants" aria-label=${`Watching: ${count} of at most ${this.limit} agents`}>
        ${this.#participant(AGENT_SEAT, `${session.agentName || 'Session agent'} (${KIND_LABEL.agent})`, leads)}
        ${this.viewers.map((viewer) => this.#participant(viewer.id, `${viewer.name} (${KIND_LABEL[viewer.kind]})`, leads))}
      </ul>
      ${
        this.invited && leads
          ? html`<div class="invited">
            <label>Invite link for ${this.invited.viewer.name} (${KIND_LABEL[this.invited.viewer.kind]})
              <input readonly .value=${this.invited.link} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
            </label>
            <button type="button" @click=${() => void this.#copy(this.invited?.link ?? '')}>Copy link</button>
          </div>`
          : nothing
      }
      ${
        supervisor && !leads && live
          ? html`<form class="whisper" @submit=${(e: SubmitEvent) => this.#onWhisper(e)} aria-label="Whisper to the lead">
            <label>Whisper to ${this.#name(this.lead)} (the customer never sees it)
              <input name="whisper" autocomplete="off" maxlength="1000" />
            </label>
            <button type="submit">Send</button>
          </form>`
          : nothing
      }
      ${
        this.whispers.length > 0
          ? html`<ol class="whispers" role="log" aria-label="Whispers from supervisors">
            ${this.whispers.map((w) => html`<li><strong>${w.from.name}</strong> (private): ${w.text}</li>`)}
          </ol>`
          : nothing
      }
      ${this.note ? html`<p class="note" role="status">${this.note}</p>` : nothing}
    </section>`;
  }
}
