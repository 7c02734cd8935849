/**
 * What the customer typed into a masked rich-text editor (contenteditable)
 * since its first focus: the words whose count in its text grew since then,
 * as the runs of such words (with what separates them) in document order.
 * These are looked for as the editor's value (masked-echoes.ts). Words, not
 * text nodes, are compared: an editor whose framework replaces the edited
 * text node on each key (a controlled contenteditable, a highlighter
 * rewriting its HTML) made the whole paragraph or document count as typed,
 * and the caps then kept its start and dropped what was typed (review s11
 * F4). The runs are given newest first (by when their words were first seen
 * typed), so the caps keep what was typed last.
 *
 * Memory: per editor, the count of each word at its first focus (WeakMap, so
 * it goes with the editor) and the typed words in the order they were seen.
 */

/** Text nodes read per editor and check: a longer document is read to here (what is typed past it is not looked for). */
const MAX_EDITOR_NODES = 20_000;
/** A word: letters and digits in a row. */
const WORD = /[\p{L}\p{N}]+/gu;

interface Followed {
  /** Each word's count in the editor's text at its first focus. */
  start: Map<string, number>;
  /** The words typed since, oldest first (when each was first seen typed). */
  order: string[];
}

export class EditorTyped {
  readonly #followed = new WeakMap<Element, Followed>();

  /** Notes the editor's words as they are now (its first focus; a resync while typing does not take them again). */
  follow(editor: Element): void {
    if (this.#followed.has(editor)) return;
    const start = new Map<string, number>();
    for (const text of textsOf(editor))
      for (const [word] of text.matchAll(WORD)) start.set(word, (start.get(word) ?? 0) + 1);
    this.#followed.set(editor, { start, order: [] });
  }

  /** Whether `editor` is followed (follow() was called for it). */
  follows(editor: Element): boolean {
    return this.#followed.has(editor);
  }

  /**
   * The runs of words typed since follow() (each with what separates its words), newest first, while their
   * length stays within `maxChars`. Empty when nothing was typed.
   */
  typed(editor: Element, maxChars: number): string[] {
    const followed = this.#followed.get(editor);
    if (followed === undefined) return [];
    const texts = textsOf(editor);
    const counts = new Map<string, number>();
    for (const text of texts) for (const [word] of text.matchAll(WORD)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const typed = new Set<string>();
    for (const [word, count] of counts) if (count > (followed.start.get(word) ?? 0)) typed.add(word);
    if (typed.size === 0) {
      followed.order = [];
      return [];
    }
    const order = followed.order.filter((word) => typed.has(word));
    const known = new Set(order);
    for (const word of typed) if (!known.has(word)) order.push(word);
    followed.order = order;
    const rank = new Map(order.map((word, i) => [word, i]));
    const runs = typedRuns(texts, typed, rank);
    runs.sort((a, b) => b.newest - a.newest);
    const parts: string[] = [];
    const seen = new Set<string>();
    let left = maxChars;
    for (const run of runs) {
      if (left <= 0) break;
      if (seen.has(run.text)) continue;
      seen.add(run.text);
      parts.push(run.text.slice(0, left));
      left -= run.text.length;
    }
    return parts;
  }
}

/** The editor's text nodes' texts (the first MAX_EDITOR_NODES). */
function textsOf(editor: Element): string[] {
  const texts: string[] = [];
  const walker = editor.ownerDocument.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null && texts.length < MAX_EDITOR_NODES; node = walker.nextNode())
    texts.push((node as CharacterData).data);
  return texts;
}

/** Runs of typed words in a text node (words with only non-words between them), with their newest word's rank. */
function typedRuns(texts: string[], typed: Set<string>, rank: Map<string, number>): { text: string; newest: number }[] {
  const runs: { text: string; newest: number }[] = [];
  for (const text of texts) {
    let from = -1;
    let to = -1;
    let newest = -1;
    for (const match of text.matchAll(WORD)) {
      const word = match[0];
      if (!typed.has(word)) {
        if (from >= 0) runs.push({ text: text.slice(from, to), newest });
        from = -1;
        continue;
      }
      if (from < 0) {
        from = match.index;
        newest = -1;
      }
      to = match.index + word.length;
      newest = Math.max(newest, rank.get(word) ?? 0);
    }
    if (from >= 0) runs.push({ text: text.slice(from, to), newest });
  }
  return runs;
}
