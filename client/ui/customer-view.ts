/**
 * The customer UI's templates: consent prompt, support code, control prompt,
 * live indicator and toasts. Rendered by <cobrowse-session> into its shadow
 * root once this module is fetched (the first time the customer is shown
 * anything), so pages where support never offers to look carry none of it.
 */
import type { SVGTemplateResult } from 'lit';
import { RTL_LANGUAGES } from '../i18n/catalog.js';
import { customerStyles } from './customer-styles.js';
import { indicatorView } from './indicator-view.js';
import { modelOf } from './model.js';
import type {
  CustomerViewActions,
  CustomerViewModel,
  CustomerViewRenderer,
  ElementView,
  LitApi,
} from './view-model.js';

export function customerView(lit: LitApi): CustomerViewRenderer {
  const { html, svg, nothing } = lit;

  /** Line icons drawn inline: emoji depend on an emoji font the customer's system may not have. */
  const icon = (path: SVGTemplateResult) =>
    html`<svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;
  const ICON_EYE = icon(
    svg`<path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>`,
  );
  const ICON_LOCK = icon(svg`<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>`);
  const ICON_HAND = icon(svg`<path d="M5 3l6 17 2.5-7.5L21 10z"/>`);
  const { indicator, afterRender } = indicatorView(lit, icon);
  const ICON_STOP = icon(svg`<circle cx="12" cy="12" r="9"/><rect x="9" y="9" width="6" height="6" rx="1"/>`);

  /** Keyboard in a prompt; a modal dialog's `cancel` (Escape, a close request) answers no rather than closing it. */
  function onDialogKeydown(root: ShadowRoot, event: KeyboardEvent | Event, onEscape: () => void): void {
    if (!(event instanceof KeyboardEvent) || event.key === 'Escape') {
      event.preventDefault();
      onEscape();
      return;
    }
    if (event.key !== 'Tab') return;
    // Keep focus inside the dialog while it is open.
    const dialog = event.currentTarget as HTMLElement;
    const focusables = [...dialog.querySelectorAll<HTMLElement>('button, input')];
    const first = focusables[0];
    const last = focusables.at(-1);
    const active = root.activeElement;
    const heading = dialog.querySelector('h2');
    if (event.shiftKey && (active === first || active === heading)) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first?.focus();
    }
  }

  /** A press on the scrim around a prompt: focus stays in the prompt (as it would over an inert page). */
  function keepFocus(event: MouseEvent): void {
    if (event.target === event.currentTarget) event.preventDefault();
  }

  /** An automated agent is named as one wherever the agent is named. */
  const agentOf = (m: CustomerViewModel) => {
    const name = m.agentBot ? m.catalog.botName(m.agentName) : m.agentName;
    // A Latin name inside right-to-left text (or the reverse) is isolated, so punctuation stays on its side.
    return name && RTL_LANGUAGES.has(m.lang) ? `\u2068${name}\u2069` : name;
  };

  function indicatorLabel(m: CustomerViewModel): string {
    const c = m.catalog;
    const a = agentOf(m);
    if (m.paused) return c.paused(a);
    switch (m.view) {
      case 'starting':
      case 'connecting':
        return c.starting;
      case 'waiting-for-agent':
        return c.waiting(a);
      case 'reconnecting':
        return c.reconnecting;
      default:
        if (m.captureProblem) return c.couldNotShare(a, m.captureProblem);
        if (m.controlFailed && !m.controlGranted) return c.controlFailed(a);
        if (m.tookOver && !m.controlGranted) return c.tookOver(a);
        if (m.controlGranted) return c.controlling(a);
        // Integrator wording may leave the name out; an automated agent is named as one all the same.
        return m.agentBot && !c.sharingWith(a).includes(a) ? `${c.sharingWith(a)} · ${a}` : c.sharingWith(a);
    }
  }

  function render(element: ElementView, act: CustomerViewActions, root: ShadowRoot) {
    const m = modelOf(element);
    const c = m.catalog;
    const a = agentOf(m);
    const lang = m.lang;
    const dir = RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr';
    switch (m.view) {
      case 'idle':
        return m.supportButton
          ? html`<button type="button" class="primary support" part="support-button" lang=${lang} dir=${dir} @click=${act.requestSupportCode}>
              ${c.supportButton}
            </button>`
          : nothing;
      case 'support-code':
        return html`<div
          class="panel"
          role="dialog"
          aria-labelledby="code-title"
          aria-describedby="code-help"
          part="dialog"
          lang=${lang}
          dir=${dir}
          @keydown=${(e: KeyboardEvent) => onDialogKeydown(root, e, act.cancelSupportCode)}
        >
          <h2 id="code-title" tabindex="-1">${c.supportCodeTitle}</h2>
          <p class="code" dir="ltr" aria-label=${c.supportCodeLabel(m.supportCode.replace(/\s/g, '').split('').join(' '))}>${m.supportCode}</p>
          <p id="code-help">${c.supportCodeHelp}</p>
          <div class="actions"><button type="button" @click=${act.cancelSupportCode}>${c.cancel}</button></div>
        </div>`;
      case 'consent': {
        const tab = c.consentTab(a);
        const point = c.consentPoint(a);
        return html`<div class="scrim" popover="manual" @mousedown=${keepFocus}><dialog
          class="modal"
          role="dialog"
          aria-modal="true"
          aria-labelledby="consent-title"
          aria-describedby="consent-list"
          part="dialog"
          lang=${lang}
          dir=${dir}
          @cancel=${(e: Event) => onDialogKeydown(root, e, act.decline)}
          @keydown=${(e: KeyboardEvent) => onDialogKeydown(root, e, act.decline)}
        >
          <h2 id="consent-title" tabindex="-1">${m.agentBot ? c.botTitle : c.consentTitle(a)}</h2>
          ${c.consentIntro ? html`<p>${c.consentIntro}</p>` : nothing}
          <ul id="consent-list">
            ${tab ? html`<li>${ICON_EYE}<span>${tab}</span></li>` : nothing}
            <li>${ICON_LOCK}<span>${c.consentHidden}</span></li>
            ${point ? html`<li>${ICON_HAND}<span>${point}</span></li>` : nothing}
            <li>${ICON_STOP}<span>${c.consentStop}</span></li>
          </ul>
          ${m.agentBot ? html`<label class="handover"><input type="checkbox" .checked=${m.handover} @change=${(e: Event) => act.setHandover((e.target as HTMLInputElement).checked)}><span>${c.allowPerson}</span></label>` : nothing}
          <div class="actions">
            <button type="button" @click=${act.decline}>${c.decline}</button>
            <button type="button" class="primary" part="primary-button" @click=${act.allow}>${c.allow}</button>
          </div>
        </dialog></div>`;
      }
      case 'control-prompt': {
        const deny = () => act.answerControl(false);
        return html`<div class="scrim" popover="manual" @mousedown=${keepFocus}><dialog
          class="modal"
          role="dialog"
          aria-modal="true"
          aria-labelledby="control-title"
          aria-describedby="control-text"
          part="dialog"
          lang=${lang}
          dir=${dir}
          @cancel=${(e: Event) => onDialogKeydown(root, e, deny)}
          @keydown=${(e: KeyboardEvent) => onDialogKeydown(root, e, deny)}
        >
          <h2 id="control-title" tabindex="-1">${c.controlTitle(m.leadName && m.leadName !== m.agentName ? m.leadName : a)}</h2>
          <p id="control-text">${c.controlText}</p>
          <div class="actions">
            <button type="button" @click=${deny}>${c.deny}</button>
            <button type="button" class="primary" part="primary-button" @click=${() => act.answerControl(true)}>${c.allowControl}</button>
          </div>
        </dialog></div>`;
      }
      case 'ended':
      case 'error':
        return html`<div class="toast" lang=${lang} dir=${dir}>${m.message}</div>`;
      default:
        return indicator(m, act, root, dir, indicatorLabel(m));
    }
  }

  function announcement(element: ElementView): string {
    const m = modelOf(element);
    switch (m.view) {
      case 'idle':
      case 'support-code':
      case 'consent':
      case 'control-prompt':
        // A prompt speaks for itself when it takes focus.
        return '';
      case 'ended':
      case 'error':
        return m.message;
      default: {
        const c = m.catalog;
        // Said the moment someone starts watching: who, and as what.
        if (m.joined.length > 0) return m.joined.map((v) => c.viewerJoined(c.viewerRole(v.name, v.kind))).join(' ');
        return m.hiddenCount > 0 && !m.paused ? c.hiddenCount(m.hiddenCount, agentOf(m)) : indicatorLabel(m);
      }
    }
  }

  let shownDialog: Element | null = null;
  /** After each render, with the prompts in the top layer: the indicator placed, and focus in a prompt that just opened. */
  function afterPromoted(root: ShadowRoot): void {
    afterRender(root);
    const dialog = root.querySelector('[role="dialog"]');
    // Keyboard and screen-reader users land on the prompt.
    if (dialog !== shownDialog) dialog?.querySelector<HTMLElement>('h2')?.focus();
    shownDialog = dialog;
  }

  return { styles: customerStyles(lit), render, afterRender: afterPromoted, announcement };
}
