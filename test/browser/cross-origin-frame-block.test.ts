/**
 * A joined cross-origin widget whose <iframe> the page blocks or masks after it
 * was serialized (a marker on an ancestor, or the <iframe> moved into a blocked
 * region) sends nothing more: not what it had waiting, not its next changes, not
 * its next page (client/capture/frame-bridge.ts decides on the live DOM, not on
 * the decision cached when the <iframe> went out). Setup as
 * cross-origin-frames.test.ts (the customer's page is this test page, the
 * widget on the test server's other origin with the real loader). Oracle: the
 * widget's texts searched in every message decoded on the agent side from the
 * instant the marker was set, and the widget's own list of fetched resources
 * (its session code loads only after a hello); the control shows a change of
 * the widget reaching the channel while its region is clear.
 */
import { expect } from '@open-wc/testing';
import { Pipeline, type CustomerPage } from './helpers/pipeline-harness.js';
import {
  answer,
  command,
  framePage,
  knownTextsIn,
  mirroredFrame,
  OTHER,
  page,
  sessionLoaded,
  Traffic,
  until,
  crossOriginRun,
} from './helpers/cross-origin.js';

const WIDGET = framePage('payment-widget');
/** Texts of the widget's pages (its HTML, and what the test makes it show). */
const WIDGET_TEXTS = [
  'Payment widget',
  'Enter your card',
  'Ada Lovelace',
  'before the block',
  'after the block',
  'Reloaded',
];
const isReady = (data: unknown): boolean => (data as { kind?: unknown } | null)?.kind === 'frame-ready';

function widgetTextsIn(values: unknown[]): string[] {
  return knownTextsIn(values, WIDGET_TEXTS);
}

describe('cross-origin iframes blocked or masked after they were serialized', function () {
  this.timeout(60_000);
  const run = crossOriginRun();

  /** The widget joined and mirrored in a clear region `#box`. */
  async function joined(): Promise<{ p: Pipeline; t: Traffic; customer: CustomerPage; widget: HTMLIFrameElement }> {
    run.traffic = new Traffic();
    const t = run.traffic;
    const customer = await page(`<div id="box"><iframe id="widget" src="${WIDGET}"></iframe></div>
      <div id="vault" data-cobrowse-block><p>blocked region</p></div>`);
    await until(() => t.window.filter(answer('loaded')).length === 1, 'the widget loaded');
    run.pipeline = new Pipeline(customer, { frames: { origins: [OTHER] } });
    const p = run.pipeline;
    await p.start();
    await until(() => mirroredFrame(p, 'widget')?.getElementById('private') != null, 'the widget in the mirror');
    const widget = customer.doc.getElementById('widget') as HTMLIFrameElement;
    // Control: a change of the widget reaches the channel while its region is clear.
    const from = p.decoded.length;
    await command(customer, t, widget, 'text', 'before the block');
    await until(() => widgetTextsIn(p.decoded.slice(from)).includes('before the block'), 'the change on the channel');
    return { p, t, customer, widget };
  }

  for (const marker of ['data-cobrowse-block', 'data-cobrowse-mask'])
    it(`a widget whose container gets ${marker} sends nothing more, changed or reloaded`, async () => {
      const { p, t, customer, widget } = await joined();
      // The widget changes just before the marker: its mutation is waiting in the page when the marker is set.
      const changed = command(customer, t, widget, 'text', 'after the block');
      await until(() => widgetTextsIn(t.ports).includes('after the block'), 'the change posted to the page');
      const from = p.decoded.length;
      customer.doc.getElementById('box')?.setAttribute(marker, '');
      await changed;
      await p.settle();
      await command(customer, t, widget, 'text', 'after the block, again');
      await p.settle();
      expect(widgetTextsIn(p.decoded.slice(from))).to.deep.equal([]);
      // Its next page says ready and loads: the page does not join it.
      const loaded = t.window.filter(answer('loaded')).length;
      const readies = t.window.filter(isReady).length;
      widget.contentWindow?.postMessage({ test: 'navigate', value: `${WIDGET}&title=Reloaded` }, OTHER);
      await until(
        () => t.window.filter(answer('loaded')).length > loaded && t.window.filter(isReady).length > readies,
        'the next widget page loaded and said ready',
      );
      for (let i = 0; i < 10; i++) {
        await p.settle();
        expect(await sessionLoaded(customer, t, widget)).to.equal(false);
      }
      expect(widgetTextsIn(p.decoded.slice(from))).to.deep.equal([]);
      expect(p.engine.stats.frames?.joined).to.equal(0);
      expect(mirroredFrame(p, 'widget')?.getElementById('title') ?? null).to.equal(null);
    });

  it('a widget moved into a blocked region is not joined again', async () => {
    const { p, t, customer, widget } = await joined();
    const from = p.decoded.length;
    const loaded = t.window.filter(answer('loaded')).length;
    const readies = t.window.filter(isReady).length;
    // Moving an <iframe> loads its page again, in a new window.
    customer.doc.getElementById('vault')?.append(widget);
    await until(
      () => t.window.filter(answer('loaded')).length > loaded && t.window.filter(isReady).length > readies,
      'the moved widget loaded and said ready',
    );
    for (let i = 0; i < 10; i++) {
      await p.settle();
      expect(await sessionLoaded(customer, t, widget)).to.equal(false);
    }
    expect(widgetTextsIn(p.decoded.slice(from))).to.deep.equal([]);
    expect(p.engine.stats.frames?.joined).to.equal(0);
  });
});
