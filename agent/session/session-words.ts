/** What the agent's session says when it cannot go on: refusals, an invalid link, why a session ended. */
import type { EndReason } from '../../shared/protocol.js';

/** Refusals because another console holds the agent's place before the console stops trying. */
export const ROLE_TAKEN_ATTEMPTS = 4;
export const ROLE_TAKEN_RETRYING =
  'This session is open in another console (a colleague, or this link in another tab). Waiting for it to close…';
export const ROLE_TAKEN_FINAL =
  'This session is open in another console (a colleague, or this link in another tab). Close it there, then reload this page.';

export const INVALID_MESSAGES: Record<string, string> = {
  UNAUTHORIZED: 'This link is not valid. Ask for a new co-browsing link.',
  SESSION_ENDED: 'This co-browsing session has already ended.',
  SESSION_EXPIRED: 'This co-browsing session has expired.',
  UNSUPPORTED_VERSION: 'This console is out of date. Reload the page.',
  SIGNED_OUT: 'You are signed out. Sign in again, then open the session from your list.',
  VIEWER_REMOVED: 'The customer removed you from this session. This invite no longer works.',
  VIEWERS_FULL: 'This session already has as many agents watching as it allows.',
  BOT_SESSION:
    'The customer shared this tab with the automated assistant only. Take over through a hand-over if the customer allowed one, or offer a new session.',
};

export const END_DESCRIPTIONS: Record<EndReason, string> = {
  'customer-ended': 'The customer stopped sharing.',
  'agent-ended': 'You ended the session.',
  declined: 'The customer declined to share their page.',
  expired: 'The session reached its time limit.',
  api: 'The session was ended from the chat system.',
  'left-site': 'The customer left the site or closed the tab.',
  'peer-lost': 'The connection to the customer was lost.',
  error: 'The session ended because of an error.',
};
