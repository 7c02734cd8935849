/**
 * The demo's automated assistant: a customer who asks in the shop's chat
 * where something goes ("where do I put my postcode?") gets a co-browsing
 * offer from the bot; once the customer allows, the bot joins with the Node
 * SDK, outlines the field and explains in the chat. "Talk to a person" makes
 * the bot leave and says the desk will take over. Rules only (RuleBasedPolicy);
 * a language model would replace the policy. The SDK, and node-datachannel
 * with it, is loaded on the first question, never by a server without the demo.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AgentSdkSession, GuidancePolicy } from '../sdk/index.js';

export const DEMO_BOT_NAME = 'Lumen assistant';
export const DEMO_BOT_INVITE_TEXT = `${DEMO_BOT_NAME} (automated) would like to see your page to show you where things go`;

const ASKS_WHERE = /\bwhere\b.*\b(?:put|enter|type|write|fill|add|go(?:es)?)\b|\bwhich (?:field|box)\b/i;
const ASKS_PERSON = /\b(talk|speak|chat)\b.*\b(person|human|someone|agent)\b|\breal person\b|\bhuman\b/i;

export interface DemoBotDeps {
  /** Post a chat message from the bot. */
  say(conversationId: string, text: string): void;
  /** Create a bot session through the REST API and post its invite; returns the agent token. */
  offer(conversationId: string): Promise<{ sessionId: string; agentToken: string } | null>;
  /** Hand the session to the desk's person (POST /api/sessions/:id/handover); false when the customer did not allow it. */
  handOver(conversationId: string, sessionId: string): Promise<{ ok: true; to: string } | { ok: false }>;
  serverUrl(): string;
  log: FastifyBaseLogger;
}

interface BotConversation {
  session: AgentSdkSession | null;
  sessionId: string | null;
  /** Questions asked before the page arrived, answered once it does. */
  pending: string[];
  joining: boolean;
}

export class DemoSupportBot {
  readonly #conversations = new Map<string, BotConversation>();
  readonly #deps: DemoBotDeps;
  #policy: GuidancePolicy | null = null;

  constructor(deps: DemoBotDeps) {
    this.#deps = deps;
  }

  /** True when the bot takes this message (the desk need not answer it). */
  onCustomerMessage(conversationId: string, text: string): boolean {
    const conversation = this.#conversations.get(conversationId);
    if (ASKS_PERSON.test(text) && conversation?.session && !conversation.session.ended) {
      void this.#toPerson(conversationId, conversation);
      return true;
    }
    if (!ASKS_WHERE.test(text)) return false;
    const current = conversation ?? { session: null, sessionId: null, pending: [], joining: false };
    this.#conversations.set(conversationId, current);
    if (current.session && !current.session.ended) {
      void this.#answer(conversationId, current, text);
    } else {
      current.pending.push(text);
      if (!current.joining) void this.#join(conversationId, current);
    }
    return true;
  }

  /** Leave every session (server shutdown). */
  close(): void {
    for (const conversation of this.#conversations.values()) conversation.session?.leave();
    this.#conversations.clear();
  }

  async #join(conversationId: string, conversation: BotConversation): Promise<void> {
    conversation.joining = true;
    try {
      const offered = await this.#deps.offer(conversationId);
      if (!offered) return;
      conversation.sessionId = offered.sessionId;
      const sdk = await import('../sdk/index.js');
      this.#policy ??= new sdk.RuleBasedPolicy();
      const session = await sdk.joinSession({
        server: this.#deps.serverUrl(),
        token: offered.agentToken,
        name: DEMO_BOT_NAME,
        bot: true,
        timeoutMs: 5 * 60_000,
      });
      conversation.session = session;
      session.on('end', () => {
        if (this.#conversations.get(conversationId) === conversation) this.#conversations.delete(conversationId);
      });
      for (const question of conversation.pending.splice(0)) await this.#answer(conversationId, conversation, question);
    } catch (error) {
      this.#deps.log.info({ err: error }, 'demo bot did not join');
      this.#conversations.delete(conversationId);
    } finally {
      conversation.joining = false;
    }
  }

  /**
   * The same session goes on with the desk's person when the customer allowed
   * that in the prompt; otherwise the bot leaves, so that a person asks first.
   */
  async #toPerson(conversationId: string, conversation: BotConversation): Promise<void> {
    const { session, sessionId } = conversation;
    if (!session || !sessionId) return;
    this.#conversations.delete(conversationId);
    try {
      const outcome = await this.#deps.handOver(conversationId, sessionId);
      if (outcome.ok) {
        // The server closes the bot's socket; the customer's indicator names the person.
        this.#deps.say(
          conversationId,
          `Of course. ${outcome.to} from our support team is taking over now, on this same page; you won’t be asked again.`,
        );
        return;
      }
    } catch (error) {
      this.#deps.log.info({ err: error }, 'demo bot could not hand over');
    }
    session.end();
    this.#deps.say(
      conversationId,
      'Of course. You allowed only me, an automated assistant, to see your page, so I’ve stopped sharing; a person from our support team will ask you before looking.',
    );
  }

  async #answer(conversationId: string, conversation: BotConversation, question: string): Promise<void> {
    const session = conversation.session;
    if (!session || !this.#policy) return;
    const sdk = await import('../sdk/index.js');
    try {
      const plan = await this.#policy.plan(question, session.page);
      // A question that turns out to ask for a person (the policy's reading) goes the hand-over way too.
      if (plan.kind === 'hand-over') return await this.#toPerson(conversationId, conversation);
      this.#deps.say(conversationId, sdk.carryOut(session, plan));
    } catch (error) {
      this.#deps.log.info({ err: error }, 'demo bot could not act');
      this.#deps.say(conversationId, 'Sorry, I could not show you that. Would you like to talk to a person?');
    }
  }
}
