/**
 * The demo's chat: in-memory conversations between the shop's chat box and
 * the desk, bounded in number and length, and the one-line session summary
 * a chat system would log into the conversation when a session ends.
 */
import type { SessionSummary } from './audit-summary.js';

/** The support agent the demo desk plays. */
export const DEMO_AGENT_NAME = 'Dana';
/** Dana's agent id: the demo's sessions are hers, so they are in her list in the console. */
export const DEMO_AGENT_ID = 'demo-dana';

export const DEMO_INVITE_TEXT = `${DEMO_AGENT_NAME} from support would like to see your page`;

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
  if (summary.consent === 'pending')
    return summary.endReason === 'api'
      ? 'The co-browsing request was withdrawn before the customer answered. Nothing was shared.'
      : 'The co-browsing request ended before the customer answered. Nothing was shared.';
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
export class ConversationBook {
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
