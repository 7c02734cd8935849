/** How the console says why a session ended (the session list and the end-of-session summary). */
import type { EndReason } from '../shared/protocol.js';

export const END_REASON_WORDS: Record<EndReason, string> = {
  'customer-ended': 'ended by the customer',
  'agent-ended': 'ended by the agent',
  declined: 'declined by the customer',
  expired: 'reached its time limit',
  api: 'ended by the chat system',
  'left-site': 'the customer left the site',
  'peer-lost': 'the connection was lost',
  error: 'ended by an error',
};

/** The words for a reason as the server sent it (unknown ones are shown as they are). */
export function endReasonWords(reason: string | null): string {
  if (reason === null) return 'ended';
  return reason in END_REASON_WORDS ? END_REASON_WORDS[reason as EndReason] : reason;
}

/** "4 min 12 s", "35 s", "1 h 5 min"; "not started" when the customer never allowed sharing. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'not started';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
