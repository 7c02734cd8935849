/**
 * A support bot's brain, kept small: a policy reads the page model and the
 * customer's question and returns a plan (a chat reply, a field to
 * highlight, or a hand-over to a person). The rule-based policy below needs
 * no language model; a model-backed policy implements the same interface
 * (page in, plan out) and the session carries out its plan under the same
 * rules as everything else (see `carryOut`). No model is shipped or called.
 */
import type { PageField, PageView } from './page-view.js';
import type { AgentSdkSession } from './session.js';

/** What the bot does in answer to one customer message. */
export type GuidancePlan =
  /** Say something in the chat and outline one element of the page. */
  | { kind: 'highlight'; reply: string; targetId: number; label: string }
  /** The customer wants a person: hand the conversation over. */
  | { kind: 'hand-over'; reply: string }
  /** Say something, do nothing on the page. */
  | { kind: 'reply'; reply: string };

/** Where a language model plugs in: the page as the bot sees it (masked) and the question in, a plan out. */
export interface GuidancePolicy {
  plan(question: string, page: PageView): GuidancePlan | Promise<GuidancePlan>;
}

const HAND_OVER = /\b(talk|speak|chat)\b.*\b(person|human|someone|agent)\b|\breal person\b|\bhuman\b/i;
const WHERE = /\bwhere\b.*\b(?:put|enter|type|write|fill|add|go(?:es)?)\b|\bwhich (?:field|box)\b/i;
const STOP_WORDS = new Set([
  'where',
  'do',
  'does',
  'i',
  'my',
  'the',
  'a',
  'an',
  'put',
  'enter',
  'type',
  'write',
  'fill',
  'in',
  'add',
  'goes',
  'go',
  'should',
  'can',
  'is',
  'to',
  'which',
  'field',
  'box',
  'for',
  'of',
  'please',
  'it',
  'me',
  'you',
  'your',
  'on',
  'this',
  'page',
]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

/** How well a field's label and name answer the question's words (0: not at all). */
function score(field: PageField, wanted: readonly string[]): number {
  const have = new Set([...words(field.label), ...words(field.name)]);
  // Substrings count too ("mail" in "email", "post" in "postcode"), for words long enough to mean something.
  const near = (a: string, b: string): boolean =>
    a === b || (Math.min(a.length, b.length) >= 4 && (a.includes(b) || b.includes(a)));
  return wanted.filter((word) => [...have].some((candidate) => near(candidate, word))).length;
}

/** Rules: "talk to a person" hands over; "where do I put my X?" finds the visible field labelled X. */
export class RuleBasedPolicy implements GuidancePolicy {
  plan(question: string, page: PageView): GuidancePlan {
    if (HAND_OVER.test(question))
      return { kind: 'hand-over', reply: 'Of course, I’m passing you to a person from our support team now.' };
    if (!WHERE.test(question))
      return {
        kind: 'reply',
        reply: 'I can show you where things go on this page: ask me, for example, “where do I put my postcode?”',
      };
    const wanted = words(question);
    const best = page
      .fields()
      .filter((field) => field.visible && !field.disabled)
      .map((field) => ({ field, score: score(field, wanted) }))
      .filter((candidate) => candidate.score > 0)
      .sort((a, b) => b.score - a.score)[0];
    if (!best)
      return { kind: 'reply', reply: 'I could not find that on this page. Would you like to talk to a person?' };
    const label = best.field.label || best.field.name;
    return {
      kind: 'highlight',
      reply: `It goes in the “${label}” field; I’ve outlined it on your page.`,
      targetId: best.field.id,
      label,
    };
  }
}

/**
 * Carry out a plan on the page; returns the chat reply. A hand-over here ends
 * the bot's session (the SDK holds no API key, and without the customer's
 * leave a person must ask again). A chat system that can, hands the same
 * session to a person instead with POST /api/sessions/:id/handover (the
 * demo's bot does: signaling/demo-bot.ts).
 */
export function carryOut(session: AgentSdkSession, plan: GuidancePlan): string {
  if (plan.kind === 'highlight') session.highlight(plan.targetId, plan.label);
  if (plan.kind === 'hand-over') session.end();
  return plan.reply;
}
