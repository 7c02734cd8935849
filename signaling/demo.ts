/**
 * The demo behind `npm start`: a small shop that embeds `<cobrowse-session>`
 * exactly as integrators do, a support desk, and an in-memory chat between
 * them. "Offer co-browsing" creates the session through the real REST API with
 * the configured API key, so the key never reaches a browser.
 *
 * Demo only: these endpoints are unauthenticated. Operators turn them off with DEMO=false.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { ServerConfig } from './config.js';
import { DEMO_BOT_NAME, DemoSupportBot } from './demo-bot.js';
import {
  ConversationBook,
  DEMO_AGENT_ID,
  DEMO_AGENT_NAME,
  DEMO_LIMITS,
  DEMO_RECORD_SENDER,
  summaryText,
} from './demo-chat.js';
import { DemoChatSystem, registerDeskRoutes } from './demo-desk.js';
import { badRequest, conversationParams, localOnly } from './demo-requests.js';
import type { SessionLifecycle } from './sessions.js';

export { DEMO_AGENT_ID, DEMO_AGENT_NAME, DEMO_INVITE_TEXT, DEMO_LIMITS, DEMO_RECORD_SENDER } from './demo-chat.js';

export interface DemoDeps {
  sessions: SessionLifecycle;
  config: ServerConfig;
}

const pollQuery = z.strictObject({ after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) });
const postMessageBody = z.strictObject({
  from: z.enum(['customer', 'agent']),
  text: z.string().trim().min(1, 'a message cannot be empty').max(DEMO_LIMITS.textLength),
});
const mintedIdentity = z.object({ identity: z.string() });

const projectRoot = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  ...(import.meta.url.includes('/dist/node/') ? ['..', '..'] : []),
);
const demoRoot = join(projectRoot, 'demo');

/** Demo pages and the HTML file behind each; the server URL is filled in per request. */
const PAGES: Record<string, string> = {
  '/demo/': 'index.html',
  '/demo/cart': 'cart.html',
  '/demo/checkout': 'checkout.html',
  '/demo/credit': 'credit.html',
  '/demo/account': 'account.html',
  '/demo/desk/': 'desk/index.html',
};

/** Same rules as the README asks integrators for: only our own scripts, sockets to the co-browsing server. */
function demoCsp(serverUrl: string): string {
  const origin = new URL(serverUrl).origin;
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    `script-src 'self' ${origin}`,
    `connect-src 'self' ${origin} ${ws}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `frame-src 'self' ${origin}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Register the demo shop, the demo desk and their chat API under /demo/. */
export async function registerDemo(app: FastifyInstance, deps: DemoDeps): Promise<void> {
  const { config, sessions } = deps;
  // Without its pages the demo is only an open door to session creation: serve none of it.
  if (!existsSync(demoRoot)) {
    app.log.warn({ demoRoot }, 'demo files not found; the demo is not served');
    return;
  }
  const book = new ConversationBook();

  // The end-of-session summary goes into the conversation, as a chat system would log it there.
  const stopSummaries = sessions.onEnded((ended) => {
    const conversationId = ended.conversationId?.startsWith('demo-') ? ended.conversationId.slice(5) : null;
    if (!conversationId) return;
    sessions
      .summary(ended.id)
      .then((summary) => {
        if (summary)
          book.post(conversationId, {
            from: 'agent',
            kind: 'text',
            text: summaryText(summary),
            sender: DEMO_RECORD_SENDER,
          });
      })
      .catch((err: unknown) => app.log.warn({ err, sessionId: ended.id }, 'demo could not post the session summary'));
  });
  app.addHook('onClose', async () => stopSummaries());

  const desk = new DemoChatSystem(app, config, sessions, book);
  const bot = new DemoSupportBot({
    say: (conversationId, text) =>
      book.post(conversationId, { from: 'agent', kind: 'text', text, sender: DEMO_BOT_NAME }),
    async offer(conversationId) {
      const created = await desk.offer(conversationId, true);
      return created ? { sessionId: created.sessionId, agentToken: created.agent.token } : null;
    },
    handOver: (conversationId, sessionId) => desk.handOverForBot(conversationId, sessionId),
    serverUrl: () => config.publicUrl,
    log: app.log,
  });
  app.addHook('onClose', async () => bot.close());
  // Every endpoint of the demo answers only requests made on this machine unless DEMO=true (demo-requests.ts).
  const preHandler = localOnly(config);

  app.get('/demo/api/conversations/:id/messages', { preHandler }, async (request, reply) => {
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const query = pollQuery.safeParse(request.query ?? {});
    if (!query.success) return badRequest(reply, query.error);
    const conversation = book.open(params.data.id);
    const messages = conversation.messages
      .filter((message) => message.seq > query.data.after)
      .slice(0, DEMO_LIMITS.pageSize);
    return { conversationId: params.data.id, messages, latest: conversation.nextSeq - 1 };
  });

  app.post('/demo/api/conversations/:id/messages', { preHandler }, async (request, reply) => {
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const body = postMessageBody.safeParse(request.body);
    if (!body.success) return badRequest(reply, body.error);
    const message = book.post(params.data.id, { from: body.data.from, kind: 'text', text: body.data.text });
    if (body.data.from === 'customer') bot.onCustomerMessage(params.data.id, body.data.text);
    return reply.code(201).send({ message });
  });

  registerDeskRoutes(app, desk, sessions, preHandler);

  /**
   * The demo has no identity provider: like a chat system that signs its agents
   * in itself, the desk vouches for Dana through the real REST API (API key),
   * and the console exchanges that identity for its cookie. Behind a reverse
   * proxy this would hand anyone a signed-in agent cookie: localOnly refuses.
   */
  app.get('/demo/agent-console', { preHandler }, async (request, reply) => {
    const minted = await app.inject({
      method: 'POST',
      url: '/api/agent-identities',
      headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ agentId: DEMO_AGENT_ID, name: DEMO_AGENT_NAME }),
    });
    const identity = minted.statusCode === 201 ? mintedIdentity.safeParse(minted.json()) : null;
    if (!identity?.success) {
      request.log.error({ status: minted.statusCode }, 'demo could not sign Dana in');
      return reply.code(502).send({ error: { code: 'INTERNAL', message: 'Could not sign the demo agent in.' } });
    }
    return reply.header('cache-control', 'no-store').redirect(`/agent/#identity=${identity.data.identity}`);
  });

  app.get('/demo', async (_request, reply) => reply.redirect('/demo/'));
  app.get('/demo/desk', async (_request, reply) => reply.redirect('/demo/desk/'));
  for (const [route, file] of Object.entries(PAGES)) {
    const template = join(demoRoot, file);
    app.get(route, async (_request, reply) => {
      // Read per request so edits to demo/ show without a restart; the file is small.
      const html = readFileSync(template, 'utf8').replaceAll('%COBROWSE_SERVER%', escapeAttribute(config.publicUrl));
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', demoCsp(config.publicUrl))
        .header('cache-control', 'no-store')
        .send(html);
    });
  }

  await app.register(fastifyStatic, {
    root: demoRoot,
    prefix: '/demo/',
    decorateReply: false,
    index: false,
    // HTML goes through the routes above so it carries the server URL and the CSP.
    allowedPath: (pathName) => !pathName.endsWith('.html'),
    setHeaders(reply) {
      reply.header('cache-control', 'no-cache');
    },
  });
}
