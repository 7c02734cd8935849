/**
 * User Timing marks on the path from the customer's Allow to the agent's first
 * frame, so the bench (bench/allow-breakdown.ts) can break that latency into
 * stages on both pages. Each name is marked once per page load: the marks
 * stay bounded however many reconnects a long session has.
 */

export type StageName =
  // customer, loader
  | 'allow'
  | 'consent-recorded'
  | 'session-evaluated'
  | 'session-loaded'
  // customer, session bundle
  | 'session-start'
  | 'customer-welcome'
  | 'peer-created'
  | 'offer-sent'
  | 'answer-received'
  | 'channel-open'
  | 'snapshot-start'
  | 'snapshot-first-part'
  | 'snapshot-last-part'
  | 'snapshot-last-part-out'
  // agent
  | 'agent-offer-received'
  | 'agent-answer-sent'
  | 'agent-channel-open'
  | 'agent-first-part'
  | 'agent-last-part'
  | 'agent-snapshot-applied';

export const STAGE_PREFIX = 'cobrowse:';

const marked = new Set<StageName>();

/** Marks a stage (`cobrowse:<name>`) the first time it is reached in this page. */
export function markStage(name: StageName): void {
  if (marked.has(name)) return;
  marked.add(name);
  try {
    performance.mark(STAGE_PREFIX + name);
  } catch {
    // No User Timing here (old browser, odd realm): the marks are for measurement only.
  }
}
