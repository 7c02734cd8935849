/**
 * Where a text repeats, whole, a text the agent's remote input wrote on the
 * page (review s13 R1, R2): a "Hello, …" preview of the name field, a
 * React textarea's text child, a field re-mounted with its value. The echo
 * rule (masked-echoes.ts) leaves an echo of a masked value alone when it
 * lies inside one such repetition: the agent typed it, so it goes out as
 * the agent typed it whether or not it equals a masked value, and a word
 * list answers nothing. Only a whole agent text counts, never a part of it:
 * the page's own echo of a masked value (a card preview showing the name on
 * the card) is exempt only if it lies inside a copy of everything the agent
 * wrote in a field, so a list of guesses never exempts it; a single guess
 * the size of the whole field does, once, which README's security model
 * states. Compared as a page shows text: ignoring case, accents and how
 * much whitespace; a digit is itself, and matches a page's `•` (the number
 * rule bulleted it) but never another digit: folding every digit to one
 * made "000" typed in a clear field cover a CVC preview's "737" (review s14
 * E1), so a page digit is exempt only where it is the agent's own digit.
 */
import { agentTexts } from './agent-inserted.js';

/** Where a whole agent text occurs in a text: the occurrences' [start, end) in the text. */
export interface AgentEchoes {
  /** Whether the `length` characters at `start` lie inside one occurrence. */
  covers(start: number, length: number): boolean;
}

const DIGIT = /[0-9]/;
const MASK_CHAR = '•';
const SPACE = /\s/;
const MARKS = /\p{M}/gu;

/** A character as compared: lower case, without accents. */
function foldChar(char: string): string {
  const lower = char.toLowerCase();
  const one = lower.length === 1 ? lower : char;
  const base = one.normalize('NFD').replace(MARKS, '');
  return base.length === 1 ? base : one;
}

/** `text` folded, whitespace runs as one space, with each folded character's index in `text`. */
function folded(text: string): { chars: string; at: number[] } {
  let chars = '';
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (SPACE.test(char)) {
      if (chars.endsWith(' ')) continue;
      chars += ' ';
    } else {
      chars += foldChar(char);
    }
    at.push(i);
  }
  return { chars, at };
}

/**
 * Where `wanted` (an agent text, folded) next occurs in `page` (folded) from `from` on, or -1: each character
 * equal, or a page `•` where the agent typed a digit (the number rule's bullet; it shows nothing of a value).
 */
function nextCopy(page: string, wanted: string, from: number): number {
  const first = wanted[0] ?? '';
  const firstDigit = DIGIT.test(first);
  for (let k = from; k + wanted.length <= page.length; k++) {
    const head = page[k];
    if (head !== first && !(firstDigit && head === MASK_CHAR)) continue;
    let i = 1;
    while (i < wanted.length) {
      const want = wanted[i] ?? '';
      const have = page[k + i];
      if (have !== want && !(have === MASK_CHAR && DIGIT.test(want))) break;
      i++;
    }
    if (i === wanted.length) return k;
  }
  return -1;
}

/** The whole agent texts `text` repeats; null when the agent wrote nothing or none is repeated. */
export function agentEchoesIn(text: string): AgentEchoes | null {
  const texts = agentTexts();
  if (texts.length === 0) return null;
  const page = folded(text);
  const spans: [number, number][] = [];
  for (const agentText of texts) {
    const wanted = folded(agentText).chars.trim();
    if (wanted === '') continue;
    for (let k = nextCopy(page.chars, wanted, 0); k >= 0; k = nextCopy(page.chars, wanted, k + 1)) {
      const start = page.at[k] ?? 0;
      const end = (page.at[k + wanted.length - 1] ?? start) + 1;
      spans.push([start, end]);
    }
  }
  if (spans.length === 0) return null;
  return {
    covers: (start, length) => spans.some(([from, to]) => from <= start && start + length <= to),
  };
}
