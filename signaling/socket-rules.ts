/**
 * Rules of the signaling socket that are not about routing: which end
 * reasons each role may give, what of a peer's event the audit may keep, and
 * the close code of an oversize frame.
 */
import type { WebSocket } from 'ws';
import { auditablePageUrl, auditableText } from '../shared/page-privacy.js';
import type { EndReason, PeerEvent, Role } from '../shared/protocol.js';

/**
 * The event as the audit may keep it: a page as origin and masked path (no
 * query string, fragment or number from the page), an action's target without
 * numbers (second line behind the customer's own masking). Null for a page
 * that is not an http(s) URL.
 */
export function auditableEvent(event: PeerEvent): PeerEvent | null {
  if (event.kind === 'page-visited') {
    const url = auditablePageUrl(event.url);
    if (!url) return null;
    return event.title === undefined ? { ...event, url } : { ...event, url, title: auditableText(event.title) };
  }
  if (event.kind === 'remote-action') return { ...event, target: auditableText(event.target) };
  return event;
}

/**
 * What each side may give as its reason to end: only the customer declines,
 * and the system's own reasons (expired, left-site) are never a peer's to claim.
 */
export const END_REASONS_BY_ROLE: Readonly<Record<Role, readonly EndReason[]>> = {
  // 'api': the integrator's page removed the element (client/cobrowse-session.ts).
  customer: ['customer-ended', 'declined', 'api', 'peer-lost', 'error'],
  agent: ['agent-ended', 'peer-lost', 'error'],
};

/**
 * ws closes with a bare 1009 when a frame header announces more than its hard
 * cap, before any byte reaches us; route that close through our own refusal
 * so every oversize message gets 4414 and a reason.
 */
export function answerOversizeWithOwnCode(socket: WebSocket, onOversize: () => void): void {
  const close = socket.close.bind(socket);
  let answering = false;
  socket.close = (code?: number, reason?: string | Buffer) => {
    if (code === 1009 && !answering) {
      answering = true;
      onOversize();
      return;
    }
    close(code, reason);
  };
}
