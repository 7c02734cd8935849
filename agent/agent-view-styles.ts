/** The styles of <cobrowse-agent-view> (theming: --cobrowse-accent, parts toolbar and stage). */
import { css } from 'lit';
import { visuallyHidden } from './console-styles.js';

export const agentViewStyles = css`
  :host {
    --_accent: var(--cobrowse-accent, #1d4ed8);
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 320px;
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    color: #111827;
    background: #e5e7eb;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
    padding: 8px 12px;
    background: #fff;
    border-bottom: 1px solid #d1d5db;
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-weight: 600;
    font-size: 0.9rem;
    padding: 4px 10px;
    border-radius: 999px;
    background: #f3f4f6;
  }
  .status::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: #9ca3af;
  }
  .status[data-state='live']::before {
    background: #16a34a;
  }
  .status[data-state='reconnecting']::before,
  .status[data-state='waiting-for-consent']::before,
  .status[data-state='waiting-for-customer']::before,
  .status[data-state='joining']::before {
    background: #d97706;
  }
  .status[data-state='ended']::before,
  .status[data-state='invalid']::before,
  .status[data-state='refused']::before {
    background: #b91c1c;
  }
  .viewport {
    font-size: 0.8rem;
    color: #4b5563;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  :host(:fullscreen) {
    background: #f3f4f6;
  }
  .page {
    flex: 1 1 200px;
    min-width: 0;
    font-size: 0.85rem;
    color: #374151;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .tools {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  button,
  input {
    font: inherit;
    font-size: 0.875rem;
  }
  button {
    border: 1px solid #6b7280;
    background: #fff;
    color: #111827;
    border-radius: 8px;
    padding: 6px 12px;
    min-height: 36px;
    cursor: pointer;
  }
  button[aria-pressed='true'] {
    background: #1e3a8a;
    border-color: #1e3a8a;
    color: #fff;
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
  button:disabled,
  button[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .control-note {
    font-size: 0.85rem;
    font-weight: 600;
    color: #92400e;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible {
    outline: 3px solid #f59e0b;
    outline-offset: 2px;
  }
  .nav {
    display: flex;
    gap: 6px;
    align-items: center;
    padding: 6px 12px;
    background: #eff6ff;
    border-bottom: 1px solid #bfdbfe;
    font-size: 0.875rem;
  }
  .nav input {
    flex: 1;
    min-width: 0;
    padding: 6px 8px;
    border: 1px solid #6b7280;
    border-radius: 6px;
  }
  .stage-wrap {
    position: relative;
    flex: 1;
    min-height: 0;
  }
  .stage {
    position: absolute;
    inset: 0;
    overflow: hidden;
  }
  /* Zoomed beyond the window, the agent scrolls the stage over the page. */
  .stage.zoomed {
    overflow: auto;
  }
  /* Overlays are placed in the canvas's coordinates, so they scroll with the page they point at. */
  .canvas {
    position: relative;
    width: 100%;
    height: 100%;
  }
  .zoom {
    display: inline-flex;
    align-items: center;
    gap: 2px;
  }
  .zoom .zoom-level {
    min-width: 7.5em;
  }
  ${visuallyHidden}
  .frame {
    position: absolute;
    top: 0;
    left: 0;
    transform-origin: 0 0;
    box-shadow: 0 0 0 2px #1e3a8a, 0 12px 32px rgb(0 0 0 / 25%);
    background: #fff;
  }
  /*
   * Until the first frame: rendered, not display:none, so the mirror can lay the page out while it builds it.
   * visibility, not opacity: removing an opacity removes a paint property node above every node of the page,
   * and the frame that shows it would pre-paint all of them again (mirror.ts pre-paints it before).
   */
  .frame.building {
    visibility: hidden;
    pointer-events: none;
  }
  .frame iframe {
    border: 0;
    display: block;
    width: 100%;
    height: 100%;
    background: #fff;
  }
  .ink {
    position: absolute;
    inset: 0;
    pointer-events: none;
  }
  .ink.drawing {
    pointer-events: auto;
    cursor: crosshair;
  }
  .ink svg {
    width: 100%;
    height: 100%;
    overflow: visible;
  }
  .cursor {
    position: absolute;
    left: 0;
    top: 0;
    width: 18px;
    height: 18px;
    margin: -2px 0 0 -2px;
    pointer-events: none;
    display: none;
  }
  .ripple {
    position: absolute;
    width: 28px;
    height: 28px;
    margin: -14px 0 0 -14px;
    border-radius: 50%;
    border: 3px solid #2563eb;
    pointer-events: none;
    animation: ripple 600ms ease-out forwards;
  }
  @keyframes ripple {
    to {
      transform: scale(2.2);
      opacity: 0;
    }
  }
  .stage:focus-visible {
    outline: 3px solid #f59e0b;
    outline-offset: -3px;
  }
  .kbd-pointer {
    position: absolute;
    left: 0;
    top: 0;
    width: 16px;
    height: 16px;
    margin: -8px 0 0 -8px;
    border-radius: 50%;
    border: 3px solid #1d4ed8;
    background: rgb(29 78 216 / 20%);
    pointer-events: none;
    display: none;
    z-index: 2;
  }
  .highlight {
    position: absolute;
    /* The box is sized to the element plus 4 px each side; its border is inside that, not added to it. */
    box-sizing: border-box;
    border: 3px solid #f59e0b;
    border-radius: 6px;
    pointer-events: none;
    display: none;
  }
  .notice {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    text-align: center;
    padding: 24px;
    color: #1f2937;
  }
  .notice .card {
    background: #fff;
    border-radius: 14px;
    box-shadow: 0 12px 32px rgb(0 0 0 / 10%);
    padding: 28px 32px;
    max-width: 440px;
  }
  .notice h2 {
    margin: 0 0 8px;
    font-size: 1.15rem;
  }
  .notice p {
    margin: 0;
    color: #374151;
  }
  .notice p.hint {
    margin-top: 8px;
    font-size: 0.9rem;
  }
  .end-summary {
    margin-top: 16px;
    text-align: start;
  }
  .end-summary h3 {
    margin: 0 0 6px;
    font-size: 1rem;
  }
  .end-summary dl {
    display: grid;
    gap: 4px;
    margin: 0;
  }
  .end-summary dl div {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .end-summary dt {
    font-weight: 600;
  }
  .end-summary dt::after {
    content: ':';
  }
  .end-summary dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .spinner {
    width: 28px;
    height: 28px;
    margin: 0 auto 14px;
    border-radius: 50%;
    border: 3px solid #bfdbfe;
    border-top-color: #1d4ed8;
  }
  @media (prefers-reduced-motion: no-preference) {
    .spinner {
      animation: spin 1s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
  }
  .stale {
    position: absolute;
    top: 10px;
    left: 50%;
    transform: translateX(-50%);
    background: #92400e;
    color: #fff;
    padding: 6px 14px;
    border-radius: 999px;
    font-size: 0.875rem;
    font-weight: 600;
  }
  .toast {
    position: absolute;
    bottom: 12px;
    left: 50%;
    transform: translateX(-50%);
    background: #111827;
    color: #f9fafb;
    padding: 8px 14px;
    border-radius: 8px;
    font-size: 0.875rem;
  }

  .viewers-panel {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 16px;
    padding: 6px 12px;
    border-bottom: 1px solid #d1d5db;
    background: #f9fafb;
    font-size: 0.875rem;
  }
  .viewers-panel ul,
  .viewers-panel ol {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 12px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .viewers-panel li {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  /* The invite form, the invite link and the whisper box: labels above fields, fields like the buttons. */
  details.invite summary {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    box-sizing: border-box;
    min-height: 36px;
    padding: 6px 12px;
    border: 1px solid #6b7280;
    border-radius: 8px;
    background: #fff;
    font-size: 0.875rem;
    cursor: pointer;
    list-style: none;
  }
  details.invite summary::-webkit-details-marker {
    display: none;
  }
  details.invite summary::after {
    content: '▾' / '';
  }
  details.invite[open] summary::after {
    content: '▴' / '';
  }
  details.invite[open] {
    flex-basis: 100%;
  }
  details.invite form {
    max-width: 44rem;
    margin-top: 8px;
    padding: 10px 12px;
    background: #fff;
    border: 1px solid #d1d5db;
    border-radius: 8px;
  }
  details.invite form,
  .viewers-panel form,
  .viewers-panel .invited {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 8px 12px;
  }
  details.invite label,
  .viewers-panel label {
    display: grid;
    gap: 4px;
    flex: 1 1 180px;
    min-width: 0;
    font-size: 0.875rem;
    font-weight: 600;
  }
  details.invite input,
  details.invite select,
  .viewers-panel input {
    box-sizing: border-box;
    width: 100%;
    min-width: 0;
    min-height: 36px;
    padding: 6px 8px;
    border: 1px solid #6b7280;
    border-radius: 8px;
    background: #fff;
    color: #111827;
    font: inherit;
    font-size: 0.875rem;
    font-weight: 400;
  }
  details.invite .hint {
    flex-basis: 100%;
    font-size: 0.85rem;
    color: #92400e;
  }
  .viewers-panel .whispers {
    flex-basis: 100%;
    flex-direction: column;
    background: #fef3c7;
    color: #1f2937;
    border-radius: 6px;
    padding: 4px 8px;
  }
  .viewers-panel .watch-only {
    margin: 0;
    font-weight: 600;
  }
  .viewers-panel .note {
    margin: 0;
    color: #374151;
  }
`;
