/** Styles of the agent's workspace: sign-in, join form and session list (theming: --cobrowse-accent). */
import { css } from 'lit';
import { visuallyHidden } from '../console-styles.js';

const shared = css`
  :host {
    --_accent: var(--cobrowse-accent, #1d4ed8);
    display: block;
    font-family:
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif;
    color: #111827;
  }
  .card {
    box-sizing: border-box;
    background: #fff;
    padding: 20px;
    border-radius: 14px;
    box-shadow: 0 8px 24px rgb(0 0 0 / 10%);
    display: grid;
    gap: 10px;
    min-width: 0;
  }
  h1 {
    font-size: 1.35rem;
    margin: 0;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0;
  }
  p {
    margin: 0;
    color: #374151;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    padding: 8px 14px;
    border: 1px solid #6b7280;
    border-radius: 8px;
    background: #fff;
    color: #111827;
    cursor: pointer;
    text-decoration: none;
    text-align: center;
  }
  button.primary,
  .button.primary {
    border-color: var(--_accent);
    background: var(--_accent);
    color: #fff;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  :focus-visible {
    outline: 3px solid #b45309;
    outline-offset: 2px;
  }
  .error {
    color: #b91c1c;
  }
  .error:empty {
    display: none;
  }
  .hint,
  .meta,
  .empty {
    color: #4b5563;
    font-size: 0.92rem;
  }
`;

export const workspaceStyles = [
  shared,
  css`
    :host {
      min-height: 100vh;
      background: #f3f4f6;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 14px;
      padding: 10px 16px;
      background: #fff;
      border-bottom: 1px solid #d1d5db;
    }
    .product {
      font-size: 1rem;
      margin: 0;
      font-weight: 700;
      margin-inline-end: auto;
    }
    .workspace {
      box-sizing: border-box;
      max-width: 760px;
      margin: 0 auto;
      padding: 24px 16px 48px;
      display: grid;
      gap: 16px;
    }
    form {
      display: grid;
      gap: 8px;
    }
    label {
      font-weight: 600;
    }
    input {
      font: inherit;
      padding: 10px;
      border: 1px solid #6b7280;
      border-radius: 8px;
      min-width: 0;
    }
    form button {
      justify-self: start;
    }
    .sign-in .button {
      justify-self: start;
    }
  `,
];

export const sessionListStyles = [
  shared,
  css`
    :host {
      display: grid;
      gap: 16px;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
    }
    .sessions {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 8px;
    }
    .session {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px 12px;
      padding: 12px;
      border: 1px solid #d1d5db;
      border-radius: 10px;
    }
    .what {
      display: grid;
      gap: 4px;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .badge {
      justify-self: start;
      font-size: 0.85rem;
      font-weight: 600;
      padding: 2px 10px;
      border-radius: 999px;
      background: #fef3c7;
      color: #78350f;
    }
    .badge[data-status='live'] {
      background: #dcfce7;
      color: #14532d;
    }
    .summary {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      margin: 0;
    }
    .summary div {
      display: flex;
      gap: 4px;
    }
    .summary dt {
      font-weight: 600;
    }
    .summary dt::after {
      content: ':';
    }
    .summary dd {
      margin: 0;
    }
  `,
];

export const sessionHistoryStyles = [
  ...sessionListStyles,
  css`
    .filters {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 8px 12px;
    }
    .filters .field {
      display: grid;
      gap: 4px;
      flex: 1 1 140px;
      min-width: 0;
    }
    .filters label {
      font-weight: 600;
      font-size: 0.92rem;
    }
    .filters input,
    .filters select {
      font: inherit;
      font-weight: 400;
      padding: 8px;
      border: 1px solid #6b7280;
      border-radius: 8px;
      min-width: 0;
      background: #fff;
      color: #111827;
    }
    .filters [aria-invalid='true'] {
      border-color: #b91c1c;
      outline: 2px solid #b91c1c;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .more {
      justify-self: start;
    }
    ${visuallyHidden}
  `,
];
