/** What the agent is told when the customer's page refused a remote action, by the customer's reason. */
import type { ActionRefusal } from '../shared/protocol.js';

export const REFUSAL_MESSAGES: Record<ActionRefusal, string> = {
  masked: 'That field is hidden from you, so it cannot be used remotely.',
  'no-control': 'You no longer have control.',
  scheme: 'Only web addresses (http: or https:) can be opened in the customer’s tab.',
  'cross-origin':
    'That address is on another site. The customer’s tab only opens its own site and the sites its owner allows.',
  'not-found': 'That element is no longer on the customer’s page.',
  conflict: 'The customer is typing in this field: their text was kept.',
  unsupported: 'That cannot be done remotely: ask the customer to do it.',
  invalid: 'The customer’s page could not do that.',
  limit: 'Too much at once: the customer’s page refused it (too many actions a second, or too much text).',
};
