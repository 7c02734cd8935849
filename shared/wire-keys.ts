/**
 * Short keys for the few maps that still travel with their keys inside the
 * positional wire layout (a node's rare fields, a remote action, a sheet
 * change, a top-layer entry). protocol.ts names fields for people; these
 * tables keep the bytes those maps had before, so readable names cost nothing.
 */
import { WireFormatError } from './wire-names.js';

export class WireKeys {
  readonly #toWire: ReadonlyMap<string, string>;
  readonly #fromWire: ReadonlyMap<string, string>;

  /** `names` maps a protocol.ts field name to its key on the wire. */
  constructor(names: Readonly<Record<string, string>>) {
    this.#toWire = new Map(Object.entries(names));
    this.#fromWire = new Map(Object.entries(names).map(([field, key]) => [key, field]));
  }

  /** True for a key only the wire uses (or one no object may have): not a field name an encoder accepts. */
  isWireOnly(key: string): boolean {
    return this.#fromWire.has(key) || key === '__proto__';
  }

  /** The wire key of `field`. */
  key(field: string): string {
    return this.#toWire.get(field) ?? field;
  }

  /**
   * The field a wire key stands for; throws WireFormatError for a readable
   * name sent literally (our encoder never does: two spellings of one field
   * could otherwise both arrive).
   */
  field(key: string): string {
    const field = this.#fromWire.get(key);
    if (field !== undefined) return field;
    if (this.#toWire.has(key) || key === '__proto__') throw new WireFormatError(`The key ${key} is not a wire key.`);
    return key;
  }

  /** `record` with wire keys, in its own key order; null when a key already is a wire key (not ours to send). */
  encode(record: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
    const out: Record<string, unknown> = {};
    for (const field of Object.keys(record)) {
      if (this.isWireOnly(field)) return null;
      out[this.key(field)] = record[field];
    }
    return out;
  }

  /** `record` with protocol.ts field names (still unvalidated). */
  decode(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record)) out[this.field(key)] = record[key];
    return out;
  }
}
