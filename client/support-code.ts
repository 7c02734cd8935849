/** The loader's request for a support code (the customer reads it to the agent; nothing is shared yet). */
import { InviteError, parseInvite } from './invite.js';
import { pristine } from './pristine.js';
import type { InviteData } from './session-api.js';

/** A support code and the invite behind it, from the server; throws an Error whose message the customer can read. */
export async function fetchSupportCode(server: string): Promise<{ code: string; invite: InviteData }> {
  let res: Response;
  let body: { code?: unknown; customer?: { invite?: unknown }; error?: { message?: unknown } };
  try {
    res = await pristine.fetch.call(globalThis, new URL('/api/support-codes', server), { method: 'POST' });
    body = (await res.json()) as typeof body;
  } catch {
    throw new Error('Could not reach support. Check your connection and try again.');
  }
  if (!res.ok || typeof body.code !== 'string') {
    throw new Error(typeof body.error?.message === 'string' ? body.error.message : 'Could not get a support code.');
  }
  try {
    return { code: body.code, invite: parseInvite(body.customer?.invite) };
  } catch (error) {
    throw new Error(error instanceof InviteError ? error.message : 'Could not get a support code.');
  }
}
