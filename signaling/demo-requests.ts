/**
 * What every request to the demo's API must satisfy: its parameters (zod),
 * and where it came from. The demo is on without DEMO=true only because the
 * server is bound to loopback; a reverse proxy on the same machine would make
 * its unauthenticated chat and session endpoints reachable from anywhere, so
 * a request that says it came through one (X-Forwarded-For or Forwarded) is
 * refused unless the operator set DEMO=true on purpose.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { ServerConfig } from './config.js';

export const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, "-" or "_"');
export const conversationParams = z.strictObject({ id: conversationIdSchema });
export const conversationSessionParams = z.strictObject({
  id: conversationIdSchema,
  sessionId: z.string().regex(/^[\w-]{1,64}$/, 'not a session id'),
});

/** A reverse proxy passed this request on (it says so in X-Forwarded-For or Forwarded). */
export function proxied(headers: IncomingHttpHeaders): boolean {
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
}

/** A preHandler: answers 403 to a proxied request unless DEMO=true was set. */
export function localOnly(config: Pick<ServerConfig, 'demoExplicit'>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (config.demoExplicit || !proxied(request.headers)) return;
    request.log.warn(
      { url: request.routeOptions.url },
      'demo request refused: it came through a proxy and DEMO=true is not set',
    );
    await reply.code(403).send({
      error: {
        code: 'FORBIDDEN',
        message: 'The demo answers only requests made on this machine. Set DEMO=true to offer it through a proxy.',
      },
    });
  };
}

export function badRequest(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return reply.code(400).send({
    error: { code: 'BAD_MESSAGE', message: `Invalid request${where}: ${issue?.message ?? 'unknown problem'}.` },
  });
}
