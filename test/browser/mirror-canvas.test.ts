/**
 * A canvas keeps its box in the mirror (the mirror runs no script, so a
 * canvas there would render its fallback content and collapse). The oracle
 * is each canvas's box in the customer's page and in the mirror.
 */
import { expect } from '@open-wc/testing';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

const PAGE = `<!doctype html><html lang="en"><head><title>Canvas</title><style>
  body { margin: 0; font: 16px sans-serif; } .wide { width: 100%; } .fixed { width: 120px; height: 40px; } .block { display: block; }
</style></head><body>
<canvas data-k="default">fallback text that is much longer than the canvas is wide, on several words</canvas><span>after</span>
<canvas data-k="attrs" width="640" height="200"></canvas>
<div style="width:400px"><canvas data-k="wide" class="wide" width="800" height="400"></canvas></div>
<canvas data-k="fixed" class="fixed" width="10" height="10"></canvas>
<canvas data-k="block" class="block" width="50" height="25" style="margin:auto"></canvas>
<p id="below">below</p>
</body></html>`;

describe('mirror: canvas', function () {
  this.timeout(30_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  it('keeps every canvas box and the layout around it', async () => {
    const customer = await loadCustomerPage(PAGE);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const mirror = pipeline.mirrorDocument();
    const box = (doc: Document, selector: string): string => {
      const rect = doc.querySelector(selector)?.getBoundingClientRect();
      return rect === undefined
        ? 'missing'
        : `${Math.round(rect.left)},${Math.round(rect.top)} ${Math.round(rect.width)}×${Math.round(rect.height)}`;
    };
    for (const key of ['default', 'attrs', 'wide', 'fixed', 'block']) {
      expect(box(mirror, `[data-k="${key}"]`), key).to.equal(box(customer.doc, `[data-k="${key}"]`));
    }
    expect(box(mirror, '#below')).to.equal(box(customer.doc, '#below'));
  });
});
