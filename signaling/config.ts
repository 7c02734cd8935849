/**
 * Server configuration: one zod schema over the environment, with defaults
 * that let `npm start` run with nothing else configured.
 */
import { DEFAULT_AUDIT_LIMITS, type AuditLimits } from './store.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';

const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
const positiveInt = z.coerce.number().int().positive();

/** Environment variables the server reads, with their defaults. Documented in README.md. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  API_KEY: z.string().min(16, 'API_KEY must be at least 16 characters').optional(),
  TURN_SECRET: z.string().min(16, 'TURN_SECRET must be at least 16 characters').optional(),
  TURN_URLS: list.default([]),
  STUN_URLS: list.default([]),
  TURN_TTL: positiveInt.default(1800),
  ALLOWED_ORIGINS: list.default([]),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: z.string().min(16, 'WEBHOOK_SECRET must be at least 16 characters').optional(),
  SESSION_TTL: positiveInt.default(2 * 60 * 60),
  MAX_PAYLOAD: positiveInt.default(128 * 1024),
  RATE_LIMIT: positiveInt.default(50),
  RATE_BURST: positiveInt.default(200),
  MAX_CONNECTIONS_PER_IP: positiveInt.default(100),
  AUTH_TIMEOUT: positiveInt.default(10),
  IDLE_TIMEOUT: positiveInt.default(10 * 60),
  HEARTBEAT_INTERVAL: positiveInt.default(30),
  CUSTOMER_GRACE: positiveInt.default(120),
  // Per-session audit cap (store.ts AuditLimits): events and bytes of event data.
  AUDIT_MAX_EVENTS: positiveInt
    .pipe(z.number().min(16, 'AUDIT_MAX_EVENTS must be at least 16'))
    .default(DEFAULT_AUDIT_LIMITS.maxEvents),
  AUDIT_MAX_BYTES: positiveInt
    .pipe(z.number().min(16_384, 'AUDIT_MAX_BYTES must be at least 16384'))
    .default(DEFAULT_AUDIT_LIMITS.maxBytes),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const trust = parseTrustProxy(value);
      if (trust === null) {
        ctx.addIssue({
          code: 'custom',
          message:
            'use false, a hop count (1 = one proxy in front) or proxy addresses/CIDRs separated by commas; "true" would let any client choose its address with X-Forwarded-For',
        });
        return z.NEVER;
      }
      return trust;
    }),
  /** Whether a customer's assets="fallback"/"direct" may make the agent's browser fetch from the customer's site. */
  AGENT_ASSET_FETCHES: z.enum(['allow', 'deny'], { message: 'use allow or deny' }).default('deny'),
  /** Unset: the demo runs only when the server is bound to loopback. */
  DEMO: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  /** frame-ancestors of the agent console: the help desks allowed to frame it ('self' always). */
  AGENT_FRAME_ANCESTORS: list.default([]),
  /** Key of the audit chain's HMAC, 32+ characters; unset: generated once into DATA_DIR/audit-key. */
  AUDIT_KEY: z.string().min(32, 'AUDIT_KEY must be at least 32 characters').optional(),
  /** PostgreSQL for sessions and the audit (scale-out); unset: SQLite under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  /** Seconds a killed instance's sockets keep their roles held (scale-out); live instances refresh at a third of it. */
  PRESENCE_TTL: positiveInt.default(5),
  /** Redis for routing between instances, presence, support codes and shared limits; unset: one instance. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')
    .optional(),
  /** OpenID Connect sign-in for agents: the provider's issuer URL (discovery at /.well-known/openid-configuration). */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Where the provider sends the agent back; unset: PUBLIC_URL + /auth/callback. */
  OIDC_REDIRECT_URI: z.string().url().optional(),
  OIDC_SCOPES: z.string().min(1).default('openid profile'),
  /** Signs agents' console cookies, API-minted identities and join tickets, 32+ characters; unset: generated once into DATA_DIR/agent-auth-key. */
  AGENT_AUTH_SECRET: z.string().min(32, 'AGENT_AUTH_SECRET must be at least 32 characters').optional(),
  /** Seconds an agent stays signed in to the console. */
  AGENT_SESSION_TTL: positiveInt.default(8 * 60 * 60),
  /** Longest lifetime, in seconds, of an identity minted through the REST API (it is exchanged at once). */
  AGENT_IDENTITY_TTL: positiveInt.default(300),
});

/** Fastify's trustProxy: false, a hop count or proxy addresses. Never `true`. Null if the value is none of these. */
export type TrustProxy = false | number | string[];

const ADDRESS_OR_CIDR = /^(?:[0-9.]+|[0-9a-fA-F:.]+)(?:\/\d{1,3})?$|^(?:loopback|linklocal|uniquelocal)$/;

function parseTrustProxy(value: string): TrustProxy | null {
  const text = value.trim();
  if (text === 'false' || text === '' || text === '0') return false;
  if (/^\d+$/.test(text)) return Math.min(Number(text), 32);
  const addresses = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (addresses.length === 0 || !addresses.every((item) => ADDRESS_OR_CIDR.test(item))) return null;
  return addresses;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** The resolved configuration `build()` takes. Durations are in milliseconds. */
export interface ServerConfig {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  apiKey: string;
  turn: { secret: string | null; urls: string[]; ttlSeconds: number };
  stunUrls: string[];
  /** Origins allowed to open the signaling socket; empty allows any. */
  allowedOrigins: string[];
  webhook: { url: string; secret: string } | null;
  limits: {
    sessionTtlMs: number;
    maxPayloadBytes: number;
    ratePerSecond: number;
    rateBurst: number;
    maxConnectionsPerIp: number;
    authTimeoutMs: number;
    idleTimeoutMs: number;
    heartbeatIntervalMs: number;
    /** A consented session ends when the customer stays away this long (left the site, closed the tab). */
    customerGraceMs: number;
    /** Malformed messages tolerated on one socket before it is closed. */
    maxBadMessages: number;
  };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: TrustProxy;
  /** Serve the demo shop, desk and chat under /demo/ (unauthenticated: loopback only unless DEMO=true). */
  demo: boolean;
  /**
   * DEMO=true was set: the operator exposes the demo on purpose. Otherwise the
   * demo (on because HOST is loopback) refuses to sign Dana in for a request
   * that came through a reverse proxy.
   */
  demoExplicit: boolean;
  /** Origins allowed to frame the agent console, besides its own. */
  agentFrameAncestors: string[];
  /** AGENT_ASSET_FETCHES=allow: the console honours a customer's assets="fallback"/"direct" (agent-console-page.ts). */
  agentAssetFetches: boolean;
  /** The audit chain's HMAC key (kept outside the database). */
  auditKey: string;
  /** How much one session's audit may hold (AUDIT_MAX_EVENTS, AUDIT_MAX_BYTES). */
  auditLimits: AuditLimits;
  /** PostgreSQL connection string, or null for the embedded SQLite store. */
  databaseUrl: string | null;
  /** Redis connection string, or null for the in-process hub (one instance). */
  redisUrl: string | null;
  presenceTtlMs: number;
  /** OpenID Connect sign-in for agents, or null (agents then sign in only with API-minted identities). */
  oidc: { issuer: string; clientId: string; clientSecret: string; redirectUri: string; scopes: string } | null;
  agentAuth: { secret: string; sessionTtlMs: number; identityMaxTtlMs: number };
}

/** A readable error listing every invalid variable at once. */
export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The API key is needed by the chat system; when none is configured we make
 * one and keep it in the data dir so it survives restarts.
 */
function loadOrCreateSecret(dataDir: string, fileName: string, bytes = 24): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, fileName);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = randomBytes(bytes).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Read and validate the environment into a ServerConfig. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) throw new ConfigError(['WEBHOOK_SECRET: required when WEBHOOK_URL is set']);
  if (e.TURN_URLS.length > 0 && !e.TURN_SECRET) throw new ConfigError(['TURN_SECRET: required when TURN_URLS is set']);
  const oidcMissing = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).filter((name) => !e[name]);
  if (e.OIDC_ISSUER && oidcMissing.length > 0)
    throw new ConfigError(oidcMissing.map((name) => `${name}: required when OIDC_ISSUER is set`));
  const dataDir = resolve(e.DATA_DIR);
  const publicHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://${publicHost}:${e.PORT}`).replace(/\/+$/, ''),
    dataDir,
    apiKey: e.API_KEY ?? loadOrCreateSecret(dataDir, 'api-key'),
    turn: { secret: e.TURN_SECRET ?? null, urls: e.TURN_URLS, ttlSeconds: e.TURN_TTL },
    stunUrls: e.STUN_URLS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    webhook: e.WEBHOOK_URL && e.WEBHOOK_SECRET ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : null,
    limits: {
      sessionTtlMs: e.SESSION_TTL * 1000,
      maxPayloadBytes: e.MAX_PAYLOAD,
      ratePerSecond: e.RATE_LIMIT,
      rateBurst: e.RATE_BURST,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      authTimeoutMs: e.AUTH_TIMEOUT * 1000,
      idleTimeoutMs: e.IDLE_TIMEOUT * 1000,
      heartbeatIntervalMs: e.HEARTBEAT_INTERVAL * 1000,
      customerGraceMs: e.CUSTOMER_GRACE * 1000,
      maxBadMessages: 20,
    },
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    demo: e.DEMO ?? LOOPBACK_HOSTS.has(e.HOST),
    demoExplicit: e.DEMO === true,
    agentFrameAncestors: e.AGENT_FRAME_ANCESTORS,
    agentAssetFetches: e.AGENT_ASSET_FETCHES === 'allow',
    auditKey: e.AUDIT_KEY ?? loadOrCreateSecret(dataDir, 'audit-key', 48),
    auditLimits: { maxEvents: e.AUDIT_MAX_EVENTS, maxBytes: e.AUDIT_MAX_BYTES },
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    presenceTtlMs: e.PRESENCE_TTL * 1000,
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            redirectUri: e.OIDC_REDIRECT_URI ?? '',
            scopes: e.OIDC_SCOPES,
          }
        : null,
    agentAuth: {
      secret: e.AGENT_AUTH_SECRET ?? loadOrCreateSecret(dataDir, 'agent-auth-key', 48),
      sessionTtlMs: e.AGENT_SESSION_TTL * 1000,
      identityMaxTtlMs: e.AGENT_IDENTITY_TTL * 1000,
    },
  };
}
