import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { deflateRaw } from 'pako';
import { describe, expect, it } from 'vitest';
import { MessageDecoder, MessageEncoder } from '../../shared/codec.js';
import { compactNodes, expandNodes } from '../../shared/node-list-compaction.js';
import type { ChannelMessage, SerializedNode } from '../../shared/protocol.js';

/** A pre-order tree: each node is the first child of the one before, or a sibling of an ancestor. */
function preorderNodes(count: number): SerializedNode[] {
  const nodes: SerializedNode[] = [];
  const open: number[] = [0];
  for (let id = 1; id <= count; id++) {
    if (id % 5 === 0 && open.length > 1) open.pop();
    const p = open[open.length - 1] ?? 0;
    nodes.push(id % 3 === 0 ? { k: 'text', id, p, x: `text ${id}` } : { k: 'el', id, p, tag: 'div', a: { class: `c${id % 7}` } });
    if (id % 3 !== 0) open.push(id);
  }
  return nodes;
}

const snapshot = (nodes: SerializedNode[]): ChannelMessage => ({
  t: 'snapshot', seq: 0, part: 0, final: true, url: 'https://shop.example/', title: 'Shop', vw: 1280, vh: 800, dpr: 1, sx: 0, sy: 0, nodes,
});

describe('node list compaction on the wire', () => {
  it('drops sequential ids and first-child parents, and restores them exactly', () => {
    const nodes = preorderNodes(500);
    const wire = compactNodes(nodes);
    expect(wire.filter((n) => n.id !== undefined)).toHaveLength(1);
    expect(wire.filter((n) => n.p === undefined).length).toBeGreaterThan(200);
    const copy = structuredClone(wire);
    expandNodes(copy);
    expect(copy).toEqual(nodes);
  });

  it('round-trips any node list, in any id order, through the codec', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.integer({ min: 1, max: 1000 }), p: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 60 }), (pairs) => {
        const nodes: SerializedNode[] = pairs.map(({ id, p }) => ({ k: 'comment', id, p, x: '' }));
        const encoder = new MessageEncoder();
        const decoder = new MessageDecoder();
        const mutations: ChannelMessage = { t: 'mutations', seq: 1, removes: [], adds: nodes, attrs: [], texts: [] };
        for (const message of [snapshot(nodes), mutations]) {
          const result = decoder.decode(encoder.encode(message));
          expect(result.ok && result.message).toEqual(message);
        }
      }),
    );
  });

  it('makes a pre-order snapshot much smaller on the wire', () => {
    const nodes = preorderNodes(5_000);
    const compact = new MessageEncoder().encode(snapshot(nodes)).length;
    // What the wire carried before: every id and parent spelled out, same msgpack records and deflate.
    const explicit = deflateRaw(new Packr({ useRecords: true }).pack(snapshot(nodes))).length;
    expect(compact).toBeLessThan(explicit * 0.8);
  });

  it('rejects a list whose first node leaves its id out, instead of guessing', () => {
    const value = [{ k: 'el', p: 0, tag: 'div' }];
    expandNodes(value);
    expect(value[0]).not.toHaveProperty('id');
    const malformed = [{ k: 'el', id: 'x', p: 0, tag: 'div' }, { k: 'el', tag: 'p' }];
    expandNodes(malformed);
    expect(malformed[1]).not.toHaveProperty('id');
    expandNodes('not a list');
    expandNodes(null);
  });
});
