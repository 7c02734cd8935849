/**
 * What the customer typed into a masked rich-text editor (contenteditable)
 * since focus: the parts of its text nodes that differ from their text at
 * focus, each widened to whole words. These are looked for as the editor's
 * value (masked-echoes.ts). Reading the editor's whole text and looking for
 * its start missed what was typed after its first 1,000 characters (and
 * anything in an editor holding 4,000 characters at focus: review M5).
 *
 * Memory: the text each text node had at focus (a node's own string), in a
 * WeakMap, so it goes with the node. A node added since focus counts whole.
 */

/** Text nodes read per editor and check: a longer document is read to here (what is typed past it is not looked for). */
const MAX_EDITOR_NODES = 20_000;
/** A letter or digit: a typed part is widened over these to whole words. */
const WORD_CHAR = /[\p{L}\p{N}]/u;

export class EditorTyped {
  /** Text of the followed editors' text nodes when their editor was first followed. */
  readonly #start = new WeakMap<CharacterData, string>();

  /** Editors followed (their text at first focus is kept: a resync while typing does not take it again). */
  readonly #followed = new WeakSet<Element>();

  /** Notes the editor's text nodes as they are now (its first focus). */
  follow(editor: Element): void {
    if (this.#followed.has(editor)) return;
    this.#followed.add(editor);
    const walker = editor.ownerDocument.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    let count = 0;
    for (let node = walker.nextNode(); node !== null && count < MAX_EDITOR_NODES; node = walker.nextNode(), count++)
      this.#start.set(node as CharacterData, (node as CharacterData).data);
  }

  /**
   * The parts typed since follow(), in document order, each trimmed and widened to whole words, while their
   * length stays within `maxChars` (the first parts are kept). Empty when nothing was typed.
   */
  typed(editor: Element, maxChars: number): string[] {
    const parts: string[] = [];
    let left = maxChars;
    const walker = editor.ownerDocument.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    let count = 0;
    for (let node = walker.nextNode(); node !== null && count < MAX_EDITOR_NODES; node = walker.nextNode(), count++) {
      const data = (node as CharacterData).data;
      const start = this.#start.get(node as CharacterData);
      if (start === data) continue;
      const part = typedPart(start ?? '', data).trim();
      if (part === '') continue;
      parts.push(part.slice(0, left));
      left -= part.length;
      if (left <= 0) break;
    }
    return parts;
  }
}

/** The part of `now` that is not in `before` (their common start and end left out), widened to whole words. */
export function typedPart(before: string, now: string): string {
  const shorter = Math.min(before.length, now.length);
  let from = 0;
  while (from < shorter && before.charCodeAt(from) === now.charCodeAt(from)) from++;
  let end = 0;
  while (end < shorter - from && before.charCodeAt(before.length - 1 - end) === now.charCodeAt(now.length - 1 - end))
    end++;
  let to = now.length - end;
  if (to <= from) return '';
  while (from > 0 && WORD_CHAR.test(now.charAt(from - 1))) from--;
  while (to < now.length && WORD_CHAR.test(now.charAt(to))) to++;
  return now.slice(from, to);
}
