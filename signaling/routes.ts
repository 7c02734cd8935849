/**
 * REST API for the chat system (API key) and for peers (their own token).
 * Every input is parsed with zod; every refusal is `{ error: { code, message } }`.
 */
import { decodeCursor, DEFAULT_PAGE, encodeCursor, sessionListQuery } from './session-list.js';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { parseOrReply, sendError } from './http-errors.js';
import { createSessionBody, endSessionBody, handOverBody, sessionId as sessionIdSchema } from '../shared/protocol.js';
import type { ServerConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';
import type { SessionLifecycle } from './sessions.js';
import type { Store } from './store.js';
import type { SupportCodeBook } from './support-code-book.js';
import { registerSupportCodes } from './support-codes.js';
import { relayTtlSeconds, turnCredentials } from './turn.js';
import { createLimiter } from './request-limits.js';
import { peerFromBearer, registerAgentAuth } from './agent-routes.js';
import { inviteViewerBody } from '../shared/viewer-protocol.js';
import { inviteViewer } from './viewer-invites.js';

export interface RouteDeps {
  config: ServerConfig;
  sessions: SessionLifecycle;
  store: Store;
  metrics: ServerMetrics;
  codeBook: SupportCodeBook;
  startedAt: number;
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

const sessionParams = z.strictObject({ id: sessionIdSchema });
const conversationParams = z.strictObject({ conversationId: z.string().min(1).max(256) });

export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { config, sessions, store, metrics } = deps;

  /** Chat-system endpoints require the API key. */
  const requireApiKey = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const presented = bearer(request);
    if (!presented || !sameSecret(presented, config.apiKey)) {
      await sendError(reply, 'UNAUTHORIZED', 'A valid API key is required (Authorization: Bearer <API_KEY>).');
    }
  };

  registerAgentAuth(app, {
    config,
    sessions,
    requireApiKey,
    spendOnce: (id, exp, now) => store.spendOnce(id, exp, now),
  });

  /** The chat system (API key) lists any sessions; a signed-in agent lists their own. */
  const apiKeyOrAgent = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const presented = bearer(request);
    if (presented) return requireApiKey(request, reply);
    if (!request.agent) {
      await sendError(
        reply,
        'SIGNED_OUT',
        'Sign in to the agent console to list your sessions (or send the API key: Authorization: Bearer <API_KEY>).',
      );
    }
  };

  app.get('/healthz', async () => {
    // Touch the store so a broken database makes the health check fail.
    await store.getSession('healthcheck-probe');
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.post('/api/sessions', { preHandler: requireApiKey }, async (request, reply) => {
    const body = parseOrReply(createSessionBody, request.body ?? {}, reply, 'session request');
    if (!body) return reply;
    return reply.code(201).send(await sessions.create(body));
  });

  app.get('/api/sessions', { preHandler: apiKeyOrAgent }, async (request, reply) => {
    const query = parseOrReply(sessionListQuery, request.query ?? {}, reply, 'session list query');
    if (!query) return reply;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null)
      return sendError(
        reply,
        'BAD_MESSAGE',
        'Invalid session list query at cursor: not a cursor this server returned.',
      );
    // An agent without the API key sees only their own sessions.
    const own = bearer(request) === null && request.agent ? { agentId: request.agent.id } : {};
    const page = await sessions.list({
      ...own,
      limit: query.limit ?? DEFAULT_PAGE,
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.agent !== undefined ? { agentName: query.agent } : {}),
      ...(query.conversation !== undefined ? { conversationId: query.conversation } : {}),
      ...(query.from !== undefined ? { createdFrom: query.from } : {}),
      ...(query.to !== undefined ? { createdBefore: query.to } : {}),
      ...(after !== undefined ? { after } : {}),
    });
    return { sessions: page.sessions, next: page.next === null ? null : encodeCursor(page.next) };
  });

  app.get('/api/sessions/:id', { preHandler: requireApiKey }, async (request, reply) => {
    const params = parseOrReply(sessionParams, request.params, reply, 'session id');
    if (!params) return reply;
    const summary = await sessions.summary(params.id);
    return summary ?? sendError(reply, 'SESSION_NOT_FOUND');
  });

  app.get('/api/sessions/:id/audit', { preHandler: requireApiKey }, async (request, reply) => {
    const params = parseOrReply(sessionParams, request.params, reply, 'session id');
    if (!params) return reply;
    if (!(await store.getSession(params.id))) {
      // A session deleted whole that the audit witness remembers is reported, not unknown (review s13 L2).
      const verification = await store.verifyChain(params.id);
      if (verification.valid) return sendError(reply, 'SESSION_NOT_FOUND');
      return { sessionId: params.id, events: await store.listEvents(params.id), verification };
    }
    return {
      sessionId: params.id,
      events: await store.listEvents(params.id),
      verification: await store.verifyChain(params.id),
    };
  });

  /** The chat system invites a viewer (another agent or a supervisor) for the session's agent. */
  app.post('/api/sessions/:id/viewers', { preHandler: requireApiKey }, async (request, reply) => {
    const params = parseOrReply(sessionParams, request.params, reply, 'session id');
    if (!params) return reply;
    const body = parseOrReply(inviteViewerBody, request.body ?? {}, reply, 'viewer invite');
    if (!body) return reply;
    const invited = await inviteViewer(
      sessions,
      { secret: config.agentAuth.secret, publicUrl: config.publicUrl, now: Date.now() },
      params.id,
      body,
      { actor: 'api' },
    );
    if (!invited.ok) return sendError(reply, invited.code, invited.message);
    const { viewer, link, token, expiresAt } = invited;
    return reply.code(201).send({ viewer, link, token, expiresAt });
  });

  app.post('/api/sessions/:id/end', { preHandler: requireApiKey }, async (request, reply) => {
    const params = parseOrReply(sessionParams, request.params, reply, 'session id');
    if (!params) return reply;
    const body = parseOrReply(endSessionBody, request.body ?? undefined, reply, 'end request');
    if (reply.sent) return reply;
    const session = await store.getSession(params.id);
    if (!session) return sendError(reply, 'SESSION_NOT_FOUND');
    if (session.status === 'ended') return sendError(reply, 'SESSION_ENDED');
    await sessions.end(params.id, 'api', body?.reason ?? 'api');
    return sessions.summary(params.id);
  });

  /** A person takes over from the automated agent (only if the customer allowed it when consenting). */
  app.post('/api/sessions/:id/handover', { preHandler: requireApiKey }, async (request, reply) => {
    const params = parseOrReply(sessionParams, request.params, reply, 'session id');
    if (!params) return reply;
    const body = parseOrReply(handOverBody, request.body, reply, 'hand-over request');
    if (!body) return reply;
    const outcome = await sessions.handOver(params.id, body);
    if (!outcome.ok) return sendError(reply, outcome.code, outcome.message);
    return { sessionId: params.id, agentName: body.agentName, agent: outcome.agent };
  });

  app.get('/api/conversations/:conversationId/sessions', { preHandler: requireApiKey }, async (request, reply) => {
    const params = parseOrReply(conversationParams, request.params, reply, 'conversation id');
    if (!params) return reply;
    return {
      conversationId: params.conversationId,
      sessions: await sessions.listByConversation(params.conversationId),
    };
  });

  registerSupportCodes(app, sessions, deps.codeBook, () => config.publicUrl);

  /** A peer (customer or agent token) asks for fresh TURN credentials, e.g. before reconnecting. */
  const peer = (request: FastifyRequest) => {
    const presented = bearer(request);
    return presented
      ? peerFromBearer(sessions, config.agentAuth.secret, presented, request.agent, Date.now())
      : Promise.resolve(undefined);
  };

  /**
   * The agent's console shows how the session went once it ends: duration,
   * pages (origin and path), control, who ended it. The agent's own token
   * (or join ticket) is the key; the customer's token gets nothing.
   */
  app.get('/api/session-summary', async (request, reply) => {
    // Readable by an agent view embedded on another origin (its bearer, never cookies, crosses origins).
    reply.header('cache-control', 'no-store').header('access-control-allow-origin', '*');
    const found = await peer(request);
    if (!found || found.role !== 'agent') return sendError(reply, 'UNAUTHORIZED');
    const summary = await sessions.summary(found.session.id);
    if (!summary) return sendError(reply, 'SESSION_NOT_FOUND');
    return {
      sessionId: summary.sessionId,
      status: summary.status,
      startedAt: summary.startedAt,
      endedAt: summary.endedAt,
      durationMs: summary.durationMs,
      pagesVisited: summary.pagesVisited,
      controlGranted: summary.controlGranted,
      endedBy: summary.endedBy,
      endReason: summary.endReason,
      endedByAgent: summary.endedByAgent,
    };
  });

  app.options('/api/session-summary', async (_request, reply) =>
    reply
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'GET')
      .header('access-control-allow-headers', 'authorization')
      .header('access-control-max-age', '600')
      .code(204)
      .send(),
  );

  // A relay is worth having to anyone: per address and over all, and only for a consented session.
  const turnRate = createLimiter(app, { name: 'turn-credentials', perAddress: 20, global: 2_000, windowMs: 60_000 });
  app.post('/api/turn-credentials', async (request, reply) => {
    if (!(await turnRate(request))) return sendError(reply, 'RATE_LIMITED', 'Too many requests for relay credentials.');
    const found = await peer(request);
    if (!found) return sendError(reply, 'UNAUTHORIZED');
    const { session } = found;
    if (session.status === 'ended') return sendError(reply, 'SESSION_ENDED');
    const now = Date.now();
    if (session.expiresAt <= now) return sendError(reply, 'SESSION_EXPIRED');
    if (session.status === 'pending') return sendError(reply, 'FORBIDDEN', 'The customer has not consented yet.');
    const ttl = relayTtlSeconds(config.turn.ttlSeconds, now, session.expiresAt);
    if (!config.turn.secret || config.turn.urls.length === 0 || ttl === 0) {
      return { iceServers: config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [], ttlSeconds: 0 };
    }
    const creds = turnCredentials(config.turn.secret, `${session.id}-${found.role}`, ttl, now);
    return {
      iceServers: [
        ...(config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : []),
        { urls: config.turn.urls, username: creds.username, credential: creds.credential },
      ],
      ttlSeconds: ttl,
      expiresAt: creds.expiresAt,
    };
  });
}
