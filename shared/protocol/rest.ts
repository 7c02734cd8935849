/** REST request bodies and the invite the host page hands the customer element. */
import * as z from 'zod/mini';
import { shortText, storedText } from './fields.js';
import { endReason, protocolVersion, sessionId, token } from './session.js';

export const createSessionBody = z
  .strictObject({
    conversationId: z.optional(storedText(1, 256)),
    agentName: z.optional(storedText(1, 128)),
    /** The chat system's id of the agent (signed-in agents see their sessions in the console's list). */
    agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/))),
    /** The agent is an automated program (the Node SDK): the customer is told, and the audit names it as a bot. Needs agentName. */
    agentBot: z.optional(z.boolean()),
    metadata: z.optional(z.record(storedText(0, 64), z.union([storedText(0, 1_024), z.number(), z.boolean()]))),
    /** Seconds until the session expires; capped by the server's SESSION_TTL. */
    ttlSeconds: z.optional(z.number().check(z.int(), z.positive())),
  })
  .check(
    z.refine((body) => body.agentBot !== true || body.agentName !== undefined, {
      message: 'an automated agent (agentBot) needs an agentName',
      path: ['agentName'],
    }),
  );
export type CreateSessionBody = z.infer<typeof createSessionBody>;

/** What the host page passes to `<cobrowse-session>.offer()`. */
export const customerInvite = z.strictObject({
  v: protocolVersion,
  server: z.string().check(z.url()),
  sessionId,
  token,
  agentName: z.optional(shortText),
  /** The agent is an automated program. */
  agentBot: z.optional(z.boolean()),
  expiresAt: z.number(),
});
export type CustomerInvite = z.infer<typeof customerInvite>;

/** A person takes over from the automated agent (POST /api/sessions/:id/handover). */
export const handOverBody = z.strictObject({
  agentName: storedText(1, 128),
  /** The signed-in agent taking over (their session list, their join tickets); absent: nobody's, tickets of the old one stop working. */
  agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/))),
});
export type HandOverBody = z.infer<typeof handOverBody>;

export const endSessionBody = z.optional(z.strictObject({ reason: z.optional(endReason) }));
