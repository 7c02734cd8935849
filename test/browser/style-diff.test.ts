/**
 * Style attribute changes travel as differences from the last value sent
 * (shared/wire-style-diff.ts). Property: random style edits on the customer's
 * elements (single properties, removals, whole cssText, the attribute itself),
 * through the real capture engine, codec and mirror, leave every mirrored
 * element with the customer's computed style. The oracle reads computed
 * styles of both pages; a separate check reads the raw wire (its own inflate
 * and msgpack) to see that differences were really sent.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { Unpackr } from 'msgpackr';
import { inflateStream } from '../../shared/inflate-stream.js';
import { splitSegments } from '../../shared/stream-segments.js';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

const ELEMENTS = 4;
const PROPERTIES = [
  'width',
  'height',
  'transform',
  'opacity',
  'color',
  'background-color',
  'margin-left',
  'display',
  'border-top-width',
] as const;
type Property = (typeof PROPERTIES)[number];

const VALUES: Record<Property, fc.Arbitrary<string>> = {
  width: fc.nat(300).map((n) => `${n}px`),
  height: fc.nat(100).map((n) => `${n}px`),
  transform: fc.oneof(
    fc.nat(200).map((n) => `translateX(${n}px)`),
    fc.nat(90).map((n) => `rotate(${n}deg) scale(1.5)`),
    fc.constant('none'),
  ),
  opacity: fc.nat(100).map((n) => String(n / 100)),
  color: fc.constantFrom('red', 'rgb(1, 2, 3)', 'hsl(120 50% 50%)', 'transparent'),
  'background-color': fc.constantFrom('blue', 'rgba(0, 0, 0, 0.5)', '#0f766e'),
  'margin-left': fc.integer({ min: -20, max: 40 }).map((n) => `${n}px`),
  display: fc.constantFrom('block', 'inline-block', 'flex', 'none'),
  'border-top-width': fc.nat(5).map((n) => `${n}px`),
};

const declaration = fc
  .constantFrom(...PROPERTIES)
  .chain((property) => VALUES[property].map((value) => ({ property, value })));

type Edit =
  | { kind: 'set'; element: number; property: Property; value: string }
  | { kind: 'remove'; element: number; property: Property }
  | { kind: 'cssText'; element: number; declarations: Array<{ property: Property; value: string }> }
  | { kind: 'attribute'; element: number; text: string }
  | { kind: 'drop'; element: number };

const element = fc.nat(ELEMENTS - 1);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ kind: fc.constant('set' as const), element })
      .chain((e) => declaration.map((d) => ({ ...e, ...d }))),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('remove' as const), element, property: fc.constantFrom(...PROPERTIES) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cssText' as const),
      element,
      declarations: fc.array(declaration, { maxLength: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('attribute' as const),
      element,
      // Hand-written text, spacing and stray semicolons included.
      text: fc
        .tuple(fc.array(declaration, { maxLength: 4 }), fc.constantFrom(';', ' ; ', ';;', ';\n'))
        .map(([ds, sep]) => ds.map((d) => `${d.property}:${d.value}`).join(sep)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), element }) },
);

function apply(doc: Document, e: Edit): void {
  const el = doc.getElementById(`s${e.element}`) as HTMLElement;
  if (e.kind === 'set') el.style.setProperty(e.property, e.value);
  else if (e.kind === 'remove') el.style.removeProperty(e.property);
  else if (e.kind === 'cssText') el.style.cssText = e.declarations.map((d) => `${d.property}: ${d.value}`).join('; ');
  else if (e.kind === 'attribute') el.setAttribute('style', e.text);
  else el.removeAttribute('style');
}

/** Elements whose computed style differs between the customer and the mirror, with the first differing property. */
function differences(pipeline: Pipeline): string[] {
  const found: string[] = [];
  for (let i = 0; i < ELEMENTS; i++) {
    const own = pipeline.customer.doc.getElementById(`s${i}`) as HTMLElement;
    const id = pipeline.engine.idOf(own);
    const twin = id === undefined ? null : pipeline.mirror.nodeById(id);
    if (!(twin instanceof (pipeline.mirrorDocument().defaultView as Window & typeof globalThis).Element)) {
      found.push(`s${i}: no mirror element`);
      continue;
    }
    const a = pipeline.customer.win.getComputedStyle(own);
    const b = pipeline.mirrorDocument().defaultView?.getComputedStyle(twin);
    for (const property of PROPERTIES) {
      const mine = a.getPropertyValue(property);
      const theirs = b?.getPropertyValue(property);
      if (mine !== theirs) {
        found.push(`s${i} ${property}: ${mine} vs ${theirs}`);
        break;
      }
    }
  }
  return found;
}

/** Style values of attribute changes on the wire that were sent as differences (read with an inflater and msgpack of our own). */
function differencesSent(wire: readonly Uint8Array[]): number {
  const inflater = inflateStream();
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
  let count = 0;
  for (const bytes of wire) {
    const inflated = inflater.inflate(bytes, 64 * 1024 * 1024);
    if (!inflated.ok) throw new Error(inflated.message);
    // A message in segments (a snapshot part) has its msgpack in the first one.
    const value: unknown = unpackr.unpack(splitSegments(inflated.bytes)?.[0] ?? inflated.bytes);
    // Mutations: [2, mask, seq delta, removes, adds, attrs, texts, ...]; attrs is [id, count, name, value, ...].
    if (!Array.isArray(value) || value[0] !== 2 || !Array.isArray(value[5])) continue;
    const attrs = value[5] as unknown[];
    for (let at = 0; at < attrs.length;) {
      const n = attrs[at + 1] as number;
      for (let j = 0; j < n; j++) if (Array.isArray(attrs[at + 3 + j * 2])) count++;
      at += 2 + n * 2;
    }
  }
  return count;
}

describe('style differences through the real pipeline', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;

  before(async () => {
    const boxes = Array.from(
      { length: ELEMENTS },
      (_, i) =>
        `<div id="s${i}" style="width: 40px; height: 20px; background-color: teal; position: relative">box ${i}</div>`,
    ).join('');
    pipeline = new Pipeline(await loadCustomerPage(`<!DOCTYPE html><html><body>${boxes}</body></html>`));
    await pipeline.start();
  });

  after(() => pipeline.dispose());

  it('leave the mirror with the customer computed style after any sequence of edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 12 }), async (edits) => {
        for (const e of edits) {
          apply(pipeline.customer.doc, e);
          await pipeline.settle(1);
        }
        expect(pipeline.decodeErrors).to.deep.equal([]);
        expect(pipeline.resyncRequests).to.deep.equal([]);
        expect(differences(pipeline)).to.deep.equal([]);
      }),
      { numRuns: 20, endOnFailure: true },
    );
    expect(differencesSent(pipeline.wire)).to.be.greaterThan(10);
  });

  it('the oracle sees a mirror that differs (control)', async () => {
    const own = pipeline.customer.doc.getElementById('s0') as HTMLElement;
    own.style.setProperty('width', '77px');
    await pipeline.settle(1);
    expect(differences(pipeline)).to.deep.equal([]);
    const twin = pipeline.mirror.nodeById(pipeline.engine.idOf(own) ?? -1) as HTMLElement;
    twin.style.setProperty('width', '78px');
    expect(differences(pipeline)).to.have.length(1);
  });
});
