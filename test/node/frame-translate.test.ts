/**
 * FrameIdMap (client/capture/frame-translate.ts): a cross-origin frame's DOM
 * frames put into the page's id space. Property: whatever a frame sends,
 * every id in what goes out is the <iframe>'s (as a parent) or one the map
 * handed out for this frame; the page's own ids are never named. Oracle: the
 * set of ids the allocator handed out, kept here, not read from the map.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameIdMap } from '../../client/capture/frame-translate.js';
import type { DomFrame, SerializedNode } from '../../shared/protocol.js';
import { parseOrigins } from '../../shared/frame-handshake.js';

const IFRAME_ID = 7;
/** The page's own ids: the allocator starts above them. */
const PAGE_IDS = 100;

function harness(): { map: FrameIdMap; handedOut: Set<number> } {
  const handedOut = new Set<number>();
  let next = PAGE_IDS + 1;
  const map = new FrameIdMap(IFRAME_ID, () => {
    handedOut.add(next);
    return next++;
  });
  return { map, handedOut };
}

function snapshot(part: number, final: boolean, nodes: SerializedNode[]): DomFrame {
  return {
    t: 'snapshot',
    seq: 0,
    part,
    final,
    url: 'https://w.example/',
    title: '',
    viewportWidth: 1,
    viewportHeight: 1,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 0,
    nodes,
  };
}

/** Every node id a page frame names (ids, parents, next siblings, targets). */
function idsNamed(frame: Record<string, unknown>): number[] {
  const ids: number[] = [];
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'number' && ['id', 'parent', 'next', 'start', 'end'].includes(key)) ids.push(value);
    else if (key === 'removes' && Array.isArray(value)) ids.push(...(value as number[]));
    else if (Array.isArray(value)) for (const item of value) visit(item, '');
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(v, k);
  };
  visit(frame, '');
  return ids;
}

const smallId = fc.integer({ min: 0, max: 12 });
const node = fc
  .record({ id: smallId, p: smallId, nx: fc.option(smallId, { nil: undefined }) })
  .map(({ id, p, nx }): SerializedNode => ({
    kind: 'el',
    id,
    parent: p,
    tag: 'div',
    ...(nx === undefined ? {} : { next: nx }),
  }));
const frame: fc.Arbitrary<DomFrame> = fc.oneof(
  fc
    .record({ part: fc.integer({ min: 0, max: 2 }), final: fc.boolean(), nodes: fc.array(node, { maxLength: 6 }) })
    .map(({ part, final, nodes }) => snapshot(part, final, nodes)),
  fc
    .record({
      removes: fc.array(smallId, { maxLength: 3 }),
      adds: fc.array(node, { maxLength: 4 }),
      attrs: fc.array(
        smallId.map((id) => ({ id, attributes: { class: 'x' } })),
        { maxLength: 2 },
      ),
      texts: fc.array(
        smallId.map((id) => ({ id, text: 't' })),
        { maxLength: 2 },
      ),
    })
    .map((body): DomFrame => ({ t: 'mutations', seq: 1, ...body })),
  smallId.map((id): DomFrame => ({ t: 'scroll', seq: 2, id, x: 1, y: 2 })),
  smallId.map((id): DomFrame => ({ t: 'input', seq: 3, id, value: 'a' })),
  fc.option(smallId, { nil: null }).map((id): DomFrame => ({ t: 'focus', seq: 4, id })),
  fc
    .array(smallId, { maxLength: 3 })
    .map((ids): DomFrame => ({ t: 'top', seq: 5, layer: ids.map((id) => ({ id, kind: 'modal' as const })) })),
);

describe('FrameIdMap', () => {
  it('maps a frame snapshot under a new doc node of the <iframe>', () => {
    const { map } = harness();
    const result = map.translate(
      snapshot(0, true, [
        { kind: 'doctype', id: 1, parent: 0, name: 'html' },
        { kind: 'el', id: 2, parent: 0, tag: 'html' },
      ]),
    );
    expect(result).toEqual({
      frames: [
        {
          t: 'mutations',
          removes: [],
          adds: [
            { kind: 'doc', id: 101, parent: IFRAME_ID, next: null },
            { kind: 'doctype', id: 102, parent: 101, name: 'html' },
            { kind: 'el', id: 103, parent: 101, tag: 'html' },
          ],
          attrs: [],
          texts: [],
        },
      ],
    });
    // A second run of the frame replaces its document.
    const again = map.translate(snapshot(0, true, []));
    expect('frames' in again && again.frames[0]).toMatchObject({ removes: [101], adds: [{ kind: 'doc', id: 104 }] });
    // Its page goes away: the document leaves the mirror.
    expect(map.clear()).toEqual([{ t: 'mutations', removes: [104], adds: [], attrs: [], texts: [] }]);
  });

  it('restarts the frame rather than naming an id it never sent', () => {
    const { map } = harness();
    map.translate(snapshot(0, true, [{ kind: 'el', id: 2, parent: 0, tag: 'html' }]));
    expect(
      map.translate({ t: 'mutations', seq: 1, removes: [], adds: [], attrs: [{ id: 3, attributes: {} }], texts: [] }),
    ).toHaveProperty('restart');
    expect(map.translate({ t: 'scroll', seq: 1, id: 9, x: 0, y: 0 })).toHaveProperty('restart');
    expect(map.translate(snapshot(2, true, []))).toHaveProperty('restart');
  });

  it("carries the frame's top layer in page ids, and restarts on a node it never sent", () => {
    const { map } = harness();
    map.translate(
      snapshot(0, true, [
        { kind: 'el', id: 2, parent: 0, tag: 'dialog' },
        { kind: 'el', id: 3, parent: 0, tag: 'div' },
      ]),
    );
    const layer = [
      { id: 2, kind: 'modal' as const },
      { id: 3, kind: 'popover' as const },
    ];
    expect(map.translate({ t: 'top', seq: 1, layer })).toEqual({
      frames: [
        {
          t: 'top',
          layer: [
            { id: 102, kind: 'modal' },
            { id: 103, kind: 'popover' },
          ],
        },
      ],
    });
    expect(map.translate({ t: 'top', seq: 2, layer: [{ id: 9, kind: 'modal' }] })).toHaveProperty('restart');
  });

  it('never names an id of the page, whatever the frame sends (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 30 }), (frames) => {
        const { map, handedOut } = harness();
        for (const sent of frames) {
          const result = map.translate(sent);
          if (!('frames' in result)) continue;
          for (const out of result.frames)
            for (const id of idsNamed(out as unknown as Record<string, unknown>))
              if (id !== IFRAME_ID && !handedOut.has(id)) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('control: the property finds a translator that passes unknown ids through', () => {
    const leaky = { translate: (sent: DomFrame) => ({ frames: [sent] }) };
    const found = fc.check(
      fc.property(fc.array(frame, { maxLength: 30 }), (frames) => {
        const handedOut = new Set<number>();
        return frames.every((sent) =>
          leaky
            .translate(sent)
            .frames.every((out) =>
              idsNamed(out as unknown as Record<string, unknown>).every((id) => id === IFRAME_ID || handedOut.has(id)),
            ),
        );
      }),
    );
    expect(found.failed).toBe(true);
  });
});

describe('parseOrigins', () => {
  it('keeps exact http(s) origins only', () => {
    expect(parseOrigins('https://a.example, http://b.example:8080/path  *  javascript:alert(1) null ftp://c')).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
    expect(parseOrigins(null)).toEqual([]);
  });
});
