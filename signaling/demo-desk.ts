/**
 * The demo desk's server side, playing the chat system: it creates sessions
 * through the real REST API with the API key (which never reaches a
 * browser), hands a bot's session to the desk's person through the real
 * hand-over endpoint, and withdraws the desk's offers. Agent links go only to
 * the desk that asks, never into the shared conversation; a link from a
 * hand-over the bot started waits here, once, until the desk collects it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { DEMO_BOT_INVITE_TEXT, DEMO_BOT_NAME } from './demo-bot.js';
import { DEMO_AGENT_ID, DEMO_AGENT_NAME, DEMO_INVITE_TEXT, type ConversationBook } from './demo-chat.js';
import { badRequest, conversationParams, conversationSessionParams } from './demo-requests.js';
import type { ServerConfig } from './config.js';
import type { SessionLifecycle } from './sessions.js';

const createdSessionResponse = z.object({
  sessionId: z.string(),
  customer: z.object({ inviteCode: z.string() }),
  agent: z.object({ link: z.string(), token: z.string() }),
});
const handOverResponse = z.object({ agent: z.object({ link: z.string() }) });
const emptyBody = z.strictObject({}).optional();

type TakeOver = { ok: true; agentLink: string } | { ok: false; status: 404 | 409 | 502; message: string };

/** A hand-over link waits this long for the desk to collect it. */
const PICKUP_TTL_MS = 10 * 60_000;

export class DemoChatSystem {
  readonly #app: FastifyInstance;
  readonly #config: ServerConfig;
  readonly #sessions: SessionLifecycle;
  readonly #book: ConversationBook;
  /** Session id -> the desk's link after a hand-over the bot started, until the desk takes it. */
  readonly #pickups = new Map<string, { conversationId: string; agentLink: string; until: number }>();

  constructor(app: FastifyInstance, config: ServerConfig, sessions: SessionLifecycle, book: ConversationBook) {
    this.#app = app;
    this.#config = config;
    this.#sessions = sessions;
    this.#book = book;
  }

  /** Create a session through the real REST API and post its invite into the conversation. */
  async offer(conversationId: string, bot: boolean) {
    const agent = bot
      ? { agentName: DEMO_BOT_NAME, agentBot: true }
      : { agentName: DEMO_AGENT_NAME, agentId: DEMO_AGENT_ID };
    const response = await this.#app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { authorization: `Bearer ${this.#config.apiKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ conversationId: `demo-${conversationId}`, ...agent, metadata: { source: 'demo' } }),
    });
    const created = response.statusCode === 201 ? createdSessionResponse.safeParse(response.json()) : null;
    if (!created?.success) {
      this.#app.log.error({ status: response.statusCode }, 'demo could not create a co-browsing session');
      return null;
    }
    const { sessionId, customer } = created.data;
    const message = this.#book.post(conversationId, {
      from: 'agent',
      kind: 'invite',
      text: bot ? DEMO_BOT_INVITE_TEXT : DEMO_INVITE_TEXT,
      inviteCode: customer.inviteCode,
      sessionId,
      ...(bot ? { sender: DEMO_BOT_NAME } : {}),
    });
    return { ...created.data, message };
  }

  /**
   * The bot asks for the desk's person: the same session goes on with Dana
   * (POST /api/sessions/:id/handover), and her link waits for the desk.
   */
  async handOverForBot(conversationId: string, sessionId: string): Promise<{ ok: true; to: string } | { ok: false }> {
    const outcome = await this.#handOver(conversationId, sessionId);
    if (!outcome.ok) return { ok: false };
    this.#sweepPickups();
    this.#pickups.set(sessionId, { conversationId, agentLink: outcome.agentLink, until: Date.now() + PICKUP_TTL_MS });
    return { ok: true, to: DEMO_AGENT_NAME };
  }

  /** The desk takes over a bot's session: the link a hand-over left for it, or a hand-over now. */
  async takeOver(conversationId: string, sessionId: string): Promise<TakeOver> {
    const waiting = this.#pickups.get(sessionId);
    if (waiting && waiting.conversationId === conversationId && waiting.until > Date.now()) {
      this.#pickups.delete(sessionId);
      return { ok: true, agentLink: waiting.agentLink };
    }
    return this.#handOver(conversationId, sessionId);
  }

  /** Whether a hand-over link waits for the desk (the desk collects it with takeOver). */
  waitsForDesk(sessionId: string): boolean {
    const waiting = this.#pickups.get(sessionId);
    return waiting !== undefined && waiting.until > Date.now();
  }

  /** End the desk's own offers in this conversation that the customer has not answered. */
  async withdraw(conversationId: string, only?: string): Promise<number> {
    let withdrawn = 0;
    for (const session of await this.#sessions.listByConversation(`demo-${conversationId}`)) {
      if (only !== undefined && session.sessionId !== only) continue;
      if (session.status !== 'pending' || session.agentBot) continue;
      const ended = await this.#sessions.end(session.sessionId, 'api', 'api');
      if (ended) withdrawn += 1;
    }
    return withdrawn;
  }

  async #handOver(conversationId: string, sessionId: string): Promise<TakeOver> {
    const session = await this.#sessions.get(sessionId);
    if (!session || session.conversationId !== `demo-${conversationId}`)
      return { ok: false, status: 404, message: 'No such session in this conversation.' };
    const response = await this.#app.inject({
      method: 'POST',
      url: `/api/sessions/${encodeURIComponent(sessionId)}/handover`,
      headers: { authorization: `Bearer ${this.#config.apiKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ agentName: DEMO_AGENT_NAME, agentId: DEMO_AGENT_ID }),
    });
    const body = response.statusCode === 200 ? handOverResponse.safeParse(response.json()) : null;
    if (body?.success) {
      this.#app.log.info({ sessionId }, 'demo handed a bot session to the desk');
      // Dana has the customer's page now: an offer of hers still waiting would only ask again.
      await this.withdraw(conversationId);
      return { ok: true, agentLink: body.data.agent.link };
    }
    if (response.statusCode === 409 || response.statusCode === 410) {
      const refusal = z.object({ error: z.object({ message: z.string() }) }).safeParse(response.json());
      return {
        ok: false,
        status: 409,
        message: refusal.success ? refusal.data.error.message : 'The session cannot be handed over.',
      };
    }
    this.#app.log.error({ status: response.statusCode, sessionId }, 'demo could not hand over');
    return { ok: false, status: 502, message: 'Could not hand the session over.' };
  }

  #sweepPickups(): void {
    const now = Date.now();
    for (const [sessionId, waiting] of this.#pickups) if (waiting.until <= now) this.#pickups.delete(sessionId);
  }
}

/** The desk's endpoints: offer, the conversation's sessions, take over from the bot, withdraw an offer. */
export function registerDeskRoutes(
  app: FastifyInstance,
  desk: DemoChatSystem,
  sessions: SessionLifecycle,
  preHandler: (request: FastifyRequest, reply: FastifyReply) => Promise<void>,
): void {
  app.post('/demo/api/conversations/:id/offer', { preHandler }, async (request, reply) => {
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const body = emptyBody.safeParse(request.body ?? undefined);
    if (!body.success) return badRequest(reply, body.error);
    const created = await desk.offer(params.data.id, false);
    if (!created)
      return reply.code(502).send({ error: { code: 'INTERNAL', message: 'Could not create a co-browsing session.' } });
    request.log.info({ sessionId: created.sessionId }, 'demo offered co-browsing');
    // The agent link goes only to the desk that asked, never into the shared conversation.
    return reply
      .code(201)
      .send({ sessionId: created.sessionId, agentLink: created.agent.link, message: created.message });
  });

  /** The desk shows how the sessions of its conversation are doing, the bot's included. */
  app.get('/demo/api/conversations/:id/sessions', { preHandler }, async (request, reply) => {
    const params = conversationParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const list = (await sessions.listByConversation(`demo-${params.data.id}`)).map((entry) => ({
      sessionId: entry.sessionId,
      status: entry.status,
      consent: entry.consent,
      controlGranted: entry.controlGranted,
      lastPage: entry.lastPage?.url ?? null,
      agentName: entry.agentName,
      agentBot: entry.agentBot,
      handoverAllowed: entry.handoverAllowed,
      waitsForDesk: desk.waitsForDesk(entry.sessionId),
    }));
    return { sessions: list };
  });

  app.post('/demo/api/conversations/:id/sessions/:sessionId/take-over', { preHandler }, async (request, reply) => {
    const params = conversationSessionParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const outcome = await desk.takeOver(params.data.id, params.data.sessionId);
    if (!outcome.ok) {
      const code =
        outcome.status === 404 ? 'SESSION_NOT_FOUND' : outcome.status === 409 ? 'HANDOVER_NOT_ALLOWED' : 'INTERNAL';
      return reply.code(outcome.status).send({ error: { code, message: outcome.message } });
    }
    return { sessionId: params.data.sessionId, agentLink: outcome.agentLink };
  });

  app.post('/demo/api/conversations/:id/sessions/:sessionId/withdraw', { preHandler }, async (request, reply) => {
    const params = conversationSessionParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const withdrawn = await desk.withdraw(params.data.id, params.data.sessionId);
    if (withdrawn === 0)
      return reply.code(409).send({
        error: { code: 'FORBIDDEN', message: 'Only an offer the customer has not answered can be withdrawn.' },
      });
    return { sessionId: params.data.sessionId, withdrawn: true };
  });
}
