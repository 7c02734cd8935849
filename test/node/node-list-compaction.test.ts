import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { Deflate, Z_SYNC_FLUSH, deflateRaw } from 'pako';
import { describe, expect, it } from 'vitest';
import { MessageDecoder } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { encodeNodeList } from '../../shared/node-list-compaction.js';
import { decodeNodeList } from '../../shared/node-list-columns.js';
import { channelMessage, type ChannelMessage, type SerializedNode } from '../../shared/protocol.js';
import { WireFormatError, WireState } from '../../shared/wire-names.js';
import { inflateStream } from '../../shared/inflate-stream.js';

/** A pre-order tree: each node is the first child of the one before, or a sibling of an ancestor. */
function preorderNodes(count: number, firstId = 1): SerializedNode[] {
  const nodes: SerializedNode[] = [];
  const open: number[] = [0];
  for (let id = firstId; id < firstId + count; id++) {
    if (id % 5 === 0 && open.length > 1) open.pop();
    const p = open[open.length - 1] ?? 0;
    nodes.push(
      id % 3 === 0
        ? { kind: 'text', id, parent: p, text: `text ${id}` }
        : { kind: 'el', id, parent: p, tag: 'div', attributes: { class: `c${id % 7}` } },
    );
    if (id % 3 !== 0) open.push(id);
  }
  return nodes;
}

const snapshot = (nodes: SerializedNode[], seq = 0): ChannelMessage => ({
  t: 'snapshot',
  seq,
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
});

const nodeId = fc.nat({ max: 2 ** 31 });
// msgpack has no negative zero: -0 arrives as 0 (as it always did).
const coord = fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (Object.is(value, -0) ? 0 : value));
const text = fc.string({ unit: 'binary', maxLength: 40 });
const name = fc.oneof(
  fc.constantFrom('div', 'span', 'class', 'style', 'toString', 'constructor'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 80 }),
);

/** Any valid serialized node, with every optional field the schema allows. */
const anyNode: fc.Arbitrary<SerializedNode> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('el' as const),
      id: nodeId,
      parent: nodeId,
      next: fc.option(nodeId, { nil: null }),
      tag: name,
      namespace: fc.constantFrom('svg' as const, 'math' as const),
      attributes: fc.dictionary(
        name.filter((n) => n !== '__proto__'),
        text,
        { maxKeys: 4 },
      ),
      value: text,
      checked: fc.boolean(),
      selected: fc.boolean(),
      masked: fc.constant(true as const),
      blocked: fc.record({ width: coord, height: coord }),
      cssRules: fc.array(text, { maxLength: 2 }),
      scrollX: fc.integer(),
      scrollY: coord,
    },
    { requiredKeys: ['kind', 'id', 'parent', 'tag'] },
  ),
  fc.record(
    {
      kind: fc.constant('text' as const),
      id: nodeId,
      parent: nodeId,
      next: fc.option(nodeId, { nil: null }),
      text: text,
      masked: fc.constant(true as const),
    },
    { requiredKeys: ['kind', 'id', 'parent', 'text'] },
  ),
  fc.record(
    {
      kind: fc.constant('comment' as const),
      id: nodeId,
      parent: nodeId,
      next: fc.option(nodeId, { nil: null }),
      text: text,
    },
    { requiredKeys: ['kind', 'id', 'parent', 'text'] },
  ),
  fc.record(
    { kind: fc.constant('doctype' as const), id: nodeId, parent: nodeId, name: text },
    { requiredKeys: ['kind', 'id', 'parent', 'name'] },
  ),
  fc.record(
    {
      kind: fc.constantFrom('shadow' as const, 'doc' as const),
      id: nodeId,
      parent: nodeId,
      adopted: fc.array(text, { maxLength: 2 }),
    },
    { requiredKeys: ['kind', 'id', 'parent'] },
  ),
);

/** Node lists that are mostly pre-order (what capture sends) with arbitrary nodes mixed in. */
const nodeList = fc.oneof(
  fc.array(anyNode, { maxLength: 30 }),
  fc
    .tuple(fc.integer({ min: 0, max: 200 }), fc.nat({ max: 1000 }), fc.array(anyNode, { maxLength: 5 }))
    .map(([count, first, mixed]) => [...preorderNodes(count, first + 1), ...mixed]),
);

function roundTrip(
  nodes: readonly SerializedNode[],
  encoderState = new WireState(),
  decoderState = new WireState(),
): unknown {
  const wire = encodeNodeList(nodes, encoderState);
  expect(wire).not.toBeNull();
  // Through msgpack, as on the wire.
  const packr = new Packr({ useRecords: false });
  return decodeNodeList(packr.unpack(packr.pack(wire)), decoderState);
}

describe('columnar node lists on the wire', () => {
  it('sends a pre-order list with no id skips and small parent steps, and restores it exactly', () => {
    const nodes = preorderNodes(500);
    const wire = encodeNodeList(nodes, new WireState());
    if (wire === null) throw new Error('unfit');
    const [shape, idSkips, parents, , values, texts] = wire as [unknown[], number[], number[], unknown, string, string];
    expect(idSkips).toEqual([]);
    expect(parents).toEqual([0]);
    // Per node a code and a parent step, per element an attribute count and one name.
    const elements = nodes.filter((node) => node.kind === 'el').length;
    expect(shape).toHaveLength(2 * nodes.length + 2 * elements);
    expect(values.split('\u0000')).toHaveLength(elements);
    expect(texts.split('\u0000')).toHaveLength(nodes.length - elements);
    expect(roundTrip(nodes)).toEqual(nodes);
  });

  it("goes on with the previous list's chain of parents, so a snapshot part needs no explicit parents", () => {
    const nodes = preorderNodes(300);
    const packr = new Packr({ useRecords: false });
    const encoderState = new WireState();
    const decoderState = new WireState();
    const parts = [nodes.slice(0, 100), nodes.slice(100, 200), nodes.slice(200)];
    for (const [i, part] of parts.entries()) {
      const wire = encodeNodeList(part, encoderState);
      // Only the first part names an explicit parent (the document).
      expect(wire?.[2]).toEqual(i === 0 ? [0] : []);
      expect(decodeNodeList(packr.unpack(packr.pack(wire)), decoderState)).toEqual(part);
    }
    // Control: a decoder that lost the chain cannot follow the steps.
    const encoder = new WireState();
    const decoder = new WireState();
    decodeNodeList(encodeNodeList(parts[0] ?? [], encoder), decoder);
    decoder.chain = [];
    expect(() => decodeNodeList(encodeNodeList(parts[1] ?? [], encoder), decoder)).toThrow(/Parent step/);
  });

  it('sends ids that do not follow on as skips', () => {
    const nodes: SerializedNode[] = [
      { kind: 'text', id: 5, parent: 0, text: 'a' },
      { kind: 'text', id: 6, parent: 0, text: 'b' },
      { kind: 'text', id: 3, parent: 0, text: 'c' },
      { kind: 'text', id: 4, parent: 0, text: 'd' },
      { kind: 'text', id: 10, parent: 0, text: 'e' },
    ];
    const wire = encodeNodeList(nodes, new WireState());
    expect(wire?.[1]).toEqual([1, 4, 2, -4, 2, 5]);
    expect(roundTrip(nodes)).toEqual(nodes);
  });

  it('sends strings that hold U+0000 as a list, and joins the others', () => {
    const nodes: SerializedNode[] = [
      { kind: 'el', id: 1, parent: 0, tag: 'p', attributes: { title: 'a\u0000b', class: '' } },
      { kind: 'text', id: 2, parent: 1, text: '' },
      { kind: 'text', id: 3, parent: 1, text: 'x' },
    ];
    const wire = encodeNodeList(nodes, new WireState());
    expect(wire?.[4]).toEqual(['a\u0000b', '']);
    expect(wire?.[5]).toBe('\u0000x');
    expect(roundTrip(nodes)).toEqual(nodes);
  });

  it("sends a form value equal to its default as a reference to the attribute or the textarea's text", () => {
    const nodes: SerializedNode[] = [
      {
        kind: 'el',
        id: 1,
        parent: 0,
        tag: 'input',
        attributes: { name: 'csrf', value: 'f3a9c1d2e8' },
        value: 'f3a9c1d2e8',
      },
      { kind: 'el', id: 2, parent: 0, tag: 'input', attributes: { value: 'Ada' }, value: 'Ada Lovelace' },
      { kind: 'el', id: 3, parent: 0, tag: 'textarea', value: 'Leave at the door' },
      { kind: 'text', id: 4, parent: 3, text: 'Leave at the door' },
      { kind: 'el', id: 5, parent: 0, tag: 'textarea', value: 'edited' },
      { kind: 'text', id: 6, parent: 5, text: 'original' },
      // The next node has the same text but is no child of this one: the value travels.
      { kind: 'el', id: 7, parent: 0, tag: 'input', value: 'same' },
      { kind: 'text', id: 8, parent: 0, text: 'same' },
    ];
    const wire = encodeNodeList(nodes, new WireState());
    expect(wire?.[3]).toEqual([
      1,
      { v: 0 },
      1,
      { v: 'Ada Lovelace' },
      1,
      { v: 1 },
      2,
      { v: 'edited' },
      2,
      { v: 'same' },
    ]);
    expect(roundTrip(nodes)).toEqual(nodes);
    // A value that is not text is no reference: the list is left to the caller (and fails validation there).
    expect(encodeNodeList([{ ...nodes[0], value: 0 } as unknown as SerializedNode], new WireState())).toBeNull();
    // Hostile references: to an attribute that is not there, to a text that is not the next child, or neither.
    const refer = (list: SerializedNode[], ref: number): unknown => {
      const columns = encodeNodeList(list, new WireState()) as unknown[];
      return columns.with(3, [1, { v: ref }]);
    };
    const bare: SerializedNode[] = [{ kind: 'el', id: 1, parent: 0, tag: 'input' }];
    expect(() => decodeNodeList(refer(bare, 0), new WireState())).toThrow(/form value refers/);
    expect(() => decodeNodeList(refer(bare, 1), new WireState())).toThrow(/form value refers/);
    expect(() => decodeNodeList(refer(nodes.slice(6), 1), new WireState())).toThrow(/form value refers/);
    expect(() => decodeNodeList(refer(nodes.slice(0, 1), 2), new WireState())).toThrow(/form value refers/);
    // Control: the same reference where the text is there decodes.
    expect(decodeNodeList(refer(nodes.slice(2, 4), 1), new WireState())).toEqual(nodes.slice(2, 4));
  });

  it('round-trips form values equal to, close to and unlike their defaults (property)', () => {
    const field = fc.record({
      text: fc.constantFrom('', 'a', 'Ada', 'Ada '),
      value: fc.constantFrom('', 'a', 'Ada', 'Ada '),
      textarea: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(field, { maxLength: 8 }), (fields) => {
        const nodes: SerializedNode[] = [];
        let id = 1;
        for (const f of fields) {
          const own = id++;
          if (f.textarea) {
            nodes.push({ kind: 'el', id: own, parent: 0, tag: 'textarea', value: f.value });
            nodes.push({ kind: 'text', id: id++, parent: own, text: f.text });
          } else
            nodes.push({ kind: 'el', id: own, parent: 0, tag: 'input', attributes: { value: f.text }, value: f.value });
        }
        expect(roundTrip(nodes)).toEqual(nodes);
      }),
    );
  });

  it('round-trips any list of valid nodes, in any id and parent order (property)', () => {
    fc.assert(
      fc.property(fc.array(nodeList, { minLength: 1, maxLength: 4 }), (lists) => {
        // One pair of states across several lists, as on one stream.
        const encoderState = new WireState();
        const decoderState = new WireState();
        for (const nodes of lists) expect(roundTrip(nodes, encoderState, decoderState)).toEqual(nodes);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips snapshots and mutation adds through the codec, on one stream (property)', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    let seq = 0;
    fc.assert(
      fc.property(nodeList, fc.boolean(), (nodes, asSnapshot) => {
        seq += 1;
        const message: ChannelMessage = asSnapshot
          ? snapshot(nodes, seq)
          : { t: 'mutations', seq, removes: [], adds: nodes.map((node) => ({ ...node })), attrs: [], texts: [] };
        const expected = channelMessage.safeParse(message);
        const result = decoder.decode(encoder.encode(message));
        if (expected.success) expect(result.ok && result.message).toEqual(expected.data);
        else expect(!result.ok && !result.fatal && result.error.code).toBe('BAD_MESSAGE');
      }),
      { numRuns: 300 },
    );
    expect(decoder.stats.byCode.DECODE_FAILED).toBeUndefined();
  });

  it('makes a pre-order snapshot much smaller on the wire than one map per node', () => {
    const nodes = preorderNodes(5_000);
    const columnar = new MessageEncoder().encode(snapshot(nodes)).length;
    const maps = deflateRaw(new Packr({ useRecords: true }).pack(snapshot(nodes))).length;
    expect(columnar).toBeLessThan(maps * 0.5);
  });

  it('sends a repeated tag or attribute name as a table index after its first use', () => {
    const state = new WireState();
    const first = encodeNodeList(
      [{ kind: 'el', id: 1, parent: 0, tag: 'section', attributes: { 'data-role': 'x' } }],
      state,
    );
    const second = encodeNodeList(
      [{ kind: 'el', id: 2, parent: 1, tag: 'section', attributes: { 'data-role': 'y' } }],
      state,
    );
    // [code, parent step, attribute count, name]
    expect(first?.[0]).toEqual(['section', -1, 1, 'data-role']);
    expect(second?.[0]).toEqual([5, 0, 1, 0]);
  });

  it('leaves nodes the layout cannot carry to the caller instead of guessing', () => {
    for (const odd of [
      { kind: 'el', id: 1, parent: 0 },
      { kind: 'text', id: 1, parent: 0 },
      { kind: 'nope', id: 1, parent: 0 },
      { kind: 'el', id: -1, parent: 0, tag: 'a' },
      ['not', 'a', 'node'],
    ]) {
      const state = new WireState();
      expect(encodeNodeList([odd], state)).toBeNull();
    }
  });
});

describe('malformed columnar input', () => {
  const valid = (): unknown[] => {
    const wire = encodeNodeList(preorderNodes(40), new WireState());
    if (wire === null) throw new Error('unfit');
    return wire;
  };

  it('rejects hand-broken lists with WireFormatError', () => {
    // preorderNodes(40): node 0 is an element (shape 0-3: code, step, count, name), node 2 a text.
    const cases: [string, (wire: unknown[]) => unknown][] = [
      ['not a list', () => 'x'],
      ['a column missing', (wire) => wire.slice(0, 5)],
      ['a column that is not an array', (wire) => wire.with(2, 7)],
      ['texts that are neither text nor a list', (wire) => wire.with(5, 7)],
      ['a node without its parent step', (wire) => wire.with(0, [...(wire[0] as unknown[]), 0])],
      ['a parent step past the chain', (wire) => wire.with(0, (wire[0] as unknown[]).with(5, 99))],
      ['no explicit parent for the first node', (wire) => wire.with(0, (wire[0] as unknown[]).with(1, 0))],
      ['a tag index never sent', (wire) => wire.with(0, (wire[0] as unknown[]).with(4, 500))],
      ['a negative node code', (wire) => wire.with(0, (wire[0] as unknown[]).with(0, -3))],
      ['a fractional id delta', (wire) => wire.with(1, [1, 0.5])],
      ['id skips not in pairs', (wire) => wire.with(1, [1])],
      ['an id skip past the end', (wire) => wire.with(1, [1_000, 2])],
      ['id skips going backwards', (wire) => wire.with(1, [3, 1, 0, 1])],
      ['an attribute count past the names', (wire) => wire.with(0, (wire[0] as unknown[]).with(2, 1_000))],
      ['an attribute value that is not text', (wire) => wire.with(4, [5])],
      ['a text left over', (wire) => wire.with(5, `${wire[5] as string}\u0000extra`)],
      ['a text missing', (wire) => wire.with(5, [])],
      ['extras not in pairs', (wire) => wire.with(3, [1])],
      ['extras overriding a column', (wire) => wire.with(3, [1, { id: 7 }])],
      ['extras past the end', (wire) => wire.with(3, [1_000, { v: 'x' }])],
      ['extras going backwards', (wire) => wire.with(3, [3, { v: 'x' }, 0, { v: 'y' }])],
    ];
    // Control: the list as encoded decodes.
    expect(decodeNodeList(valid(), new WireState())).toHaveLength(40);
    for (const [what, breakIt] of cases) {
      expect(() => decodeNodeList(breakIt(valid()), new WireState()), what).toThrow(WireFormatError);
    }
  });

  it('never throws anything but WireFormatError on randomly corrupted columns (property)', () => {
    const junk = fc.oneof(
      fc.integer({ min: -5, max: 600 }),
      fc.double(),
      text,
      fc.constant(null),
      fc.array(fc.nat(), { maxLength: 3 }),
      fc.dictionary(text, fc.nat()),
    );
    fc.assert(
      fc.property(fc.nat({ max: 5 }), fc.nat({ max: 60 }), junk, (columnIndex, entry, value) => {
        const wire = valid();
        const raw = wire[columnIndex];
        const columnValue = typeof raw === 'string' ? raw.split('\u0000') : (raw as unknown[]);
        const broken = wire.with(
          columnIndex,
          entry < columnValue.length ? columnValue.with(entry, value) : [...columnValue, value],
        );
        try {
          const nodes = decodeNodeList(broken, new WireState());
          // Whatever decodes is plain data that validation then judges.
          expect(Array.isArray(nodes)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(WireFormatError);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('turns a malformed compact message into a fatal DECODE_FAILED, not a crash', () => {
    const deflate = new Deflate({ raw: true });
    const chunks: Uint8Array[] = [];
    deflate.onData = (chunk: Uint8Array) => chunks.push(chunk);
    const frame = (value: unknown): Uint8Array => {
      chunks.length = 0;
      deflate.push(new Packr({ useRecords: false }).pack(value), Z_SYNC_FLUSH);
      const bytes = Buffer.concat(chunks);
      return new Uint8Array(bytes.subarray(0, bytes.length - 4));
    };
    const decoder = new MessageDecoder({ inflater: inflateStream });
    // Code 1 is the snapshot layout; its node list has a text but no node for it.
    const result = decoder.decode(frame([1, 0, 0, 0, true, 'u', 't', 1, 1, 1, 0, 0, [[], [], [], [], [], ['x']]]));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('DECODE_FAILED');
      expect(result.fatal).toBe(true);
    }
  });
});
