/**
 * A name table both ends of one codec stream build in step: the first time a
 * tag or attribute name goes out it travels as text and both sides append it;
 * later it travels as its index (one msgpack byte for the first 128 names).
 * Like the deflate window, this only works because the decoder sees every
 * message the encoder produced, in order; the codec resets both together.
 */

/** Past this many entries new names stay literal, so a hostile stream cannot grow the table without bound. */
export const MAX_TABLE_NAMES = 4096;
/** Longer names are rare and never repeat enough to earn a slot. */
export const MAX_TABLE_NAME_LENGTH = 64;

/** How many elements' style values the two ends remember (wire-style-diff.ts). */
export const MAX_STYLE_BASES = 256;
/** How many nodes' input values, and how many nodes' texts, the two ends remember (wire-value-diff.ts). */
export const MAX_VALUE_BASES = 32;

/** A violation of the wire format: the decoder can no longer trust its stream state. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string as UTF-8 can carry it: each lone surrogate replaced by U+FFFD (what String#toWellFormed does). */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

export class NameTable {
  #names: string[] = [];
  readonly #index = new Map<string, number>();

  /** How many names are known (a mark for rollback). */
  get size(): number {
    return this.#names.length;
  }

  /** Encoder side: the index of `name` if both sides know it, else the name itself, which both sides then remember. */
  ref(name: string): number | string {
    const known = this.#index.get(name);
    if (known !== undefined) return known;
    // The decoder learns the name as msgpack delivers it: UTF-8, so lone surrogates arrive as U+FFFD.
    // Learn that form too, or two names differing only in a lone surrogate would take two entries
    // here and one there, and every later reference would point at the wrong name.
    const delivered = wellFormed(name);
    if (delivered !== name) {
      const same = this.#index.get(delivered);
      if (same !== undefined) {
        this.#index.set(name, same);
        return same;
      }
      if (this.#learn(delivered)) this.#index.set(name, this.#names.length - 1);
      return delivered;
    }
    this.#learn(name);
    return name;
  }

  /** Decoder side: the name a wire reference stands for; throws WireFormatError on a reference the encoder cannot have made. */
  resolve(ref: unknown): string {
    if (typeof ref === 'string') {
      if (!this.#index.has(ref)) this.#learn(ref);
      return ref;
    }
    if (typeof ref === 'number' && Number.isInteger(ref) && ref >= 0 && ref < this.#names.length) {
      return this.#names[ref] as string;
    }
    throw new WireFormatError(`Unknown name reference (${typeof ref === 'number' ? ref : typeof ref}).`);
  }

  /** Forget every name learned since `size` was `mark` (an encode that was refused). */
  truncate(mark: number): void {
    if (this.#names.length <= mark) return;
    this.#names.length = mark;
    // Also drops the raw spellings of names learned in their delivered form (see ref).
    for (const [name, index] of this.#index) if (index >= mark) this.#index.delete(name);
  }

  /** Remembers a name unless the table is full or the name too long (both sides apply the same rule); true if it did. */
  #learn(name: string): boolean {
    if (this.#names.length >= MAX_TABLE_NAMES || name.length > MAX_TABLE_NAME_LENGTH) return false;
    this.#index.set(name, this.#names.length);
    this.#names.push(name);
    return true;
  }
}

/** Everything one direction of the wire format remembers between messages. */
export class WireState {
  /** The seq of the last DOM frame; the next one is sent as its difference from lastSeq + 1. */
  lastSeq = -1;
  /** The id of the last node of the last node list; the next list's first id is sent relative to it. */
  lastNodeId = 0;
  /** The last node list's last node and its ancestors as that list knew them, innermost last. */
  chain: readonly number[] = [];
  readonly tags = new NameTable();
  readonly attributeNames = new NameTable();
  /** Per element id, the segments of the style value last sent in an attribute change (wire-style-diff.ts). */
  readonly styles = new LastValues<readonly string[]>(MAX_STYLE_BASES);
  /** Per element id, the value last sent in an input frame (wire-value-diff.ts). */
  readonly inputValues = new LastValues<string>(MAX_VALUE_BASES);
  /** Per node id, the text last sent in a text change. */
  readonly texts = new LastValues<string>(MAX_VALUE_BASES);

  /** A point to roll back to if the message being encoded is refused. */
  mark(): WireStateMark {
    return {
      lastSeq: this.lastSeq,
      lastNodeId: this.lastNodeId,
      chain: this.chain,
      tags: this.tags.size,
      attributeNames: this.attributeNames.size,
      styles: this.styles.mark(),
      inputValues: this.inputValues.mark(),
      texts: this.texts.mark(),
    };
  }

  restore(mark: WireStateMark): void {
    this.lastSeq = mark.lastSeq;
    this.lastNodeId = mark.lastNodeId;
    this.chain = mark.chain;
    this.tags.truncate(mark.tags);
    this.attributeNames.truncate(mark.attributeNames);
    this.styles.restore(mark.styles);
    this.inputValues.restore(mark.inputValues);
    this.texts.restore(mark.texts);
  }
}

/**
 * The last value sent per node id, for one kind of value, which later values
 * are sent as differences from. Both ends update it for the same messages in
 * the same order, so they forget the same ids when it is full (the least
 * recently set first). Copy-on-write under marks, so a refused message can be
 * rolled back.
 */
export class LastValues<T> {
  readonly #max: number;
  #values = new Map<number, T>();
  /** A mark holds #values: copy it before the next change. */
  #shared = false;

  constructor(max: number) {
    this.#max = max;
  }

  get(id: number): T | undefined {
    return this.#values.get(id);
  }

  /** Remembers `value` for `id` (null: forget it). */
  set(id: number, value: T | null): void {
    if (value === null && !this.#values.has(id)) return;
    if (this.#shared) {
      this.#values = new Map(this.#values);
      this.#shared = false;
    }
    const values = this.#values;
    values.delete(id);
    if (value === null) return;
    if (values.size >= this.#max) {
      const oldest = values.keys().next();
      if (oldest.done !== true) values.delete(oldest.value);
    }
    values.set(id, value);
  }

  mark(): LastValuesMark<T> {
    this.#shared = true;
    return { values: this.#values };
  }

  restore(mark: LastValuesMark<T>): void {
    this.#values = mark.values;
    this.#shared = true;
  }
}

export interface LastValuesMark<T> {
  readonly values: Map<number, T>;
}

export interface WireStateMark {
  lastSeq: number;
  lastNodeId: number;
  chain: readonly number[];
  tags: number;
  attributeNames: number;
  styles: LastValuesMark<readonly string[]>;
  inputValues: LastValuesMark<string>;
  texts: LastValuesMark<string>;
}

/** A plain data object (what msgpack maps decode to), not an array or null. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isSafeNat(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A safe integer from untrusted wire data; throws WireFormatError naming `what` otherwise. */
export function safeInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new WireFormatError(`${what} is not an integer.`);
  return value;
}

/** An attribute name as an object key: the same rule msgpackr applies to map keys, so no name reaches a prototype. */
export function safeKey(name: string): string {
  return name === '__proto__' ? '__proto_' : name;
}
