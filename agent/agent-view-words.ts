/** What the agent view says: states, notices, changes of control. */
import type { AgentState } from './session/agent-session.js';

export const STATE_LABELS: Record<AgentState, string> = {
  connecting: 'Connecting',
  'waiting-for-consent': 'Waiting for the customer',
  'waiting-for-customer': 'Waiting for the page',
  joining: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  ended: 'Ended',
  invalid: 'Invalid link',
  refused: 'Not joined',
};

export const NOTICE_TITLES: Partial<Record<AgentState, string>> = {
  connecting: 'Connecting to the session',
  'waiting-for-consent': 'Waiting for the customer to accept',
  'waiting-for-customer': 'Waiting for the customer’s page',
  joining: 'Connecting to the customer’s page',
  reconnecting: 'Reconnecting',
  ended: 'Session ended',
  invalid: 'This link does not work',
};

export const NOTICE_HINTS: Partial<Record<AgentState, string>> = {
  'waiting-for-consent':
    'The customer sees a prompt explaining what you will see. Their page appears here as soon as they allow it.',
  'waiting-for-customer': 'The customer may be changing pages. The view comes back by itself.',
};

/** The toolbar's words for a change of control. */
export function controlNote(
  had: 'none' | 'pending' | 'granted',
  now: 'none' | 'pending' | 'granted',
  by: 'customer' | 'agent' | 'connection',
): string {
  if (now === 'granted') return had === 'granted' ? '' : 'The customer gave you control.';
  if (now === 'pending') return '';
  if (had !== 'granted')
    return by === 'customer' && had === 'pending' ? 'The customer declined to give you control.' : '';
  if (by === 'customer') return 'The customer took back control.';
  if (by === 'agent') return 'You released control.';
  return 'Control ended: the connection to the customer’s page was lost.';
}

export function safePath(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname;
  } catch {
    return '';
  }
}
