/**
 * Who an agent is, in three signed forms that the server alone can make and
 * check (HMAC-SHA256 under AGENT_AUTH_SECRET, one purpose label each so one
 * form is never accepted as another):
 * - an identity token, minted through the REST API with the API key for chat
 *   systems that sign their agents in themselves; short-lived, exchanged once
 *   for the console's cookie (its random id is recorded in the store then,
 *   and a second exchange is refused);
 * - the console's session cookie (HttpOnly, SameSite=Lax), set after OpenID
 *   Connect or the exchange above;
 * - a join ticket: one session, one agent, used instead of the session link
 *   when an agent joins from the list; it works only with that agent's cookie.
 * Apart from spent identity ids, nothing is stored: the secret is shared by
 * every instance (environment or the data dir), so any instance can check
 * any of them.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

/** A signed-in agent: the identity provider's subject (or the chat system's agent id) and a display name. */
export interface AgentIdentity {
  id: string;
  name: string;
  /** How the agent signed in. */
  via: 'oidc' | 'api';
}

export const agentId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
/** Stored and chained as given (sessions' rows, audit events): well-formed Unicode, as REST bodies (review U2). */
export const agentName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'no control characters, well-formed Unicode text (no lone surrogate)');

const identityClaims = z.strictObject({
  sub: agentId,
  name: agentName,
  via: z.enum(['oidc', 'api']),
  exp: z.number(),
  /** A random id: an identity token's is recorded when exchanged (it works once), a cookie's when signed out (refused after). */
  jti: z
    .string()
    .regex(/^[\w-]{22}$/)
    .optional(),
});
const ticketClaims = z.strictObject({ s: z.string().min(1).max(64), h: z.string().length(22), e: z.number() });

type Purpose = 'identity' | 'cookie' | 'ticket' | 'login';

/** Join tickets are recognisable by this prefix; session links never have it (their tokens are base64url). */
export const JOIN_TICKET_PREFIX = 'jt.';

function mac(secret: string, purpose: Purpose, body: string): Buffer {
  return createHmac('sha256', secret).update(`cobrowse-agent-${purpose}\n${body}`, 'utf8').digest();
}

function sign(secret: string, purpose: Purpose, claims: object): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${body}.${mac(secret, purpose, body).toString('base64url')}`;
}

/** The claims if the signature is ours for this purpose; null for anything else (never throws). */
function verify(secret: string, purpose: Purpose, text: string): unknown {
  if (text.length > 2048) return null;
  const dot = text.indexOf('.');
  if (dot <= 0 || dot !== text.lastIndexOf('.')) return null;
  const body = text.slice(0, dot);
  const given = Buffer.from(text.slice(dot + 1), 'base64url');
  const expected = mac(secret, purpose, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

export type IdentityCheck =
  { ok: true; agent: AgentIdentity; expiresAt: number; jti?: string } | { ok: false; reason: string };

function identityFrom(secret: string, purpose: 'identity' | 'cookie', text: string, now: number): IdentityCheck {
  const claims = identityClaims.safeParse(verify(secret, purpose, text));
  if (!claims.success) return { ok: false, reason: 'not signed by this server' };
  if (claims.data.exp <= now) return { ok: false, reason: 'expired' };
  // Without its id a token cannot be spent once, nor a cookie signed out: not one of ours.
  if (claims.data.jti === undefined) return { ok: false, reason: 'not signed by this server' };
  return {
    ok: true,
    agent: { id: claims.data.sub, name: claims.data.name, via: claims.data.via },
    expiresAt: claims.data.exp,
    ...(claims.data.jti === undefined ? {} : { jti: claims.data.jti }),
  };
}

/** An identity token for the chat system to hand to its agent's console. */
export function mintIdentityToken(secret: string, agent: AgentIdentity, expiresAt: number): string {
  const jti = randomBytes(16).toString('base64url');
  return sign(secret, 'identity', { sub: agent.id, name: agent.name, via: agent.via, exp: expiresAt, jti });
}

export function checkIdentityToken(secret: string, token: string, now: number): IdentityCheck {
  return identityFrom(secret, 'identity', token, now);
}

export function mintCookieValue(secret: string, agent: AgentIdentity, expiresAt: number): string {
  const jti = randomBytes(16).toString('base64url');
  return sign(secret, 'cookie', { sub: agent.id, name: agent.name, via: agent.via, exp: expiresAt, jti });
}

export function checkCookieValue(secret: string, value: string, now: number): IdentityCheck {
  return identityFrom(secret, 'cookie', value, now);
}

/** A short digest of the agent id: tickets stay under the protocol's token length whatever the id. */
function agentDigest(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest().subarray(0, 16).toString('base64url');
}

/** A ticket that lets this agent (and only with their cookie) join one session until it expires. */
export function mintJoinTicket(
  secret: string,
  sessionId: string,
  agent: Pick<AgentIdentity, 'id'>,
  expiresAt: number,
): string {
  return JOIN_TICKET_PREFIX + sign(secret, 'ticket', { s: sessionId, h: agentDigest(agent.id), e: expiresAt });
}

export type TicketCheck = { ok: true; sessionId: string; agentDigest: string } | { ok: false; reason: string };

export function checkJoinTicket(secret: string, ticket: string, now: number): TicketCheck {
  if (!ticket.startsWith(JOIN_TICKET_PREFIX)) return { ok: false, reason: 'not a join ticket' };
  const claims = ticketClaims.safeParse(verify(secret, 'ticket', ticket.slice(JOIN_TICKET_PREFIX.length)));
  if (!claims.success) return { ok: false, reason: 'not signed by this server' };
  if (claims.data.e <= now) return { ok: false, reason: 'expired' };
  return { ok: true, sessionId: claims.data.s, agentDigest: claims.data.h };
}

/** Whether a ticket's agent is this signed-in agent. */
export function ticketBelongsTo(ticket: Extract<TicketCheck, { ok: true }>, agent: AgentIdentity): boolean {
  return ticket.agentDigest === agentDigest(agent.id);
}

const loginClaims = z.strictObject({
  verifier: z.string().min(43).max(128),
  state: z.string().min(16).max(128),
  returnTo: z.string().max(512),
  exp: z.number(),
});
export type LoginState = Omit<z.infer<typeof loginClaims>, 'exp'>;

/** The OpenID Connect round trip's PKCE verifier, state and return path, kept in a short-lived signed cookie. */
export function mintLoginState(secret: string, state: LoginState, expiresAt: number): string {
  return sign(secret, 'login', { ...state, exp: expiresAt });
}

export function checkLoginState(secret: string, value: string, now: number): LoginState | null {
  const claims = loginClaims.safeParse(verify(secret, 'login', value));
  if (!claims.success || claims.data.exp <= now) return null;
  return { verifier: claims.data.verifier, state: claims.data.state, returnTo: claims.data.returnTo };
}

export const AGENT_COOKIE = 'cobrowse_agent';
export const OIDC_COOKIE = 'cobrowse_oidc';

/** The value of one cookie from a Cookie header (first wins), or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The console cookie of a request, if it is ours and unexpired: the agent, and the id that signing out revokes. */
export function consoleCookie(
  secret: string,
  header: string | undefined,
  now: number,
): { agent: AgentIdentity; jti: string; expiresAt: number } | null {
  const value = readCookie(header, AGENT_COOKIE);
  if (!value) return null;
  const checked = checkCookieValue(secret, value, now);
  return checked.ok && checked.jti !== undefined
    ? { agent: checked.agent, jti: checked.jti, expiresAt: checked.expiresAt }
    : null;
}

/** The store key under which a signed-out cookie's id is kept until the cookie would have expired. */
export function signedOutKey(jti: string): string {
  return `signout:${jti}`;
}

/** A Set-Cookie header value; Secure whenever the console is served over https. */
export function cookieHeader(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean; path?: string },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
