/**
 * Agents signing in to the console: OpenID Connect (/auth/login, /auth/callback),
 * or an identity the chat system minted with the API key
 * (POST /api/agent-identities) exchanged for the console's cookie
 * (POST /auth/identity); /api/me and sign-out; and join tickets for sessions
 * an agent opens from their list. Every request carries `request.agent`: the
 * signed-in agent from the cookie, or null.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { sessionId as sessionIdSchema, type Role } from '../shared/protocol.js';
import { hashToken, type SessionRecord } from './store.js';
import {
  checkJoinTicket,
  JOIN_TICKET_PREFIX,
  ticketBelongsTo,
  AGENT_COOKIE,
  consoleCookie,
  signedOutKey,
  agentId,
  agentName,
  checkIdentityToken,
  checkLoginState,
  cookieHeader,
  mintCookieValue,
  mintIdentityToken,
  mintJoinTicket,
  mintLoginState,
  OIDC_COOKIE,
  readCookie,
  type AgentIdentity,
} from './agent-auth.js';
import type { ServerConfig } from './config.js';
import { parseOrReply, sendError } from './http-errors.js';
import { createOidcLogin } from './oidc.js';
import type { SessionLifecycle } from './sessions.js';
import type { SignInErrorCode } from '../shared/sign-in-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The agent signed in to the console (from the cookie), or null. */
    agent: AgentIdentity | null;
  }
}

export interface AgentRouteDeps {
  config: ServerConfig;
  sessions: SessionLifecycle;
  requireApiKey: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** The store's spendOnce: a minted identity is exchanged once. */
  spendOnce: (id: string, expiresAt: number, now: number) => Promise<boolean>;
  now?: () => number;
}

const mintBody = z.strictObject({
  agentId,
  name: agentName,
  /** Seconds the identity may be exchanged for a console cookie; capped by AGENT_IDENTITY_TTL. */
  ttlSeconds: z.number().int().positive().optional(),
});
const exchangeBody = z.strictObject({
  identity: z.string().min(1).max(2048),
  /** The person at the console confirmed replacing the agent signed in there now. */
  replace: z.boolean().optional(),
});
const checkBody = z.strictObject({ identity: z.string().min(1).max(2048) });
const loginQuery = z.strictObject({ returnTo: z.string().max(512).optional() });
const callbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
  iss: z.string().max(512).optional(),
});
const sessionParams = z.strictObject({ id: sessionIdSchema });

/** Only pages of the console are places to come back to (never another site). */
function safeReturnPath(value: string | undefined): string {
  return value !== undefined && /^\/agent\/[^\\]*$/.test(value) && !value.startsWith('//') ? value : '/agent/';
}

/**
 * The session and role behind a peer's bearer: a session link's token, or a
 * join ticket together with its agent's cookie. Undefined when neither holds.
 */
export async function peerFromBearer(
  sessions: SessionLifecycle,
  secret: string,
  presented: string,
  agent: AgentIdentity | null,
  now: number,
): Promise<{ session: SessionRecord; role: Role } | undefined> {
  if (!presented.startsWith(JOIN_TICKET_PREFIX)) return sessions.findByToken(hashToken(presented));
  const ticket = checkJoinTicket(secret, presented, now);
  if (!ticket.ok || !agent || !ticketBelongsTo(ticket, agent)) return undefined;
  const session = await sessions.get(ticket.sessionId);
  // Still theirs at use (see join-tickets.ts): a hand-over makes the ticket useless.
  return session && session.agentId === agent.id ? { session, role: 'agent' } : undefined;
}

/** The signed-in agent, or a 401 SIGNED_OUT saying what needs signing in. */
export function signedInAgent(request: FastifyRequest, reply: FastifyReply, what: string): AgentIdentity | null {
  if (request.agent) return request.agent;
  sendError(reply, 'SIGNED_OUT', `Sign in to the agent console to ${what}.`);
  return null;
}

/**
 * Cookie-authenticated POSTs come from our own pages: a browser always sends
 * Origin on a POST, and a page of another site must not act with the agent's cookie.
 */
export function fromOwnOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const host = request.headers.host;
  return origin === new URL(publicUrl).origin || (host !== undefined && origin === `${request.protocol}://${host}`);
}

/**
 * Every request (and socket upgrade) learns its signed-in agent from the
 * cookie, unless that cookie was signed out (on any instance: the store
 * keeps its id until it would have expired); register before the routes.
 */
export function registerAgentIdentity(
  app: FastifyInstance,
  secret: string,
  isSpent: (id: string, now: number) => Promise<boolean>,
  now: () => number = Date.now,
): void {
  app.decorateRequest('agent', null);
  app.addHook('onRequest', async (request) => {
    const cookie = consoleCookie(secret, request.headers.cookie, now());
    request.agent = cookie && !(await isSpent(signedOutKey(cookie.jti), now())) ? cookie.agent : null;
  });
}

export function registerAgentAuth(app: FastifyInstance, deps: AgentRouteDeps): void {
  const { config, sessions } = deps;
  const now = deps.now ?? Date.now;
  const secret = config.agentAuth.secret;
  const secure = (): boolean => config.publicUrl.startsWith('https:');
  const oidc = config.oidc ? createOidcLogin(config.oidc) : null;
  const redirectUri = (): string => config.oidc?.redirectUri || `${config.publicUrl}/auth/callback`;

  const signIn = (reply: FastifyReply, agent: AgentIdentity): void => {
    const ttl = config.agentAuth.sessionTtlMs;
    reply.header(
      'set-cookie',
      cookieHeader(AGENT_COOKIE, mintCookieValue(secret, agent, now() + ttl), {
        maxAgeSeconds: ttl / 1000,
        secure: secure(),
      }),
    );
  };

  /** Who is signed in here, and whether the console can offer single sign-on. */
  app.get('/api/me', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { agent: request.agent, oidc: oidc !== null };
  });

  /** The chat system vouches for its agent: a short-lived identity for that agent's console. */
  app.post('/api/agent-identities', { preHandler: deps.requireApiKey }, async (request, reply) => {
    const body = parseOrReply(mintBody, request.body ?? {}, reply, 'agent identity');
    if (!body) return reply;
    const ttlMs = Math.min(config.agentAuth.identityMaxTtlMs, (body.ttlSeconds ?? Infinity) * 1000);
    const expiresAt = now() + ttlMs;
    const identity = mintIdentityToken(secret, { id: body.agentId, name: body.name, via: 'api' }, expiresAt);
    request.log.info({ agentId: body.agentId }, 'agent identity minted');
    return reply.code(201).send({
      identity,
      expiresAt,
      // In the fragment, like session links: it never reaches server or proxy logs.
      consoleLink: `${config.publicUrl}/agent/#identity=${identity}`,
    });
  });

  const checkIdentity = (
    reply: FastifyReply,
    identity: string,
  ): (AgentIdentity & { jti: string; exp: number }) | null => {
    const checked = checkIdentityToken(secret, identity, now());
    if (checked.ok && checked.jti !== undefined) return { ...checked.agent, jti: checked.jti, exp: checked.expiresAt };
    sendError(
      reply,
      'UNAUTHORIZED',
      !checked.ok && checked.reason === 'expired'
        ? 'This sign-in link has expired. Open the console again from your chat system.'
        : 'This sign-in link is not valid. Open the console again from your chat system.',
    );
    return null;
  };

  /** Whom a sign-in link is for, without signing in: the console asks "Sign in as …?" first. */
  app.post('/auth/identity/check', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const body = parseOrReply(checkBody, request.body ?? {}, reply, 'sign-in');
    if (!body) return reply;
    const agent = checkIdentity(reply, body.identity);
    return agent ? { agent: { id: agent.id, name: agent.name, via: agent.via } } : reply;
  });

  /** The console exchanges a minted identity for its cookie, after the person there confirmed it. */
  app.post('/auth/identity', async (request, reply) => {
    if (!fromOwnOrigin(request, config.publicUrl))
      return sendError(reply, 'FORBIDDEN', 'Sign in from the agent console itself.');
    const body = parseOrReply(exchangeBody, request.body ?? {}, reply, 'sign-in');
    if (!body) return reply;
    const checked = checkIdentity(reply, body.identity);
    if (!checked) return reply;
    const agent: AgentIdentity = { id: checked.id, name: checked.name, via: checked.via };
    // A link someone passed on must not silently swap the agent working at this console.
    if (request.agent && request.agent.id !== agent.id && body.replace !== true) {
      return sendError(
        reply,
        'FORBIDDEN',
        `This console is signed in as ${request.agent.name}: confirm to sign in as ${agent.name} instead.`,
      );
    }
    if (!(await deps.spendOnce(`identity:${checked.jti}`, checked.exp, now()))) {
      return sendError(
        reply,
        'UNAUTHORIZED',
        'This sign-in link has already been used. Open the console again from your chat system.',
      );
    }
    signIn(reply, agent);
    request.log.info({ agentId: agent.id }, 'agent signed in (identity from the chat system)');
    return { agent };
  });

  app.post('/auth/logout', async (request, reply) => {
    if (!fromOwnOrigin(request, config.publicUrl))
      return sendError(reply, 'FORBIDDEN', 'Sign out from the agent console itself.');
    // Revoked on the server too: a copy of the cookie (another tab, a stolen value) is refused from now on.
    const cookie = consoleCookie(secret, request.headers.cookie, now());
    if (cookie) await deps.spendOnce(signedOutKey(cookie.jti), cookie.expiresAt, now());
    reply.header('set-cookie', cookieHeader(AGENT_COOKIE, '', { maxAgeSeconds: 0, secure: secure() }));
    if (cookie) request.log.info({ agentId: cookie.agent.id }, 'agent signed out');
    return { signedOut: true };
  });

  app.get('/auth/login', async (request, reply) => {
    const query = parseOrReply(loginQuery, request.query ?? {}, reply, 'sign-in request');
    if (!query) return reply;
    if (!oidc) return sendError(reply, 'SESSION_NOT_FOUND', 'Single sign-on is not configured on this server.');
    let started: Awaited<ReturnType<typeof oidc.start>>;
    try {
      started = await oidc.start(redirectUri());
    } catch (err) {
      request.log.error({ err }, 'OpenID Connect discovery failed');
      return sendError(reply, 'INTERNAL', 'The identity provider cannot be reached; try again shortly.');
    }
    const state = mintLoginState(
      secret,
      { verifier: started.verifier, state: started.state, returnTo: safeReturnPath(query.returnTo) },
      now() + 10 * 60_000,
    );
    reply.header(
      'set-cookie',
      cookieHeader(OIDC_COOKIE, state, { maxAgeSeconds: 600, secure: secure(), path: '/auth/' }),
    );
    return reply.redirect(started.url);
  });

  app.get('/auth/callback', async (request, reply) => {
    // A code only: the console maps it to our own words (shared/sign-in-errors.ts), so no text rides in the link.
    const failed = (code: SignInErrorCode): FastifyReply =>
      reply
        .header('set-cookie', cookieHeader(OIDC_COOKIE, '', { maxAgeSeconds: 0, secure: secure(), path: '/auth/' }))
        .redirect(`/agent/#signin-error=${code}`);
    const query = callbackQuery.safeParse(request.query ?? {});
    if (!oidc) return failed('not-configured');
    if (!query.success) return failed('unreadable');
    if (query.data.error) {
      request.log.info({ providerError: query.data.error }, 'the identity provider refused the sign-in');
      return failed('refused');
    }
    const login = checkLoginState(secret, readCookie(request.headers.cookie, OIDC_COOKIE) ?? '', now());
    if (!login) return failed('expired');
    const callbackUrl = new URL(redirectUri());
    callbackUrl.search = new URL(request.url, 'http://callback.invalid').search;
    let who: { id: string; name: string };
    try {
      who = await oidc.finish(callbackUrl, login);
    } catch (err) {
      request.log.warn({ err }, 'OpenID Connect sign-in failed');
      return failed('failed');
    }
    const agent = agentId.safeParse(who.id);
    const name = agentName.safeParse(who.name);
    if (!agent.success || !name.success) return failed('bad-identity');
    signIn(reply, { id: agent.data, name: name.data, via: 'oidc' });
    reply.header('set-cookie', cookieHeader(OIDC_COOKIE, '', { maxAgeSeconds: 0, secure: secure(), path: '/auth/' }));
    request.log.info({ agentId: agent.data }, 'agent signed in (OpenID Connect)');
    return reply.redirect(login.returnTo);
  });

  /** A signed-in agent opens one of their sessions from the list: a ticket that works only with their cookie. */
  app.post('/api/sessions/:id/join', async (request, reply) => {
    const agent = signedInAgent(request, reply, 'join sessions from your list');
    if (!agent) return reply;
    if (!fromOwnOrigin(request, config.publicUrl))
      return sendError(reply, 'FORBIDDEN', 'Join from the agent console itself.');
    const params = parseOrReply(sessionParams, request.params, reply, 'session id');
    if (!params) return reply;
    const session = await sessions.get(params.id);
    if (!session || session.agentId !== agent.id)
      return sendError(reply, 'SESSION_NOT_FOUND', 'No such session among yours.');
    if (session.status === 'ended') return sendError(reply, 'SESSION_ENDED');
    const ticket = mintJoinTicket(secret, session.id, agent, session.expiresAt);
    return { sessionId: session.id, ticket, link: `${config.publicUrl}/agent/#token=${ticket}` };
  });
}
