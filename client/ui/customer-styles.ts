/** The customer UI's stylesheet (consent and control prompts, live indicator, toasts, support code). */
import type { CSSResult } from 'lit';
import type { LitApi } from './view-model.js';

export function customerStyles({ css }: LitApi): CSSResult {
  return css`
  :host {
    --_accent: var(--cobrowse-accent, #1d4ed8);
    --_font: var(--cobrowse-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-family: var(--_font);
    color: #111827;
    position: fixed;
    inset: auto 16px 16px auto;
    z-index: var(--cobrowse-z, 2147483000);
    line-height: 1.45;
  }
  dialog .actions {
    position: sticky;
    bottom: -24px;
    background: #fff;
    padding: 12px 0 24px;
    margin-bottom: -24px;
  }
  dialog::backdrop {
    background: rgb(17 24 39 / 45%);
  }
  /* The prompt's scrim (top-layer-ui.ts): the whole window, dimmed, the prompt in its middle. */
  .scrim[popover] {
    inset: 0;
    width: auto;
    height: auto;
    margin: 0;
    padding: 0;
    border: 0;
    background: rgb(17 24 39 / 45%);
    overflow: auto;
  }
  .scrim:popover-open {
    display: grid;
    place-items: center;
  }
  /* Shown with showModal() over a modal dialog of the page: the dialog's own backdrop dims. */
  .scrim:has(> dialog:modal) {
    background: transparent;
  }
  dialog.modal:not(:modal) {
    position: static;
    margin: 0;
  }
  [role=dialog] {
    border: 0;
    background: #fff;
    border-radius: 14px;
    box-shadow: 0 24px 60px rgb(0 0 0 / 30%);
    max-width: 440px;
    /* A margin on every side at 360 px: the modal dialog's box is the viewport's width. */
    width: calc(100% - 32px);
    max-height: calc(100dvh - 32px);
    overflow: auto;
    padding: 24px;
    box-sizing: border-box;
  }
  h2 {
    font-size: 1.2rem;
    margin: 0 0 12px;
  }
  h2:focus {
    outline: none;
  }
  ul {
    list-style: none;
    margin: 0 0 20px;
    padding: 0;
    display: grid;
    gap: 10px;
  }
  li {
    display: grid;
    grid-template-columns: 24px 1fr;
    gap: 8px;
    font-size: 0.95rem;
  }
  li svg {
    color: var(--_accent);
  }
  .handover {
    display: grid;
    grid-template-columns: 24px 1fr;
    gap: 8px;
    align-items: start;
    margin: 0 0 16px;
    font-size: 0.95rem;
  }
  .handover input {
    width: 20px;
    height: 20px;
    margin: 2px 0 0;
    accent-color: var(--_accent);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 10px;
    justify-content: flex-end;
  }
  button {
    font: inherit;
    font-weight: 600;
    border-radius: 8px;
    padding: 10px 16px;
    min-height: 44px;
    border: 1px solid #6b7280;
    background: #fff;
    color: #111827;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: #fff;
  }
  button.danger {
    background: #b91c1c;
    border-color: #b91c1c;
    color: #fff;
  }
  button:focus-visible {
    outline: 3px solid #f59e0b;
    outline-offset: 2px;
  }
  [popover] {
    --_edge: 16px;
    inset: auto var(--_edge) var(--_edge) auto;
    margin: 0;
    border: 0;
    overflow: visible;
  }
  [popover][data-corner=bottom-left] {
    inset: auto auto var(--_edge) var(--_edge);
  }
  [popover][data-corner=top-right] {
    inset: var(--_edge) var(--_edge) auto auto;
  }
  [popover][data-corner=top-left] {
    inset: var(--_edge) auto auto var(--_edge);
  }
  .indicator {
    display: flex;
    flex-wrap: nowrap;
    align-items: center;
    gap: 8px;
    box-sizing: border-box;
    max-width: calc(100vw - 2 * var(--_edge));
    background: #111827;
    color: #f9fafb;
    border-radius: 999px;
    padding: 4px;
    box-shadow: 0 8px 24px rgb(0 0 0 / 25%);
    font-size: 0.9rem;
  }
  .indicator .label {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .indicator button {
    flex: none;
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 36px;
    padding: 6px 14px;
    border-radius: 999px;
    white-space: nowrap;
  }
  .indicator button svg {
    width: 18px;
    height: 18px;
  }
  .indicator button.icon {
    min-width: 36px;
    padding: 6px;
    justify-content: center;
  }
  .indicator .grip {
    background: transparent;
    border-color: transparent;
    color: #d1d5db;
    cursor: grab;
    touch-action: none;
  }
  .indicator .collapse,
  .indicator .expand,
  .indicator .hidden-areas {
    background: transparent;
    border-color: #4b5563;
    color: #f9fafb;
  }
  .indicator.collapsed {
    gap: 4px;
  }
  .indicator.with-viewers {
    flex-wrap: wrap;
    border-radius: 20px;
  }
  .indicator .viewers {
    flex-basis: 100%;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
    padding: 0 8px 4px;
  }
  .indicator .viewers ul {
    display: contents;
    list-style: none;
  }
  .indicator .viewers li {
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  .indicator .viewers .watching {
    color: #d1d5db;
  }
  .indicator button.remove {
    min-width: 28px;
    min-height: 28px;
    padding: 4px;
    background: transparent;
    border-color: #4b5563;
    color: #f9fafb;
  }
  .indicator.collapsed .label {
    position: absolute;
    width: 1px;
    height: 1px;
    clip-path: inset(50%);
  }
  .dot {
    position: relative;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: #ef4444;
    box-shadow: 0 0 0 3px rgb(239 68 68 / 35%);
    flex: none;
  }
  .dot.waiting {
    background: #f59e0b;
    box-shadow: 0 0 0 3px rgb(245 158 11 / 35%);
  }
  .panel {
    background: #fff;
    border-radius: 14px;
    box-shadow: 0 16px 40px rgb(0 0 0 / 25%);
    padding: 20px;
    max-width: 320px;
    box-sizing: border-box;
  }
  .panel h2 {
    font-size: 1.05rem;
  }
  .panel p {
    margin: 0 0 12px;
    font-size: 0.95rem;
  }
  .panel .code {
    font: 700 2rem/1.2 ui-monospace, Menlo, monospace;
    letter-spacing: 0.08em;
    color: #111827;
  }
  .support {
    box-shadow: 0 8px 24px rgb(0 0 0 / 20%);
    border-radius: 999px;
  }
  .toast {
    background: #111827;
    color: #f9fafb;
    border-radius: 10px;
    padding: 10px 14px;
    font-size: 0.9rem;
    max-width: 320px;
  }
  /* The same rules as the console's .visually-hidden (agent/console-styles.ts), kept here: see there why. */
  .live {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .overlay {
    position: fixed;
    inset: 0;
    pointer-events: none;
    z-index: -1;
  }
  @media (max-width: 480px) {
    :host {
      inset: auto 8px 8px;
    }
    [popover] {
      --_edge: 8px;
    }
    /* One line on a phone: the status text gives way (to an ellipsis, and while the agent has
       control to the Take back button: the words stay for screen readers), Pause keeps its icon. */
    .indicator {
      gap: 4px;
      font-size: 0.85rem;
    }
    .indicator button {
      padding: 6px 10px;
    }
    .indicator .wide,
    .indicator.control .label {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    .indicator button.pause {
      min-width: 36px;
      padding: 6px;
      justify-content: center;
    }
    /* While the agent has control, Take back control and End are what matters. */
    .indicator.control .pause,
    .indicator.control .hidden-areas,
    .indicator.control .collapse {
      display: none;
    }
    [role=dialog] {
      padding: 18px;
    }
    .actions button {
      flex: 1 1 auto;
    }
  }
  /* 300-400 % zoom: little height, so the prompt's buttons stay side by side and the text scrolls above them. */
  @media (max-height: 320px) {
    [role=dialog] {
      padding: 12px 16px;
      max-height: calc(100dvh - 16px);
    }
    dialog .actions {
      bottom: -12px;
      padding: 8px 0 12px;
      margin-bottom: -12px;
      flex-wrap: nowrap;
    }
    .actions button {
      min-height: 36px;
      padding: 6px 10px;
    }
    h2 {
      font-size: 1.05rem;
      margin-bottom: 6px;
    }
  }
  @media (prefers-reduced-motion: no-preference) {
    /* The pulsing ring animates transform and opacity only: the compositor runs it, so the
       customer's page is not repainted every frame while it is being captured. */
    .dot:not(.waiting) {
      box-shadow: none;
    }
    .dot:not(.waiting)::after {
      content: '';
      position: absolute;
      inset: -3px;
      border-radius: 50%;
      background: rgb(239 68 68 / 35%);
      will-change: transform, opacity;
      animation: pulse 2s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        transform: scale(1.375);
        opacity: 0.3;
      }
    }
  }
  `;
}
