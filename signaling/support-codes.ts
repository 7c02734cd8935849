/**
 * Support codes: the customer presses "Share this page with support", gets a
 * short code, and reads it to the agent, who enters it in the agent console.
 * A code is single-use, expires quickly, and claiming it only lets the agent
 * wait: the customer still has to consent before anything is shared. Codes
 * live in a SupportCodeBook: memory for one instance (a restart voids pending
 * codes), Redis when instances share them.
 */
import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { sendError } from './http-errors.js';
import { fromOwnOrigin, signedInAgent } from './agent-routes.js';
import { createLimiter } from './request-limits.js';
import type { SessionLifecycle } from './sessions.js';
import type { SupportCodeBook } from './support-code-book.js';

/** How long a code can be claimed. */
export const SUPPORT_CODE_TTL_MS = 10 * 60 * 1000;
/** Per address and minute, and over all addresses: code requests, and claim attempts (guessing). */
export const SUPPORT_CODE_RATE = { create: 10, claim: 10, createGlobal: 1_000, claimGlobal: 300 };

const claimBody = z.strictObject({ code: z.string().min(4).max(32) });

/** Digits only, so "1234 5678", "1234-5678" and "12345678" are the same code. */
export function normalizeCode(code: string): string {
  return code.replace(/\D/g, '');
}

function formatCode(digits: string): string {
  return `${digits.slice(0, 4)} ${digits.slice(4)}`;
}

export function registerSupportCodes(
  app: FastifyInstance,
  sessions: SessionLifecycle,
  book: SupportCodeBook,
  /** Read per request: tests learn the URL only after listening. */
  publicUrl: () => string,
  now: () => number = Date.now,
): void {
  // 300 claims a minute over all addresses against 90 million codes: guessing a live one takes years.
  const createRate = createLimiter(app, {
    name: 'code-create',
    perAddress: SUPPORT_CODE_RATE.create,
    global: SUPPORT_CODE_RATE.createGlobal,
    windowMs: 60_000,
  });
  const claimRate = createLimiter(app, {
    name: 'code-claim',
    perAddress: SUPPORT_CODE_RATE.claim,
    global: SUPPORT_CODE_RATE.claimGlobal,
    windowMs: 60_000,
  });

  /** The customer's page asks for a code; it gets its own invite (customer token) with it. */
  app.post('/api/support-codes', async (request: FastifyRequest, reply) => {
    reply.header('access-control-allow-origin', '*');
    if (!(await createRate(request)))
      return sendError(reply, 'RATE_LIMITED', 'Too many support codes requested; wait a minute.');
    const created = await sessions.create({ ttlSeconds: Math.ceil(SUPPORT_CODE_TTL_MS / 1000) * 6 });
    const expiresAt = now() + SUPPORT_CODE_TTL_MS;
    const entry = { sessionId: created.sessionId, agent: created.agent, expiresAt };
    // A clash among 90 million codes is rare; a few draws settle it, a full book does not.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const digits = String(randomInt(10_000_000, 100_000_000));
      if (await book.put(digits, entry, now())) {
        request.log.info({ sessionId: created.sessionId }, 'support code issued');
        return reply.code(201).send({ code: formatCode(digits), expiresAt, customer: created.customer });
      }
    }
    await sessions.end(created.sessionId, 'system', 'error');
    return sendError(reply, 'RATE_LIMITED', 'Too many pending support codes; try again shortly.');
  });

  /** Cross-origin pages send a JSON POST: answer the preflight. */
  app.options('/api/support-codes', async (_request, reply) => {
    reply
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '600');
    return reply.code(204).send();
  });

  /** The agent console exchanges a code for the agent's link, once. */
  app.post('/api/support-codes/claim', async (request, reply) => {
    const agent = signedInAgent(request, reply, 'claim support codes');
    if (!agent) return reply;
    if (!fromOwnOrigin(request, publicUrl()))
      return sendError(reply, 'FORBIDDEN', 'Claim support codes from the agent console itself.');
    if (!(await claimRate(request)))
      return sendError(reply, 'RATE_LIMITED', 'Too many attempts; wait a minute and check the code.');
    const parsed = claimBody.safeParse(request.body ?? {});
    if (!parsed.success) return sendError(reply, 'BAD_MESSAGE', 'Send { "code": "1234 5678" }.');
    const entry = await book.take(normalizeCode(parsed.data.code), now());
    const session = entry ? await sessions.get(entry.sessionId) : undefined;
    if (!entry || !session || session.status === 'ended') {
      return sendError(
        reply,
        'SESSION_NOT_FOUND',
        'That code is not valid or has expired. Ask the customer for a new one.',
      );
    }
    await sessions.assignAgent(entry.sessionId, agent, 'support-code');
    request.log.info({ sessionId: entry.sessionId, agentId: agent.id }, 'support code claimed');
    return { sessionId: entry.sessionId, agent: entry.agent };
  });
}
