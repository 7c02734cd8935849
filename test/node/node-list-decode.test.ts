/**
 * The agent checks node lists as columns (shared/node-list-decode.ts) instead
 * of parsing a record per node. Oracle: the record path it replaces,
 * the record-by-record reader the product had (kept as
 * test/oracles/node-list-records.ts) then z.array(serializedNode), on
 * the same wire values. Both must throw WireFormatError on the same inputs,
 * make the same records and reach the same verdict, over random lists of
 * valid and invalid nodes and random corruptions of their columns. Controls:
 * one schema rule at a time left out of the oracle's schema is caught by the
 * same comparison (so the inputs reach every rule), and a checker that accepts
 * everything is caught.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { MessageDecoder } from '../../shared/codec.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { encodeNodeList } from '../../shared/node-list-compaction.js';
import { recordsDecodedOneByOne as decodeNodeList } from '../oracles/node-list-records.js';
import { columnarNodeLists, decodeCheckedNodeList, isCheckedNodeList } from '../../shared/node-list-decode.js';
import {
  attributeName,
  attributeValue,
  commentNode,
  doctypeNode,
  elementNode,
  rootNode,
  serializedNode,
  textNode,
  type ChannelMessage,
  type SerializedNode,
} from '../../shared/protocol.js';
import { WireFormatError, WireState } from '../../shared/wire-names.js';

type Verdict = { thrown: true } | { thrown: false; records: unknown[]; valid: boolean };
type Checker = (wire: unknown, state: WireState) => Verdict;

/** What the record path made of a wire value: decodeNodeList, then the given schema over the records. */
function recordPath(schema: z.ZodMiniType): Checker {
  const list = z.array(schema);
  return (wire, state) => {
    let records: unknown[];
    try {
      records = decodeNodeList(wire, state);
    } catch (err) {
      if (!(err instanceof WireFormatError)) throw err;
      return { thrown: true };
    }
    return { thrown: false, records, valid: list.safeParse(records).success };
  };
}

const oracle = recordPath(serializedNode);

const columnPath: Checker = (wire, state) => {
  let records: unknown[];
  try {
    records = decodeCheckedNodeList(wire, state);
  } catch (err) {
    if (!(err instanceof WireFormatError)) throw err;
    return { thrown: true };
  }
  return { thrown: false, records, valid: isCheckedNodeList(records) };
};

/** Records equal, keys in the same order (attribute order is the mirror's attribute order). */
function sameRecords(a: readonly unknown[], b: readonly unknown[]): boolean {
  const order = (value: unknown): unknown =>
    typeof value === 'string' && value.length > 64 ? `${value.length}:${value.slice(0, 32)}` : value;
  return JSON.stringify(a, (_key, value: unknown) => order(value)) === JSON.stringify(b, (_k, v: unknown) => order(v));
}

/** Both checkers on one wire value, each from its own copy of the same stream state; a difference or null. */
function difference(wire: unknown, expected: Checker, actual: Checker, before: () => WireState): string | null {
  const stateA = before();
  const stateB = before();
  const a = expected(wire, stateA);
  const b = actual(wire, stateB);
  if (a.thrown || b.thrown) return a.thrown === b.thrown ? null : `thrown ${a.thrown} vs ${b.thrown}`;
  if (a.valid !== b.valid) return `valid ${a.valid} vs ${b.valid}`;
  if (!sameRecords(a.records, b.records)) return 'records differ';
  if (stateA.lastNodeId !== stateB.lastNodeId || stateA.chain.join() !== stateB.chain.join()) return 'state differs';
  return null;
}

// Values at and just past each limit of the schema (built once: some are megabytes).
const long = (n: number): string => 'x'.repeat(n);
const shortText = fc.string({ unit: 'binary', maxLength: 12 });
const id = fc.nat({ max: 2 ** 31 });
/** Mostly `usual`, sometimes `limit` (long values cost the encoder a join and the decoder a split). */
const rarely = (usual: fc.Arbitrary<string>, limit: string): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: usual }, { weight: 1, arbitrary: fc.constant(limit) });
const wrongType = fc.constantFrom<unknown>(null, 1.5, -1, 'x', true, [], {});

/** Valid nodes of every kind, with values up to each limit and every rare field. */
const validNode: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('el'),
      id,
      parent: id,
      next: fc.option(id, { nil: null }),
      tag: fc.constantFrom('div', 'input', 'textarea', 'svg', 'constructor', long(128)),
      namespace: fc.constantFrom('svg', 'math'),
      attributes: fc.dictionary(
        fc.constantFrom('class', 'value', 'toString', '__proto__', long(256)),
        rarely(shortText, long(1_000_000)),
        { maxKeys: 3 },
      ),
      value: fc.oneof(shortText, fc.constant('x')),
      checked: fc.boolean(),
      masked: fc.constant(true),
      blocked: fc.record({ width: fc.integer(), height: fc.double({ noNaN: true }) }),
      cssRules: fc.array(shortText, { maxLength: 2 }),
      scrollX: fc.integer(),
    },
    { requiredKeys: ['kind', 'id', 'parent', 'tag'] },
  ),
  fc.record(
    {
      kind: fc.constant('text'),
      id,
      parent: id,
      text: rarely(shortText, long(10_000_000)),
      masked: fc.constant(true),
    },
    { requiredKeys: ['kind', 'id', 'parent', 'text'] },
  ),
  fc.record({ kind: fc.constant('comment'), id, parent: id, text: rarely(shortText, long(100_000)) }),
  fc.record({ kind: fc.constant('doctype'), id, parent: id, name: fc.oneof(shortText, fc.constant(long(128))) }),
  fc.record(
    {
      kind: fc.constantFrom('shadow', 'doc'),
      id,
      parent: id,
      adopted: fc.array(shortText, { maxLength: 2 }),
      quirks: fc.boolean(),
    },
    { requiredKeys: ['kind', 'id', 'parent'] },
  ),
);

type Breakage = (node: Record<string, unknown>) => Record<string, unknown>;

/** One way to break a node: a value past a limit, a missing or unknown field, a rare field of the wrong type. */
const breakage: fc.Arbitrary<Breakage> = fc.oneof<fc.Arbitrary<Breakage>[]>(
  fc.constantFrom('', long(129)).map(
    (tag): Breakage =>
      (node) =>
        node.kind === 'el' ? { ...node, tag } : node,
  ),
  fc.constant((node: Record<string, unknown>) =>
    node.kind === 'el'
      ? { ...node, attributes: { ...(node.attributes as object | undefined), [long(257)]: 'x' } }
      : node,
  ),
  fc.constant((node: Record<string, unknown>) =>
    node.kind === 'el'
      ? { ...node, attributes: { ...(node.attributes as object | undefined), title: long(1_000_001) } }
      : node,
  ),
  fc.constant((node: Record<string, unknown>) =>
    node.kind === 'text'
      ? { ...node, text: long(10_000_001) }
      : node.kind === 'comment'
        ? { ...node, text: long(100_001) }
        : node,
  ),
  fc.constantFrom('id', 'parent').map((field): Breakage => (node) => ({ ...node, [field]: 2 ** 31 + 1 })),
  fc.constant((node: Record<string, unknown>) => {
    const { name: _name, ...rest } = node;
    return rest;
  }),
  fc.constant((node: Record<string, unknown>) => (node.kind === 'doctype' ? { ...node, name: long(129) } : node)),
  fc
    .tuple(
      fc.constantFrom(
        'next',
        'namespace',
        'checked',
        'masked',
        'blocked',
        'cssRules',
        'scrollX',
        'adopted',
        'quirks',
        'name',
      ),
      wrongType,
    )
    .map(([field, value]): Breakage => (node) => ({ ...node, [field]: value })),
  fc
    .constantFrom('quirks', 'tag', 'name', 'selectedIndex')
    .map((field): Breakage => (node) => ({ ...node, [field]: 'x' })),
);

/** Mostly valid nodes; some with one thing broken. */
const anyNode: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(validNode, fc.option(breakage, { freq: 2 }))
  .map(([node, breakIt]) => (breakIt === null ? node : breakIt(node)));

/** A pre-order run of plain nodes (what capture mostly sends), with a few of anyNode in it. */
const nodeList: fc.Arbitrary<Record<string, unknown>[]> = fc
  .tuple(fc.nat({ max: 30 }), fc.nat({ max: 1000 }), fc.array(fc.tuple(fc.nat(), anyNode), { maxLength: 4 }))
  .map(([count, first, mixed]) => {
    const nodes: Record<string, unknown>[] = [];
    const open = [0];
    for (let i = 0; i < count; i++) {
      const nodeIdValue = first + i + 1;
      if (i % 4 === 3 && open.length > 1) open.pop();
      const parent = open[open.length - 1] ?? 0;
      if (i % 3 === 2) nodes.push({ kind: 'text', id: nodeIdValue, parent, text: `t${i}` });
      else {
        nodes.push({ kind: 'el', id: nodeIdValue, parent, tag: 'div', attributes: i % 2 ? { class: `c${i}` } : {} });
        open.push(nodeIdValue);
      }
    }
    for (const [at, node] of mixed) nodes.splice(at % (nodes.length + 1), 0, node);
    return nodes;
  });

/** The columnar form of `nodes` (null when the encoder sends such a list as it is). */
function encoded(nodes: readonly unknown[], state = new WireState()): unknown[] | null {
  return encodeNodeList(nodes, state);
}

/** A stream state as a previous list (a pre-order run) left it, so lists can continue a chain. */
function streamState(previous: readonly unknown[]): () => WireState {
  return () => {
    const state = new WireState();
    decodeNodeList(encodeNodeList(previous, new WireState()), state);
    return state;
  };
}

const junk = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.constant(2 ** 31 + 1),
  fc.double(),
  shortText,
  fc.constant(null),
  fc.array(fc.nat({ max: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('v', 'nx', 'm', 'a', 'name', 'chk', 'blk', 'tag', 'text', 'id', 'q'), junkLeaf()),
);
function junkLeaf(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.nat({ max: 3 }), shortText, fc.boolean(), fc.constant(null), fc.constant(long(129)));
}

/** A list's wire form with one entry of one column replaced or appended. */
const corrupted = fc
  .tuple(nodeList, fc.nat({ max: 5 }), fc.nat({ max: 80 }), junk)
  .map(([nodes, columnIndex, entry, value]) => {
    const wire = encoded(nodes);
    if (wire === null) return null;
    const raw = wire[columnIndex];
    const columnValue = typeof raw === 'string' ? raw.split('\u0000') : (raw as unknown[]);
    return wire.with(
      columnIndex,
      entry < columnValue.length ? columnValue.with(entry, value) : [...columnValue, value],
    );
  });

const PREVIOUS = [
  { kind: 'el', id: 1, parent: 0, tag: 'html' },
  { kind: 'el', id: 2, parent: 1, tag: 'body' },
];

/** `seed`: the controls run a fixed sequence (a rare rule's breakage may not come up in a random one). */
function assertSame(actual: Checker, expected: Checker, runs: number, seed?: number): void {
  const fresh = (): WireState => new WireState();
  const settings = seed === undefined ? { numRuns: runs } : { numRuns: runs, seed };
  fc.assert(
    fc.property(nodeList, fc.boolean(), (nodes, continued) => {
      const wire = encoded(nodes);
      fc.pre(wire !== null);
      expect(difference(wire, expected, actual, continued ? streamState(PREVIOUS) : fresh)).toBeNull();
    }),
    settings,
  );
  fc.assert(
    fc.property(corrupted, (wire) => {
      fc.pre(wire !== null);
      expect(difference(wire, expected, actual, fresh)).toBeNull();
    }),
    settings,
  );
}

describe('node lists checked as columns', () => {
  it('reach the record schema’s verdict and records on random valid, invalid and corrupted lists (property)', () => {
    assertSame(columnPath, oracle, 1_500);
  }, 120_000);

  it('see both verdicts and wire errors among those inputs (the comparison is not vacuous)', () => {
    const seen = { valid: 0, invalid: 0, thrown: 0 };
    fc.assert(
      fc.property(fc.oneof(nodeList.map(encoded), corrupted), (wire) => {
        fc.pre(wire !== null);
        const verdict = columnPath(wire, new WireState());
        if (verdict.thrown) seen.thrown++;
        else if (verdict.valid) seen.valid++;
        else seen.invalid++;
      }),
      { numRuns: 600 },
    );
    expect(seen.valid).toBeGreaterThan(50);
    expect(seen.invalid).toBeGreaterThan(50);
    expect(seen.thrown).toBeGreaterThan(50);
  }, 60_000);

  // Controls: each rule left out of the oracle's schema is a difference the comparison finds (in a fixed run:
  // a random one missed the rare fields' types now and then, 1 in ~100).
  const CONTROL_SEED = 20261205;
  const kinds = { el: elementNode, text: textNode, comment: commentNode, doctype: doctypeNode, root: rootNode };
  const without = (kind: keyof typeof kinds, shape: Record<string, z.ZodMiniType>): z.ZodMiniType =>
    z.union(Object.entries(kinds).map(([k, schema]) => (k === kind ? z.extend(schema, shape) : schema)));
  const loose: Array<[string, z.ZodMiniType]> = [
    ['tag length', without('el', { tag: z.string() })],
    ['attribute name length', without('el', { attributes: z.optional(z.record(z.string(), attributeValue)) })],
    ['attribute value length', without('el', { attributes: z.optional(z.record(attributeName, z.string())) })],
    ['text length', without('text', { text: z.string() })],
    ['comment length', without('comment', { text: z.string() })],
    ['id range', without('el', { id: z.number() })],
    ['parent range', without('text', { parent: z.number() })],
    ['a doctype’s name', without('doctype', { name: z.optional(z.string()) })],
    ['rare fields’ types', without('el', { checked: z.optional(z.unknown()), namespace: z.optional(z.unknown()) })],
    ['strict records', without('text', { name: z.optional(z.string()) })],
  ];
  for (const [rule, schema] of loose) {
    it(`control: finds the oracle without its ${rule} rule different`, () => {
      expect(() => assertSame(recordPath(schema), oracle, 1_500, CONTROL_SEED)).toThrow();
    }, 60_000);
  }

  it('control: finds a checker that accepts every list different', () => {
    const acceptAll: Checker = (wire, state) => {
      const verdict = columnPath(wire, state);
      return verdict.thrown ? verdict : { ...verdict, valid: true };
    };
    expect(() => assertSame(acceptAll, oracle, 500, CONTROL_SEED)).toThrow();
  });
});

describe('the codec with node lists checked as columns', () => {
  const snapshot = (nodes: unknown[]): ChannelMessage =>
    ({
      t: 'snapshot',
      seq: 0,
      part: 0,
      final: true,
      url: 'https://shop.example/',
      title: 'Shop',
      viewportWidth: 1280,
      viewportHeight: 800,
      devicePixelRatio: 1,
      scrollX: 0,
      scrollY: 0,
      nodes,
    }) as ChannelMessage;
  const nodes: SerializedNode[] = [
    { kind: 'doctype', id: 1, parent: 0, name: 'html' },
    { kind: 'el', id: 2, parent: 0, tag: 'html', attributes: { lang: 'en' } },
    { kind: 'el', id: 3, parent: 2, tag: 'input', attributes: { value: 'a' }, value: 'a' },
    { kind: 'text', id: 4, parent: 2, text: 'hello' },
  ];

  it('delivers a valid list as the records it sent', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream, nodeLists: columnarNodeLists });
    const result = decoder.decode(encoder.encode(snapshot(nodes)));
    expect(result).toEqual({ ok: true, message: snapshot(nodes) });
  });

  it('refuses a hostile list with the record schema’s named error, and the stream goes on', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream, nodeLists: columnarNodeLists });
    const hostile = nodes.with(3, { kind: 'text', id: 4, parent: 2, text: 'x', masked: false } as never);
    const refused = decoder.decode(encoder.encode(snapshot(hostile)));
    expect(refused).toMatchObject({ ok: false, fatal: false, error: { code: 'BAD_MESSAGE' } });
    if (!refused.ok) expect(refused.error.message).toContain('nodes.3');
    const tooLong = nodes.with(1, { kind: 'el', id: 2, parent: 0, tag: 'h'.repeat(129) });
    const refusedTag = decoder.decode(encoder.encode(snapshot(tooLong)));
    if (refusedTag.ok) throw new Error('a 129-character tag passed');
    expect(refusedTag.error.message).toContain('nodes.1.tag');
    expect(decoder.decode(encoder.encode(snapshot(nodes)))).toEqual({ ok: true, message: snapshot(nodes) });
  });

  it('still checks node lists sent as records (a message the compact layout could not carry)', () => {
    const decoder = new MessageDecoder({ nodeLists: columnarNodeLists });
    const packr = new Packr({ useRecords: false });
    // A snapshot as a plain map: fromWire hands it on as it is, unchecked, to the record schema.
    const bytes = new Uint8Array(
      packr.pack({ ...snapshot(nodes), nodes: [{ ...nodes[0], name: 5 }, ...nodes.slice(1)] }),
    );
    const result = decoder.decode(bytes);
    expect(result).toMatchObject({ ok: false, fatal: false, error: { code: 'BAD_MESSAGE' } });
    expect(decoder.decode(new Uint8Array(packr.pack(snapshot(nodes))))).toEqual({
      ok: true,
      message: snapshot(nodes),
    });
  });
});
