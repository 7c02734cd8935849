/**
 * `build(options)` assembles the signaling server: REST API, WebSocket
 * signaling, audit store, metrics and the browser bundles. It does not listen;
 * `server.ts` does, and tests listen on port 0.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { ServerConfig, TrustProxy } from './config.js';
import { SignalingHub } from './hub.js';
import { registerDemo } from './demo.js';
import { registerConsolePage } from './agent-console-page.js';
import { createMetrics } from './metrics.js';
import { createLimiter, registerRequestLimits } from './request-limits.js';
import { registerRoutes } from './routes.js';
import { registerAgentIdentity } from './agent-routes.js';
import { HeadWitness, witnessClient } from './audit-witness.js';
import { openSharedState } from './scale-out.js';
import { registerSecurityHeaders } from './security-headers.js';
import { SessionLifecycle } from './sessions.js';
import { connecting } from './connection-errors.js';
import { openPgStore } from './pg-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { createWebhookSender } from './webhook.js';

export interface BuildOptions {
  config: ServerConfig;
  /** Defaults to PostgreSQL when config.databaseUrl is set, else the embedded SQLite store under config.dataDir. */
  store?: Store;
  /** Where the built browser bundles are (dist/browser); static serving is skipped if missing. */
  staticDir?: string;
  /** Pino logger options or false; defaults to the configured level. */
  logger?: boolean | { level: string };
  /** Where log lines go (tests capture them to prove no secret is logged). */
  logStream?: NodeJS.WritableStream;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The signaling server's parts, for the server process and tests (decorated by the cobrowse plugin). */
    cobrowse: { hub: SignalingHub; sessions: SessionLifecycle; store: Store };
  }
}

/** The app `build()` returns: a Fastify instance with the cobrowse plugin registered. */
export type CobrowseServer = FastifyInstance;

/** What the cobrowse plugin needs besides the Fastify instance it is registered on. */
export type CobrowsePluginOptions = Pick<BuildOptions, 'config' | 'store' | 'staticDir' | 'now'>;

/**
 * The agent console runs only its own scripts. The mirrored page inherits this
 * policy (about:blank iframe) on top of its sandbox, so it may load the
 * customer's styles, images and fonts but never a script. Desks that frame the
 * console are listed in AGENT_FRAME_ANCESTORS.
 */
export function agentConsoleCsp(frameAncestors: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    ["frame-ancestors 'self'", ...frameAncestors].join(' '),
    "connect-src 'self' ws: wss:",
    "style-src * 'unsafe-inline' data: blob:",
    'img-src * data: blob:',
    // blob: carries the customer's fonts sent over the data channel (agent/mirror/assets.ts).
    'font-src * data: blob:',
    'media-src * data: blob:',
    "frame-src 'self' blob: data:",
  ].join('; ');
}

export const AGENT_CONSOLE_CSP = agentConsoleCsp();

/** A request as logged: the sign-in callback's query (the provider's one-time code and state) is left out. */
function requestForLog(request: { method: string; url: string; ip?: string }): Record<string, string | undefined> {
  const url = request.url.startsWith('/auth/callback') ? '/auth/callback' : request.url;
  return { method: request.method, url, remoteAddress: request.ip };
}

/** Fastify's trustProxy from ours: a hop count becomes the function Fastify itself would build. */
function fastifyTrustProxy(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}

const projectRoot = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  ...(import.meta.url.includes('/dist/node/') ? ['..', '..'] : []),
);

/** PostgreSQL for scale-out, else SQLite under the data dir. */
async function openStore(config: ServerConfig, headWitness: HeadWitness): Promise<Store> {
  const databaseUrl = config.databaseUrl;
  const audit = { auditKey: config.auditKey, auditLimits: config.auditLimits, headWitness };
  if (databaseUrl) {
    return connecting('PostgreSQL', 'DATABASE_URL', databaseUrl, () =>
      openPgStore({ connectionString: databaseUrl, ...audit }),
    );
  }
  return openSqliteStore({ dataDir: config.dataDir, ...audit });
}

/** Build the Fastify app with the cobrowse plugin registered. */
export async function build(options: BuildOptions): Promise<CobrowseServer> {
  const { config } = options;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: typeof options.logger === 'object' ? options.logger.level : config.logLevel,
            // Tokens and keys never reach the logs.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: { req: requestForLog },
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 64 * 1024,
  });
  await app.register(cobrowsePlugin, {
    config,
    ...(options.store ? { store: options.store } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return app;
}

/**
 * The whole signaling server as one Fastify plugin: REST API, WebSocket
 * signaling, audit store, metrics, sign-in, the demo and the browser bundles.
 * Wrapped with fastify-plugin so its decorations (`cobrowse`, `request.agent`)
 * and hooks reach the instance it is registered on.
 */
export const cobrowsePlugin = fastifyPlugin(registerCobrowse, { name: 'cobrowse', fastify: '5.x' });

async function registerCobrowse(app: FastifyInstance, options: CobrowsePluginOptions): Promise<void> {
  const { config } = options;
  const headWitness = new HeadWitness(options.now, config.limits.sessionTtlMs);
  const store = options.store ?? (await openStore(config, headWitness));
  const metrics = createMetrics();
  const webhook = config.webhook
    ? createWebhookSender({ url: config.webhook.url, secret: config.webhook.secret, log: app.log })
    : null;
  const sessions = new SessionLifecycle(store, config, metrics, app.log, webhook, options.now);
  const shared = await openSharedState(config, app.log).catch(async (error: unknown) => {
    if (!options.store) await store.close();
    throw error;
  });
  // Every instance remembers the chain heads written, so an earlier head put back on one is caught by all.
  const witnessRedis = shared.redis ? witnessClient(shared.redis) : null;
  // Connected before the first read: with no offline queue, a read while connecting would find no count.
  await witnessRedis?.connect().catch((err: unknown) => app.log.warn({ err }, 'audit head witness: Redis failed'));
  if (witnessRedis) {
    headWitness.share(witnessRedis, (err, sessionId, unknown) =>
      app.log.warn(
        { err, sessionId },
        unknown
          ? 'audit head witness: Redis failed and no count is known here: this session is held to none; verify it again'
          : 'audit head witness: Redis failed',
      ),
    );
  }
  const hub = new SignalingHub({
    config,
    bus: shared.bus,
    sessions,
    metrics,
    log: app.log,
    ...(options.now ? { now: options.now } : {}),
  });
  const sweepExpired = () => {
    sessions.sweepExpired().catch((err: unknown) => app.log.error({ err }, 'expiry sweep failed'));
  };
  const sweep = setInterval(sweepExpired, 60_000);
  sweep.unref();
  sweepExpired();

  app.decorate('cobrowse', { hub, sessions, store });
  await registerSecurityHeaders(app);
  registerAgentIdentity(app, config.agentAuth.secret, (id, at) => store.isSpent(id, at), options.now);
  await registerRequestLimits(app, shared.redis);
  const socketOpens = createLimiter(app, {
    name: 'socket-open',
    perAddress: config.limits.maxConnectionsPerIp * 3,
    global: config.limits.maxConnectionsPerIp * 300,
    windowMs: 60_000,
  });

  await app.register(fastifyWebsocket, {
    // Hard cap well above MAX_PAYLOAD so an oversize message gets our own close code and message.
    options: { maxPayload: config.limits.maxPayloadBytes * 4 },
    // Our own close code (4503) tells clients to reconnect, instead of the plugin's bare close.
    preClose(this: FastifyInstance, done: () => void) {
      hub.shutdown();
      const wss = this.websocketServer;
      // Give close frames a moment to flush, then drop whatever is left.
      const deadline = Date.now() + 1_000;
      const finish = () => {
        if (wss.clients.size > 0 && Date.now() < deadline) {
          setTimeout(finish, 20);
          return;
        }
        for (const client of wss.clients) client.terminate();
        wss.close(() => done());
      };
      finish();
    },
  });
  app.get(
    '/ws',
    {
      websocket: true,
      // Refused before the upgrade: opening sockets in a loop costs an address its budget.
      preValidation: async (request, reply) => {
        if (!(await socketOpens(request))) {
          await reply
            .code(429)
            .send({ error: { code: 'RATE_LIMITED', message: 'Too many sockets opened; wait a minute.' } });
        }
      },
    },
    (socket, request) => {
      hub.accept(socket, request.ip, request.headers.origin, request.agent);
    },
  );

  await registerRoutes(app, { config, sessions, store, metrics, codeBook: shared.codeBook, startedAt: Date.now() });
  if (config.demo) await registerDemo(app, { sessions, config });

  const staticDir = options.staticDir ?? join(projectRoot, 'dist', 'browser');
  if (existsSync(staticDir)) {
    if (existsSync(join(staticDir, 'agent', 'index.html')))
      registerConsolePage(app, staticDir, {
        allowAgentFetches: config.agentAssetFetches,
        headers: {
          'content-security-policy': agentConsoleCsp(config.agentFrameAncestors),
          'referrer-policy': 'no-referrer',
        },
      });
    await app.register(fastifyStatic, {
      root: staticDir,
      prefix: '/',
      index: ['index.html'],
      redirect: true,
      setHeaders(reply, path) {
        if (/[\\/](cobrowse[^\\/]*|i18n[\\/][a-z]+)\.js(\.map)?$/.test(path)) {
          // The customer scripts (and the loader's language catalogs) are loaded as modules by other origins (the integrator's site).
          reply.header('access-control-allow-origin', '*');
          reply.header('cross-origin-resource-policy', 'cross-origin');
        }
        if (/[\\/]agent[\\/]/.test(path)) {
          reply.header('content-security-policy', agentConsoleCsp(config.agentFrameAncestors));
          reply.header('referrer-policy', 'no-referrer');
        }
      },
    });
  } else {
    app.log.warn({ staticDir }, 'browser bundles not built; run `npm run build`');
  }

  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await webhook?.close();
    await shared.close();
    // QUIT is answered after the witness's raises already sent: a graceful stop loses no count.
    await witnessRedis?.quit().catch(() => witnessRedis.disconnect());
    if (!options.store) await store.close();
  });
}
