/** The protocol version and the pieces every side names: roles, session ids, tokens, error codes, why a session ended. */
import * as z from 'zod/mini';
import { ERROR_CODE_LIST } from '../errors.js';

/**
 * major.minor; peers with another major version are refused. The data
 * channel's layout follows the order of the message union (channel.ts) and of
 * each schema's fields (dom-frames.ts, guidance.ts, channel.ts; see
 * shared/wire-format.ts): changing either is a major change. 5.0: style
 * attribute changes travel as differences (shared/wire-style-diff.ts). 6.0:
 * those differences splice changed declarations, and input values and text
 * changes travel as splices (shared/wire-value-diff.ts). 7.0: node lists
 * interleave their shape and join their strings (node-list-compaction.ts).
 * 8.0: a node list's parent steps go on from the previous list's chain.
 * 9.0: node lists' strings travel on compression streams of their own
 * (shared/stream-segments.ts). 10.0: a form value equal to its default
 * travels as a reference (node-list-compaction.ts). 11.0: an edit action may
 * say no key made it (`keyless`), which a 10.x customer refuses as invalid.
 * 12.0: the relay credential comes after consent (`ice-servers`), which an
 * 11.x client drops, and a 12.x client waits for it before its first offer.
 * 13.0: an action may be refused as `limit` (the customer's bounds on remote
 * actions), which a 12.x agent cannot read (its drained() would never resolve).
 * 14.0: an edit that moves the selection says the key that moved it (`key`),
 * which a 13.x customer refuses as invalid.
 */
export const PROTOCOL_VERSION = '14.0';

export const protocolVersion = z.string().check(z.regex(/^\d{1,4}\.\d{1,4}$/, 'version must look like "1.0"'));

/** True when `version` can talk to this build (same major). */
export function isCompatibleVersion(version: string): boolean {
  return version.split('.')[0] === PROTOCOL_VERSION.split('.')[0];
}

export const role = z.enum(['customer', 'agent']);
export type Role = z.infer<typeof role>;

export const sessionId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed session id'));
export const token = z.string().check(z.minLength(16), z.maxLength(256));

export const errorCode = z.enum(ERROR_CODE_LIST);

/** Why a session ended, as recorded in the audit log and shown to both sides. */
export const endReason = z.enum([
  'customer-ended',
  'agent-ended',
  'declined',
  'expired',
  'api',
  'left-site',
  'peer-lost',
  'error',
]);
export type EndReason = z.infer<typeof endReason>;

export const endedBy = z.enum(['customer', 'agent', 'system', 'api']);
export type EndedBy = z.infer<typeof endedBy>;
