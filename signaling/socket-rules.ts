/**
 * Rules of the signaling socket that are not about routing: which end
 * reasons each role may give, what of a peer's event the audit may keep, and
 * the close code of an oversize frame.
 */
import type { RawData, WebSocket } from 'ws';
import { auditablePageUrl, auditableText } from '../shared/page-privacy.js';
import { clientMessage, type ClientMessage, type EndReason, type PeerEvent, type Role } from '../shared/protocol.js';
import type { ServerConfig } from './config.js';

/** The integrator's sites from ALLOWED_ORIGINS, and always our own origin (the agent console, the demo). */
export function originAllowed(
  config: Pick<ServerConfig, 'allowedOrigins' | 'publicUrl'>,
  origin: string | undefined,
): boolean {
  if (config.allowedOrigins.length === 0) return true;
  if (!origin) return false;
  if (config.allowedOrigins.includes(origin)) return true;
  try {
    return origin === new URL(config.publicUrl).origin;
  } catch {
    return false;
  }
}

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

/** One signaling frame parsed and validated, or the reason it was refused (in English, for the client). */
export function parseClientFrame(
  data: RawData,
  isBinary: boolean,
): { ok: true; data: ClientMessage } | { ok: false; text: string } {
  if (isBinary) return { ok: false, text: 'Signaling messages are JSON text frames.' };
  let json: unknown;
  try {
    json = JSON.parse(
      Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'),
    );
  } catch {
    return { ok: false, text: 'The message is not valid JSON.' };
  }
  const parsed = clientMessage.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, text: `Invalid message${where}: ${issue?.message ?? 'unknown problem'}.` };
}
