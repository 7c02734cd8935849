/** Pieces of <cobrowse-agent-view>'s template that only read what they are given. */
import { html, nothing, type TemplateResult } from 'lit';
import type { RemoteAction } from '../shared/protocol.js';
import { NOTICE_HINTS, NOTICE_TITLES } from './agent-view-words.js';
import type { AgentState } from './session/agent-session.js';
import type { StageViewController } from './stage-view-controller.js';

/** Zoom out, the zoom shown now (pressed: back to fitting), zoom in; the change is announced. */
export function renderZoom(view: StageViewController): TemplateResult {
  return html`<div class="zoom" role="group" aria-label="Zoom">
    <button
      type="button"
      aria-label="Zoom out"
      title="Zoom out (−)"
      ?disabled=${!view.canZoomOut}
      @click=${() => view.step(-1)}
    >
      −
    </button>
    <button
      type="button"
      class="zoom-level"
      title="Fit to the window (0)"
      aria-pressed=${view.mode.kind === 'fit' ? 'true' : 'false'}
      @click=${() => view.fit()}
    >
      ${view.zoomLabel}
    </button>
    <button
      type="button"
      aria-label="Zoom in"
      title="Zoom in (+)"
      ?disabled=${!view.canZoomIn}
      @click=${() => view.step(1)}
    >
      +
    </button>
    <span class="visually-hidden" role="status">${view.announcement}</span>
  </div>`;
}

/**
 * Back, forward and an address on the customer's site, while the agent has control;
 * `note` (the word on the change of control) leads the bar in place of "You have control.".
 */
export function renderNavigation(path: string, act: (action: RemoteAction) => void, note = ''): TemplateResult {
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('url') as HTMLInputElement;
    if (input.value) act({ kind: 'navigate', to: input.value });
  };
  return html`<form class="nav" @submit=${onSubmit} aria-label="Navigate the customer's tab">
    ${note ? html`<span class="control-note" role="status">${note}</span>` : html`<span>You have control.</span>`}
    <button type="button" @click=${() => act({ kind: 'navigate', to: 'back' })} aria-label="Back">←</button>
    <button type="button" @click=${() => act({ kind: 'navigate', to: 'forward' })} aria-label="Forward">→</button>
    <label for="nav-url" class="visually-hidden">Go to a page on the customer's site</label>
    <input id="nav-url" name="url" type="text" placeholder="/path on the customer's site" .value=${path} />
    <button type="submit">Go</button>
  </form>`;
}

/** The card over the stage while there is no view, or once the session is over. */
export function renderNotice(state: AgentState, detail: string, extra: TemplateResult | typeof nothing = nothing) {
  const waiting = !['ended', 'invalid', 'refused'].includes(state);
  const hint = NOTICE_HINTS[state];
  return html`<div class="notice">
    <div class="card">
      ${waiting ? html`<div class="spinner" aria-hidden="true"></div>` : nothing}
      <h2>${NOTICE_TITLES[state] ?? 'Co-browsing'}</h2>
      <p>${detail}</p>
      ${hint && hint !== detail ? html`<p class="hint">${hint}</p>` : nothing} ${extra}
    </div>
  </div>`;
}
