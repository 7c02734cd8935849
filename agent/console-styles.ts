/**
 * CSS rules the console's elements (<cobrowse-agent-view>, the workspace)
 * share. The customer's UI keeps its own copy of the same rules
 * (client/ui/customer-styles.ts): its view module takes Lit from the loader,
 * and sharing through a module cost it 49 B min+gzip (6799 -> 6848 B,
 * measured), where every byte is the customer's.
 */
import { css } from 'lit';

/** Hidden from sight, read by screen readers. */
export const visuallyHidden = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
