/**
 * The snapshot walk's slices (client/capture/snapshot.ts) on a fake clock:
 * every node serialized costs 0.1 ms and handing a part over costs what the
 * test says, so which nodes land in which part is exact and timing-free.
 * What is checked: a slice's node loop leaves room for handing its part over
 * (loop plus hand-over stay near the budget), and every node still goes out
 * once, in order. Control: with a free hand-over the parts keep their size.
 * A page of fewer than ONE_PART_NODES nodes goes out as one part, walked
 * over several slices and handed over in a task of its own.
 */
import { expect } from '@open-wc/testing';
import type { SerializedNode } from '../../shared/protocol.js';
import { createMaskConfig } from '../../client/capture/mask-dom.js';
import { NodeIds, TOP_DOCUMENT_ID } from '../../client/capture/node-ids.js';
import { Serializer } from '../../client/capture/serialize.js';
import { LATE_SLICE_AFTER_NODES, ONE_PART_NODES, walkSnapshot } from '../../client/capture/snapshot.js';
import { SheetReader } from '../../client/capture/stylesheets.js';
import { SensitiveFields } from '../../client/capture/typing-mask.js';

const NODE_MS = 0.1;
const BUDGET_MS = 8;

/** What the walk did, in order: a slice started, it yielded, it handed a part over. */
type Step = 'slice' | 'yield' | 'emit';

async function walk(
  frame: HTMLIFrameElement,
  handOverMs: number,
  stallMs = 0,
  steps: Step[] = [],
): Promise<SerializedNode[][]> {
  const doc = frame.contentDocument as Document;
  const win = frame.contentWindow as Window & typeof globalThis;
  let clock = 0;
  const ids = new NodeIds(doc);
  const serializer = new Serializer({
    sensitiveFields: new SensitiveFields(),
    ids,
    mask: createMaskConfig(),
    sheets: new SheetReader(win),
    topDocument: doc,
    isOwnUi: () => false,
    onRoot: () => undefined,
    onSerialized: () => {
      clock += NODE_MS;
    },
  });
  const parts: SerializedNode[][] = [];
  const result = await walkSnapshot({
    serializer,
    ids,
    topDocument: doc,
    budgetMs: BUDGET_MS,
    now: () => clock,
    yieldToEventLoop: () => {
      steps.push('yield');
      return Promise.resolve();
    },
    // A stall before a slice's first node (GC, the thread descheduled) uses up its budget.
    beforeSlice: () => {
      steps.push('slice');
      clock += stallMs;
    },
    emitPart: (nodes) => {
      steps.push('emit');
      parts.push(nodes);
      clock += handOverMs;
      return true;
    },
    movedAway: () => false,
    cancelled: () => false,
  });
  expect(result).to.equal('done');
  return parts;
}

describe('snapshot walk: slice budget on a fake clock', () => {
  let frame: HTMLIFrameElement;
  beforeEach(async () => {
    frame = document.createElement('iframe');
    document.body.append(frame);
    const doc = frame.contentDocument as Document;
    doc.open();
    // 4,004 nodes: past ONE_PART_NODES, so a part per slice.
    doc.write(`<!DOCTYPE html><html><body>${'<p>text <b>bold</b></p>'.repeat(1000)}</body></html>`);
    doc.close();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  afterEach(() => frame.remove());

  it('shrinks the node loop by what handing the last part over cost, so a slice stays near its budget', async () => {
    const parts = await walk(frame, 6);
    const sizes = parts.map((p) => p.length);
    // Before any hand-over was measured, the loop leaves half the budget for it: 4 ms, the clock read
    // on every node of the first slice: 40 nodes.
    expect(sizes[0]).to.equal(40);
    // Later loops leave 6 ms for the hand-over (a quarter of the budget stays, 2 ms: 31 nodes), so loop
    // plus hand-over is 9.1 ms, not 15.5.
    for (const size of sizes.slice(1, -1)) expect(size).to.equal(31);
  });

  it('control: a free hand-over leaves every loop after the first the whole budget', async () => {
    const sizes = (await walk(frame, 0)).map((p) => p.length);
    expect(sizes[0]).to.equal(40);
    // 8 ms = 80 nodes, checked every 32 visits: 95 nodes.
    for (const size of sizes.slice(1, -1)) expect(size).to.equal(95);
  });

  it('sends a page of fewer than ONE_PART_NODES nodes as one part, walked over several slices', async () => {
    const doc = frame.contentDocument as Document;
    doc.body.innerHTML = '<p>text <b>bold</b></p>'.repeat(300);
    const steps: Step[] = [];
    const parts = await walk(frame, 6, 0, steps);
    expect(parts.length).to.equal(1);
    expect(parts[0]?.length).to.equal(doc.querySelectorAll('*').length + 300 * 2 + 1);
    expect(parts[0]!.length).to.be.below(ONE_PART_NODES);
    expect(steps.filter((step) => step === 'slice').length).to.be.above(10);
    // Handed over in a task of its own, after the last slice's (then the walk yields once more and ends).
    expect(steps.slice(-4)).to.deep.equal(['slice', 'yield', 'emit', 'yield']);
  });

  it('control: a page of ONE_PART_NODES nodes or more goes out a part per slice, each handed over in the task of its slice', async () => {
    const steps: Step[] = [];
    const parts = await walk(frame, 6, 0, steps);
    expect(parts.length).to.be.above(10);
    expect(steps.filter((step) => step === 'slice').length).to.equal(parts.length);
    const beforeEmit = steps.flatMap((step, i) => (step === 'emit' ? [steps[i - 1]] : []));
    expect(new Set(beforeEmit)).to.deep.equal(new Set(['slice']));
  });

  it('gives the slices after LATE_SLICE_AFTER_NODES nodes three quarters of the budget', async () => {
    const doc = frame.contentDocument as Document;
    doc.body.innerHTML = '<p>text <b>bold</b></p>'.repeat(Math.ceil(LATE_SLICE_AFTER_NODES / 4) + 1000);
    const sizes = (await walk(frame, 0)).map((p) => p.length);
    let walked = 0;
    const early: number[] = [];
    const late: number[] = [];
    for (const size of sizes.slice(1, -1)) {
      (walked + sizes[0]! >= LATE_SLICE_AFTER_NODES ? late : early).push(size);
      walked += size;
    }
    // 8 ms = 80 nodes, checked every 32 visits: 95 nodes; then 6 ms = 60 nodes: 63.
    expect(new Set(early)).to.deep.equal(new Set([95]));
    expect(late.length).to.be.above(10);
    expect(new Set(late)).to.deep.equal(new Set([63]));
  });

  it('a part holds at least one node, even after a stall longer than the budget (the first one its doctype)', async () => {
    const parts = await walk(frame, 0, BUDGET_MS * 2);
    expect(parts.every((part) => part.length > 0)).to.equal(true);
    expect(parts[0]?.[0]?.kind).to.equal('doctype');
  });

  it('sends every node once, parents before children, whatever the hand-over cost', async () => {
    const doc = frame.contentDocument as Document;
    for (const handOver of [0, 2, 7, 30]) {
      const nodes = (await walk(frame, handOver)).flat();
      const seen = new Set<number>([TOP_DOCUMENT_ID]);
      for (const node of nodes) {
        expect(seen.has(node.id), `id ${node.id} sent twice`).to.equal(false);
        expect(seen.has(node.parent), `parent of ${node.id} sent before it`).to.equal(true);
        seen.add(node.id);
      }
      // Elements, two texts per paragraph, the doctype.
      expect(nodes.length).to.equal(doc.querySelectorAll('*').length + doc.querySelectorAll('p').length * 2 + 1);
    }
  });
});
