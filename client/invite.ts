/**
 * Invite parsing, shipped in the view module (cobrowse-ui.ts), which shows the
 * prompt an invite opens, not in the loader; it checks the invite's shape by
 * hand (the view module stays small too), and the session bundle validates it
 * again with zod. The loader lends it JSON.parse as it was before the page's
 * scripts ran (pristine.ts).
 */
import type { InviteData } from './session-api.js';

export class InviteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InviteError';
  }
}

function decodeBase64Url(value: string): string {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Accepts the invite object from the REST API or its base64url `inviteCode`. */
export function parseInvite(
  input: unknown,
  fromJson: (text: string) => unknown = JSON.parse,
  now = Date.now(),
): InviteData {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = fromJson(decodeBase64Url(value.trim()));
    } catch {
      throw new InviteError('The co-browsing invite is not readable.');
    }
  }
  if (typeof value !== 'object' || value === null) throw new InviteError('The co-browsing invite is missing.');
  const v = value as Record<string, unknown>;
  const ok =
    typeof v.v === 'string' &&
    typeof v.server === 'string' &&
    /^https?:\/\//.test(v.server) &&
    typeof v.sessionId === 'string' &&
    /^[A-Za-z0-9_-]{8,64}$/.test(v.sessionId) &&
    typeof v.token === 'string' &&
    v.token.length >= 16 &&
    v.token.length <= 256 &&
    typeof v.expiresAt === 'number' &&
    (v.agentName === undefined || (typeof v.agentName === 'string' && v.agentName.length <= 128)) &&
    (v.agentBot === undefined || typeof v.agentBot === 'boolean');
  if (!ok) throw new InviteError('The co-browsing invite is malformed.');
  if ((v.expiresAt as number) <= now) throw new InviteError('This co-browsing invite has expired.');
  return {
    v: v.v as string,
    server: v.server as string,
    sessionId: v.sessionId as string,
    token: v.token as string,
    ...(typeof v.agentName === 'string' ? { agentName: v.agentName } : {}),
    ...(v.agentBot === true ? { agentBot: true } : {}),
    expiresAt: v.expiresAt as number,
  };
}
