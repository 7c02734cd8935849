/**
 * The demo behind `npm start`: a small shop that embeds `<cobrowse-session>`
 * exactly as integrators do, a support desk, and an in-memory chat between
 * them. "Offer co-browsing" creates the session through the real REST API with
 * the configured API key, so the key never reaches a browser.
 *
 * Demo only: these endpoints are unauthenticated. Operators turn them off with DEMO=false.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod';
import type { ServerConfig } from './config.js';
import { DEMO_BOT_INVITE_TEXT, DEMO_BOT_NAME, DemoSupportBot } from './demo-bot.js';
import type { SessionLifecycle } from './sessions.js';
import type { SessionSummary } from './audit-summary.js';

export interface DemoDeps {
  sessions: SessionLifecycle;
  config: ServerConfig;
}

/** Bounds that keep an always-on demo from growing without limit. */
export const DEMO_LIMITS = {
  /** Older messages are dropped once a conversation holds this many. */
  messagesPerConversation: 200,
  /** The least recently active conversation is forgotten beyond this many. */
  conversations: 100,
  textLength: 1_000,
  /** Messages returned by one poll. */
  pageSize: 100,
} as const;

/** The support agent the demo desk plays. */
export const DEMO_AGENT_NAME = 'Dana';
/** Dana's agent id: the demo's sessions are hers, so they are in her list in the console. */
export const DEMO_AGENT_ID = 'demo-dana';

export const DEMO_INVITE_TEXT = `${DEMO_AGENT_NAME} from support would like to see your page`;

const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, "-" or "_"');
const conversationParams = z.strictObject({ id: conversationIdSchema });
const pollQuery = z.strictObject({ after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) });
const postMessageBody = z.strictObject({
  from: z.enum(['customer', 'agent']),
  text: z.string().trim().min(1, 'a message cannot be empty').max(DEMO_LIMITS.textLength),
});
const offerBody = z.strictObject({}).optional();
const mintedIdentity = z.object({ identity: z.string() });
const createdSessionResponse = z.object({
  sessionId: z.string(),
  customer: z.object({ inviteCode: z.string() }),
  agent: z.object({ link: z.string(), token: z.string() }),
});

/** Who posts the end-of-session summary into the demo chat. */
export const DEMO_RECORD_SENDER = 'Co-browsing record';

const END_WORDS: Record<string, string> = {
  'customer-ended': 'ended by the customer',
  'agent-ended': 'ended by the agent',
  expired: 'ended: it reached its time limit',
  api: 'ended by the chat system',
  'left-site': 'ended: the customer left the site',
  'peer-lost': 'ended: the connection was lost',
  error: 'ended by an error',
};

/** The summary in one chat line: who ended it, how long it ran, the pages (origin and path), control. */
export function summaryText(summary: SessionSummary): string {
  if (summary.consent === 'declined') return 'The customer declined co-browsing. Nothing was shared.';
  const minutes = summary.durationMs === null ? null : Math.floor(summary.durationMs / 60_000);
  const seconds = summary.durationMs === null ? null : Math.round((summary.durationMs % 60_000) / 1000);
  const duration = minutes === null ? '' : minutes > 0 ? ` after ${minutes} min ${seconds} s` : ` after ${seconds} s`;
  const who =
    summary.endReason === 'agent-ended' && summary.endedByAgent
      ? `ended by ${summary.endedByAgent.name}`
      : (END_WORDS[summary.endReason ?? ''] ?? 'ended');
  const pages = summary.pagesVisited.map((page) => {
    try {
      return new URL(page.url).pathname;
    } catch {
      return page.url;
    }
  });
  return [
    `Co-browsing ${who}${duration}.`,
    pages.length === 0 ? 'No page was shared.' : `Pages visited: ${pages.join(', ')}.`,
    summary.controlGranted ? 'The customer gave the agent control.' : 'Control was not granted.',
  ].join(' ');
}

/** `sender` names a support-side sender other than the desk's agent (the demo's bot). */
export type ChatMessage =
  | { seq: number; at: number; from: 'customer' | 'agent'; kind: 'text'; text: string; sender?: string }
  | {
      seq: number;
      at: number;
      from: 'agent';
      kind: 'invite';
      text: string;
      inviteCode: string;
      sessionId: string;
      sender?: string;
    };

interface Conversation {
  nextSeq: number;
  lastActiveAt: number;
  messages: ChatMessage[];
}

type NewMessage = ChatMessage extends infer M ? (M extends ChatMessage ? Omit<M, 'seq' | 'at'> : never) : never;

/** In-memory conversations, bounded in number and length. */
class ConversationBook {
  readonly #conversations = new Map<string, Conversation>();

  /** Open (or create, with the agent's greeting) a conversation. */
  open(id: string): Conversation {
    let conversation = this.#conversations.get(id);
    if (conversation) {
      // Map order doubles as recency order for eviction.
      this.#conversations.delete(id);
    } else {
      conversation = { nextSeq: 1, lastActiveAt: Date.now(), messages: [] };
      this.#append(conversation, {
        from: 'agent',
        kind: 'text',
        text: `Hi, I'm ${DEMO_AGENT_NAME} from support. How can I help you today?`,
      });
    }
    this.#conversations.set(id, conversation);
    while (this.#conversations.size > DEMO_LIMITS.conversations) {
      const oldest = this.#conversations.keys().next().value;
      if (oldest === undefined) break;
      this.#conversations.delete(oldest);
    }
    return conversation;
  }

  post(id: string, message: NewMessage): ChatMessage {
    return this.#append(this.open(id), message);
  }

  #append(conversation: Conversation, message: NewMessage): ChatMessage {
    const stored = { ...message, seq: conversation.nextSeq, at: Date.now() } as ChatMessage;
    conversation.nextSeq += 1;
    conversation.lastActiveAt = stored.at;
    conversation.messages.push(stored);
    if (conversation.messages.length > DEMO_LIMITS.messagesPerConversation) {
      conversation.messages.splice(0, conversation.messages.length - DEMO_LIMITS.messagesPerConversation);
    }
    return stored;
  }
}

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

/** A reverse proxy passed this request on (it says so in X-Forwarded-For or Forwarded). */
function proxied(headers: IncomingHttpHeaders): boolean {
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function badRequest(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return reply.code(400).send({
    error: { code: 'BAD_MESSAGE', message: `Invalid request${where}: ${issue?.message ?? 'unknown problem'}.` },
  });
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

  /** Create a session through the real REST API, as a chat system would. */
  async function createSession(
    conversationId: string,
    agent: { agentName: string; agentId?: string; agentBot?: true },
  ) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ conversationId: `demo-${conversationId}`, ...agent, metadata: { source: 'demo' } }),
    });
    const created = response.statusCode === 201 ? createdSessionResponse.safeParse(response.json()) : null;
    if (!created?.success) {
      app.log.error({ status: response.statusCode }, 'demo could not create a co-browsing session');
      return null;
    }
    return created.data;
  }

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

  const bot = new DemoSupportBot({
    say: (conversationId, text) =>
      book.post(conversationId, { from: 'agent', kind: 'text', text, sender: DEMO_BOT_NAME }),
    async offer(conversationId) {
      const created = await createSession(conversationId, { agentName: DEMO_BOT_NAME, agentBot: true });
      if (!created) return null;
      book.post(conversationId, {
        from: 'agent',
        kind: 'invite',
        text: DEMO_BOT_INVITE_TEXT,
        inviteCode: created.customer.inviteCode,
        sessionId: created.sessionId,
        sender: DEMO_BOT_NAME,
      });
      return { agentToken: created.agent.token };
    },
    serverUrl: () => config.publicUrl,
    log: app.log,
  });
  app.addHook('onClose', async () => bot.close());

  app.get('/demo/api/conversations/:id/messages', async (request, reply) => {
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

  app.post('/demo/api/conversations/:id/messages', async (request, reply) => {
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const body = postMessageBody.safeParse(request.body);
    if (!body.success) return badRequest(reply, body.error);
    const message = book.post(params.data.id, { from: body.data.from, kind: 'text', text: body.data.text });
    if (body.data.from === 'customer') bot.onCustomerMessage(params.data.id, body.data.text);
    return reply.code(201).send({ message });
  });

  app.post('/demo/api/conversations/:id/offer', async (request, reply) => {
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const body = offerBody.safeParse(request.body ?? undefined);
    if (!body.success) return badRequest(reply, body.error);
    const created = await createSession(params.data.id, { agentName: DEMO_AGENT_NAME, agentId: DEMO_AGENT_ID });
    if (!created)
      return reply.code(502).send({ error: { code: 'INTERNAL', message: 'Could not create a co-browsing session.' } });
    const { sessionId, customer, agent } = created;
    const message = book.post(params.data.id, {
      from: 'agent',
      kind: 'invite',
      text: DEMO_INVITE_TEXT,
      inviteCode: customer.inviteCode,
      sessionId,
    });
    request.log.info({ sessionId }, 'demo offered co-browsing');
    // The agent link goes only to the desk that asked, never into the shared conversation.
    return reply.code(201).send({ sessionId, agentLink: agent.link, message });
  });

  /** The desk shows how the sessions of its conversation are doing. */
  app.get('/demo/api/conversations/:id/sessions', async (request, reply) => {
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const list = (await sessions.listByConversation(`demo-${params.data.id}`)).map((summary) => ({
      sessionId: summary.sessionId,
      status: summary.status,
      consent: summary.consent,
      controlGranted: summary.controlGranted,
      pagesVisited: summary.pagesVisited.map((page) => page.url),
    }));
    return { sessions: list };
  });

  /**
   * The demo has no identity provider: like a chat system that signs its agents
   * in itself, the desk vouches for Dana through the real REST API (API key),
   * and the console exchanges that identity for its cookie.
   */
  app.get('/demo/agent-console', async (request, reply) => {
    // On only because HOST is loopback: behind a reverse proxy on 127.0.0.1 this
    // would hand anyone on the internet a signed-in agent cookie. DEMO=true opts in.
    if (!config.demoExplicit && proxied(request.headers)) {
      request.log.warn('demo sign-in refused: the request came through a proxy and DEMO=true is not set');
      return reply.code(403).send({
        error: {
          code: 'FORBIDDEN',
          message:
            'The demo signs its agent in only for requests made on this machine. Set DEMO=true to offer it through a proxy.',
        },
      });
    }
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
