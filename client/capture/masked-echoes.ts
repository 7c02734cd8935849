/**
 * A masked field's value echoed by the page in plain text: a card preview
 * that shows the name on the card and the CVC as they are typed, a review
 * step that repeats them. The field's value never leaves, but the echo is an
 * ordinary text node (a name has no digits, a CVC too few to be a number),
 * so it is masked here: any occurrence of a masked field's current value
 * (3 characters or more, ignoring case) in clear text becomes bullets of the
 * same length. Values are read from the fields when text is checked, so an
 * echo written in the same task as the key is caught in the same flush.
 * A value counts once it differs from the field's default (typed, pasted,
 * filled in by autofill or a script) or when React controls the field
 * (React sets a controlled field's default value to its value on every
 * render, so "not the default" alone missed what the customer typed
 * there). A value the page came with is not looked for.
 */
import { microtask } from '../pristine.js';
import { localNameOf, parentElementOf, queryAllOf } from './dom-read.js';
import { maskCssStrings } from '../../shared/mask-css.js';
import { agentEchoesIn } from './agent-echoes.js';
import { agentHasEdited, isFollowed, maskOutsideAgentText, useEchoCheck } from './agent-inserted.js';
import { pageEchoPins } from './echo-pins.js';
import { echoRunOf } from './echo-runs.js';
import { EditorTyped } from './editor-typed.js';
import { showsText } from './mask.js';

/** Shorter values would mask common words and numbers all over the page. */
const MIN_ECHO_LENGTH = 3;
/** Fields followed at most; when full, fields gone from the page make room. */
const MAX_FIELDS = 256;
const MASK_CHAR = '•';
/** Input types whose value the customer types (hidden inputs hold tokens, and short codes like "USD"). */
const TYPED_INPUT_TYPES: ReadonlySet<string> = new Set([
  'text',
  'password',
  'search',
  'email',
  'tel',
  'url',
  'number',
  // Picked rather than typed, but a masked date of birth is echoed ("Born 1990-05-17") like a typed value.
  'date',
  'month',
  'week',
  'time',
  'datetime-local',
]);

/** The prescan reads the clock after this many fields. */
const PRESCAN_CLOCK_EVERY = 64;
/** What of a value is looked for (its start): a longer pattern costs every text checked, and 45 KB overflowed. */
const MAX_VALUE_CHARS = 1_000;
/** Words of one field's value looked for alone, and of all fields together. */
const MAX_FIELD_WORDS = 64;
const MAX_WORDS = 256;
/** No letter or digit right before or after a word of a value. */
const WORD_START = '(?<![\\p{L}\\p{N}])';
const WORD_END = '(?![\\p{L}\\p{N}])';
/** An e-mail address ending in its top-level domain. */
const EMAIL_END = /@[^@\s]+\.[\p{L}\p{N}]+$/u;

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;
/** What separates the words of a value (the words are looked for one by one as well). */
const WORD_BREAK = /[^\p{L}\p{N}]+/u;
/** A digit of a value, in its pattern: the digit or the `•` the number rule or typing put in its place. */
const DIGIT = /[0-9]/g;
/** A character outside ASCII (one code point), and the combining marks NFD splits off. */
const NON_ASCII = /[^\p{ASCII}]/gu;
const MARKS = /\p{M}/gu;
/** Whitespace in a value, in its pattern: any run of whitespace (a page collapses or breaks it). */
const SPACES = /\s+/g;

/**
 * The pattern of one value: its characters literally, except that a digit also matches `•` (the number rule
 * runs first: "Hunter2" echoed while the customer types went out as "Hunter•", which the value did not match),
 * whitespace matches any whitespace, and a letter with accents also the letter without them (a card's embossed
 * name: "JURGEN WEISS" for Jürgen Weiß).
 */
function echoPattern(value: string): string {
  return value
    .replace(REGEXP_SPECIAL, '\\$&')
    .replace(NON_ASCII, foldedPattern)
    .replace(DIGIT, `[$&${MASK_CHAR}]`)
    .replace(SPACES, '\\s+');
}

/** A letter with its accents also matches the letter without them ("JURGEN" for Jürgen), ß also "ss". */
function foldedPattern(char: string): string {
  if (char === 'ß' || char === 'ẞ') return '(?:ß|ss)';
  const base = char.normalize('NFD').replace(MARKS, '');
  return base !== char && base.length === 1 ? `[${char}${base}]` : char;
}

/** The fields' current values as patterns: `test` (one match) and `replace` (all matches), ignoring case. */
interface EchoPatterns {
  test: RegExp;
  replace: RegExp;
}

export class MaskedEchoes {
  readonly #fields: WeakRef<HTMLInputElement | HTMLTextAreaElement | HTMLElement>[] = [];
  /** Masked rich-text editors followed: what was typed in them since (editor-typed.ts) is their value. */
  readonly #editors = new WeakSet<Element>();
  /** What was typed in the editors followed: the engine's (typing-mask.ts SensitiveFields), kept across resyncs. */
  readonly #editorTyped: EditorTyped;

  readonly #known = new WeakSet<Element>();
  /** The prescan in progress (prescanSome): its document, the fields found (null until the first step) and how far it got. */
  #prescan: {
    doc: Document;
    isMasked: (el: Element) => boolean;
    fields: NodeListOf<Element> | null;
    at: number;
  } | null = null;
  /** The fields are MAX_FIELDS and none of them was gone, in this task (#dropGone). */
  #noneGone = false;
  /** Patterns of the fields' values for the current task; undefined when not read yet, null when no value is long enough. */
  #patterns: EchoPatterns | null | undefined = undefined;
  /** Text nodes' echo bullets kept once the agent has edited: the page's, shared by every capture run (echo-pins.ts). */
  readonly #pins = pageEchoPins;

  constructor(editorTyped = new EditorTyped()) {
    this.#editorTyped = editorTyped;
    useEchoCheck(this);
  }

  /** `text` (a field's value) with echoes masked: what the agent's edit of it starts from (agent-inserted.ts). */
  echoFree(text: string): string {
    return this.#maskEchoes({ text, masked: false }).text;
  }

  /** A field whose value is masked: its echoes are masked from now on. */
  add(el: Element): void {
    if (this.#known.has(el) || !isTyped(el)) return;
    this.#follow(el);
  }

  /**
   * A masked contenteditable the customer puts focus in (typing.ts): what they type there (the text that differs
   * from the text it had then, in whole words) is looked for like a field's value. Not before focus: an editor
   * typed in before sharing, or filled by a script, is not followed.
   */
  addEditor(el: Element): void {
    if (this.#known.has(el) || (el as HTMLElement).isContentEditable !== true) return;
    this.#editors.add(el);
    this.#editorTyped.follow(el);
    this.#follow(el);
  }

  #follow(el: Element): void {
    if (this.#fields.length >= MAX_FIELDS && !this.#noneGone) this.#dropGone();
    if (this.#fields.length >= MAX_FIELDS) return;
    this.#known.add(el);
    this.#fields.push(new WeakRef(el as HTMLInputElement | HTMLTextAreaElement | HTMLElement));
    // This task's patterns stay right unless the new field's value is looked for: each of the 100k-node bench
    // page's 450 password fields (their values the page's own) made the next attribute read every field again.
    // An editor's text counts only once it changes (addEditor), so adding one changes nothing yet.
    if (this.#patterns !== undefined && !this.#editors.has(el) && countsOrThrows(el as FieldElement))
      this.#patterns = undefined;
  }

  /**
   * Before a snapshot's walk: the document's masked fields holding a value that counts, so an echo that comes
   * before its field in the page (a card preview above the form) is known when it is serialized. Fields inside
   * shadow trees and frames are known once the walk reaches them (an echo before one goes out in that snapshot).
   */
  prescan(doc: Document, isMasked: (el: Element) => boolean): void {
    this.startPrescan(doc, isMasked);
    while (!this.prescanSome(() => true));
  }

  /**
   * Starts the prescan, done a step at a time by prescanSome (a snapshot's steps before its walk): on a
   * 300k-node page finding the fields and reading their values took 20-30 ms, the longest task of the snapshot.
   * The fields are those of the page when the first step runs; one added later is known once the walk reaches it.
   */
  startPrescan(doc: Document, isMasked: (el: Element) => boolean): void {
    this.#prescan = { doc, isMasked, fields: null, at: 0 };
  }

  /**
   * A step of the prescan started (none started: nothing to do): finds the fields (one native query) and checks
   * them while `more()` says so. True once every field is checked.
   */
  prescanSome(more: () => boolean): boolean {
    const scan = this.#prescan;
    if (scan === null) return true;
    scan.fields ??= queryAllOf(scan.doc, 'input, textarea, select');
    const { fields, isMasked } = scan;
    while (scan.at < fields.length) {
      const el = fields[scan.at++];
      try {
        // The type first: a checkbox's value ('on') is not its default (''), so every checkbox counted, and
        // the prescan read its masking decision (and built the label index) in the snapshot's first task.
        if (el !== undefined && isTyped(el) && counts(el as FieldElement) && isMasked(el)) this.add(el);
      } catch {
        // A page whose value getter throws: the walk reports it (capture-errors.ts), the prescan only skips it.
      }
      if (scan.at % PRESCAN_CLOCK_EVERY === 0 && !more()) return false;
    }
    this.#prescan = null;
    return true;
  }

  /** Forgets fields collected or no longer in their document. */
  #dropGone(): void {
    const kept = this.#fields.filter((ref) => ref.deref()?.isConnected === true);
    if (kept.length === this.#fields.length) {
      // None can go before the page runs again: a snapshot slice adding a page's 1,800 password fields
      // checked all 256 fields again for each one past the 256th.
      this.#noneGone = true;
      microtask(() => {
        this.#noneGone = false;
      });
      return;
    }
    this.#fields.length = 0;
    this.#fields.push(...kept);
  }

  /**
   * An attribute's value with echoes masked, for attributes that hold text a person reads or a field's text
   * (showsText in mask.ts: value, title, alt, label, data-*, aria-*, placeholder).
   */
  maskAttribute(name: string, value: string): string {
    // Most snapshots have no changed masked field: that answer is cached per task, the name check is not.
    if (this.#fields.length === 0 || this.#currentPatterns() === null) return value;
    if (name === 'style') return this.maskCss(value);
    if (!showsText(name)) return value;
    return this.mask({ text: value, masked: false }).text;
  }

  /** CSS text (a style attribute or sheet) with echoes masked in its strings (`content: "…"`) and custom properties' values (`--name: …`). */
  maskCss(css: string): string {
    if (this.#fields.length === 0 || this.#currentPatterns() === null) return css;
    return maskCssStrings(css, (inner) => this.mask({ text: inner, masked: false }), true).text;
  }

  /**
   * `result` with every echo of a masked field's value in its text masked; with `node` (the text node it is the
   * text of), also the part of an echo written over the inline elements around it (a letter per <span>). An echo
   * inside a whole text the agent's remote input wrote is the agent's own (agent-echoes.ts); once the agent has
   * edited, a node's echo bullets stay on its characters (echo-pins.ts). A textarea's text child repeating its
   * value (React keeps them equal) is masked as the value is (agent-inserted.ts, review s13 R1).
   */
  mask<T extends { text: string; masked: boolean }>(result: T, node?: CharacterData): T {
    if (node === undefined) return this.#maskEchoes(result);
    if (!agentHasEdited()) {
      // Nothing to follow yet (no text of the agent's, no field it typed in); bullets are noted, as the agent's
      // first edit may change a text bulleted before it.
      const masked = this.#maskEchoes(result, node);
      return masked === result && !this.#pins.noted ? masked : this.#pins.settle(node, result.text, masked);
    }
    const textarea = parentElementOf(node);
    if (textarea !== null && localNameOf(textarea) === 'textarea' && isFollowed(textarea)) {
      const value = (textarea as HTMLTextAreaElement).value;
      if (value === node.data && result.text.length === value.length) {
        const text = maskOutsideAgentText(textarea, value, result.text, (run) => this.echoFree(run));
        return text === result.text ? result : { ...result, text, masked: true };
      }
    }
    return this.#pins.settle(node, result.text, this.#maskEchoes(result, node));
  }

  #maskEchoes<T extends { text: string; masked: boolean }>(result: T, node?: CharacterData): T {
    if (this.#fields.length === 0) return result;
    const patterns = this.#currentPatterns();
    if (patterns === null) return result;
    try {
      // One regular expression of all values: 64 values against 6,000 texts cost 0.3 ms (Node 20), lower-casing and indexOf 17-46 ms.
      if (patterns.test.test(result.text)) {
        const agent = agentEchoesIn(result.text);
        let masked = false;
        const text = result.text.replace(patterns.replace, (echo: string, at: number) => {
          if (agent?.covers(at, echo.length) === true) return echo;
          masked = true;
          return MASK_CHAR.repeat(echo.length);
        });
        if (masked) return { ...result, text, masked: true };
      }
      return node === undefined ? result : this.#maskInRun(result, node, patterns);
    } catch {
      // The engine refused the patterns (too large for its stack): the text may hold an echo, so none of it leaves.
      return { ...result, text: MASK_CHAR.repeat(result.text.length), masked: true };
    }
  }

  /** The part of `result`'s text that an echo written over its run covers, masked. */
  #maskInRun<T extends { text: string; masked: boolean }>(result: T, node: CharacterData, patterns: EchoPatterns): T {
    const run = echoRunOf(node);
    if (run === null || !patterns.test.test(run.text) || result.text.length !== node.data.length) return result;
    const chars = result.text.split('');
    let masked = false;
    const start = run.offset;
    const end = start + node.data.length;
    const agent = agentEchoesIn(run.text);
    for (const match of run.text.matchAll(patterns.replace)) {
      if (agent?.covers(match.index, match[0].length) === true) continue;
      const from = Math.max(start, match.index);
      const to = Math.min(end, match.index + match[0].length);
      for (let i = from; i < to; i++) {
        chars[i - start] = MASK_CHAR;
        masked = true;
      }
    }
    return masked ? { ...result, text: chars.join(''), masked: true } : result;
  }

  #currentPatterns(): EchoPatterns | null {
    if (this.#patterns !== undefined) return this.#patterns;
    const wholes = new Set<string>();
    const words = new Set<string>();
    let wordsLeft = MAX_WORDS;
    for (const ref of this.#fields) {
      const field = ref.deref();
      let values: string[];
      try {
        if (field === undefined) continue;
        if (this.#editors.has(field)) values = this.#editorTyped.typed(field, MAX_VALUE_CHARS);
        else if (!counts(field as FieldElement)) continue;
        // A long value (a note pasted into a masked textarea) is looked for by its start: 45 KB as one pattern
        // made the regular expression overflow the stack and stop the capture.
        else
          values = [
            valueOf(field as FieldElement)
              .trim()
              .slice(0, MAX_VALUE_CHARS),
          ];
      } catch {
        continue;
      }
      // A password is looked for whole only: its words masked wherever they stood ("blue-dragon-cat" made "Drag
      // the •••• ••••••") showed the agent the passphrase.
      const password = isPassword(field);
      let fieldWords = MAX_FIELD_WORDS;
      for (const value of values) {
        if (value.length < MIN_ECHO_LENGTH) continue;
        wholes.add(echoPattern(value));
        if (password) continue;
        // Each word alone too, as a whole word: a page echoes a name word by word (a <span> each), reordered
        // ("QUIXBY/ZOYA"), with its spaces collapsed, or a note line by line (a <p> each).
        for (const word of wordsOf(value)) {
          if (fieldWords === 0 || wordsLeft === 0) break;
          if (word.length < MIN_ECHO_LENGTH || words.has(word)) continue;
          words.add(word);
          fieldWords--;
          wordsLeft--;
        }
      }
    }
    this.#patterns = buildPatterns(wholes, words);
    // Read once per task: a flush checks many texts against the same values, the next task may see new ones.
    // The queueMicrotask the page found at load: a page replacing it with one that never runs would keep these
    // patterns, and so stop masking the values typed after.
    microtask(() => {
      this.#patterns = undefined;
    });
    return this.#patterns;
  }
}

/**
 * One regular expression of the values (longest first, so a value inside another is not matched in its place),
 * then of their words, each only between non-letters (not "cat" of "Category"). Null when there is none; a
 * pattern the engine refuses gives patterns that throw, and mask() then masks the whole text.
 */
function buildPatterns(wholes: Set<string>, words: Set<string>): EchoPatterns | null {
  const byLength = (a: string, b: string): number => b.length - a.length;
  const parts = [...wholes].sort(byLength);
  for (const word of [...words].sort(byLength)) parts.push(`${WORD_START}${echoPattern(word)}${WORD_END}`);
  if (parts.length === 0) return null;
  const source = parts.join('|');
  try {
    return { test: new RegExp(source, 'iu'), replace: new RegExp(source, 'giu') };
  } catch {
    return FAIL_CLOSED;
  }
}

/** Patterns whose use throws: every text checked against them is masked whole. */
const FAIL_CLOSED: EchoPatterns = {
  get test(): RegExp {
    throw new Error('echo patterns failed');
  },
  get replace(): RegExp {
    throw new Error('echo patterns failed');
  },
};

/** The words of a value, without an e-mail address's top-level domain ("com" of zoya@example.com is no secret). */
function wordsOf(value: string): string[] {
  const words = value.split(WORD_BREAK);
  if (EMAIL_END.test(value)) words.pop();
  return words;
}

/** A password field (by type, or by autocomplete on a field shown as text). */
function isPassword(field: Element): boolean {
  if (localNameOf(field) !== 'input') return false;
  const input = field as HTMLInputElement;
  return input.type === 'password' || /password/i.test(input.autocomplete);
}

/** A field whose value the customer gives: a textarea, a select, or an input of one of TYPED_INPUT_TYPES. */
function isTyped(el: Element): boolean {
  const tag = localNameOf(el);
  return (
    tag === 'textarea' || tag === 'select' || (tag === 'input' && TYPED_INPUT_TYPES.has((el as HTMLInputElement).type))
  );
}

type FieldElement = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** What a page may echo of a field: its value; of a select, the chosen options' text and value (a line each). */
function valueOf(field: FieldElement): string {
  if (localNameOf(field) !== 'select') return field.value;
  return Array.from((field as HTMLSelectElement).selectedOptions, (option) => `${option.text}\n${option.value}`).join(
    '\n',
  );
}

/** counts(), or true when reading the field throws (the patterns are then read again, as before). */
function countsOrThrows(field: FieldElement): boolean {
  try {
    return counts(field);
  } catch {
    return true;
  }
}

/**
 * Whether the field's value is looked for: once it is not the value the page came with, or when React controls
 * the field (React keeps a controlled field's default value equal to its value, and marks the field with its
 * value tracker). Checking every prefilled field instead made the snapshot's first task read the masking
 * decision of every field of the page (longest task at 100k nodes 15 -> 35 ms in the bench).
 */
function counts(field: FieldElement): boolean {
  if (localNameOf(field) === 'select') {
    // Chosen once it is not the option the page came with (the last marked selected, or the first).
    const select = field as HTMLSelectElement;
    const chosen = select.selectedIndex;
    if (chosen < 0) return false;
    const options = select.options;
    let initial = 0;
    for (let i = options.length - 1; i >= 0; i--)
      if (options[i]?.defaultSelected === true) {
        initial = i;
        break;
      }
    return chosen !== initial;
  }
  const text = field as HTMLInputElement | HTMLTextAreaElement;
  const value = text.value;
  return value !== '' && (value !== text.defaultValue || Object.hasOwn(field, '_valueTracker'));
}
