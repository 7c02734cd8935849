/**
 * The request for a support code (the customer reads it to the agent; nothing is shared yet). It ships in the
 * view module (cobrowse-ui.ts), which shows the code, not in the loader: the loader lends it its fetch and
 * JSON.parse, taken before the page's scripts ran (pristine.ts), as it lends the view Lit.
 */
import { parseInvite } from './invite.js';
import type { InviteData } from './session-api.js';

export interface SupportCodeDeps {
  fetch: typeof fetch;
  fromJson: (text: string) => unknown;
}

/** A support code and the invite behind it, from the server; throws an Error whose message the customer can read. */
export async function fetchSupportCode(
  server: string,
  deps: SupportCodeDeps,
): Promise<{ code: string; invite: InviteData }> {
  let res: Response;
  let body: { code?: unknown; customer?: { invite?: unknown }; error?: { message?: unknown } };
  try {
    res = await deps.fetch.call(globalThis, new URL('/api/support-codes', server), { method: 'POST' });
    body = (await res.json()) as typeof body;
  } catch {
    throw new Error('Could not reach support. Check your connection and try again.');
  }
  if (!res.ok || typeof body.code !== 'string') {
    throw new Error(typeof body.error?.message === 'string' ? body.error.message : 'Could not get a support code.');
  }
  try {
    return { code: body.code, invite: parseInvite(body.customer?.invite, deps.fromJson) };
  } catch (error) {
    // parseInvite throws InviteError only (its message says what is wrong with the invite).
    throw new Error(error instanceof Error ? error.message : 'Could not get a support code.');
  }
}
