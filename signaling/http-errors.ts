/**
 * The REST API's one error shape, `{ error: { code, message } }`, with the
 * HTTP status from the shared table, and zod parsing that answers with it.
 */
import type { FastifyReply } from 'fastify';
import * as z from 'zod';
import { ERROR_CODES, type ErrorCode } from '../shared/errors.js';

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
): FastifyReply {
  return reply.code(ERROR_CODES[code].http).send({ error: { code, message } });
}

/** The parsed value, or undefined after answering 400 with the first problem and where it is. */
// Takes the core type because the protocol schemas are zod/mini (kept small for the browser bundle).
export function parseOrReply<T>(
  schema: z.core.$ZodType<T>,
  value: unknown,
  reply: FastifyReply,
  what: string,
): T | undefined {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  sendError(reply, 'BAD_MESSAGE', `Invalid ${what}${where}: ${issue?.message ?? 'unknown problem'}.`);
  return undefined;
}
