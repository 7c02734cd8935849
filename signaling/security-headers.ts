/**
 * Security headers on every answer (@fastify/helmet): nosniff and friends,
 * HSTS only when the request really came over https, and no caching of API
 * answers (they carry tokens, invites and audit records).
 */
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    // The agent console sets its own policy (app.ts) and the customer scripts are
    // loaded by other origins; frame-ancestors replaces X-Frame-Options so desks can frame the console.
    contentSecurityPolicy: false,
    frameguard: false,
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginEmbedderPolicy: false,
    // Set below, only for https: over plain http it would be ignored or, on a shared name, wrong.
    hsts: false,
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS_VALUE);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
