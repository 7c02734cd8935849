/**
 * CSSOM edits that leave the markup alone reach the mirror: declaration-level
 * edits of existing rules, a rule's selector, keyframes, disabling a sheet,
 * and alternate stylesheets that are off; `:hover`, `:focus` and
 * `:focus-within` rules follow the customer's real pointer and focus (not
 * the agent's mouse over the view). The oracle is the computed style of the
 * same element on both sides (read from each document directly).
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

const PAGE = `<!doctype html><html lang="en"><head><title>Live CSS</title>
<style id="main">.menu { color: rgb(200, 0, 0); display: none; } .tag { font-size: 12px; } @keyframes pulse { from { opacity: 1; } to { opacity: 0.5; } }</style>
<style id="extra">.tag { font-weight: 700; }</style>
<link rel="alternate stylesheet" title="contrast" href="data:text/css,.tag%7Bbackground%3Argb(0%2C0%2C0)%7D">
</head><body><nav class="menu">Menu</nav><span class="tag">Tag</span></body></html>`;

function styleOf(doc: Document, selector: string, property: string): string {
  const el = doc.querySelector(selector);
  if (el === null) throw new Error(`no ${selector}`);
  return doc.defaultView?.getComputedStyle(el).getPropertyValue(property) ?? '';
}

describe('live CSS: CSSOM edits without markup changes reach the mirror', function () {
  this.timeout(30_000);
  let pipeline: Pipeline | null = null;
  afterEach(() => {
    pipeline?.dispose();
    pipeline = null;
  });

  async function same(selector: string, property: string): Promise<string> {
    if (pipeline === null) throw new Error('no pipeline');
    await pipeline.settle(2);
    const customer = styleOf(pipeline.customer.doc, selector, property);
    expect(styleOf(pipeline.mirrorDocument(), selector, property), `${selector} ${property}`).to.equal(customer);
    return customer;
  }

  it('follows setProperty, removeProperty, cssText and selectorText on existing rules, and sheet.disabled', async () => {
    const customer = await loadCustomerPage(PAGE);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const sheet = (customer.doc.getElementById('main') as HTMLStyleElement).sheet as CSSStyleSheet;
    const menu = sheet.cssRules[0] as CSSStyleRule;
    expect(await same('.menu', 'display')).to.equal('none');

    menu.style.setProperty('display', 'block');
    expect(await same('.menu', 'display')).to.equal('block');
    menu.style.setProperty('color', 'rgb(0, 0, 200)', 'important');
    expect(await same('.menu', 'color')).to.equal('rgb(0, 0, 200)');
    menu.style.removeProperty('color');
    expect(await same('.menu', 'color')).to.equal('rgb(0, 0, 0)');
    menu.style.cssText = 'display: flex; color: rgb(0, 128, 0)';
    expect(await same('.menu', 'display')).to.equal('flex');
    expect(await same('.menu', 'color')).to.equal('rgb(0, 128, 0)');
    menu.selectorText = '.tag';
    expect(await same('.menu', 'display')).to.equal('block');
    expect(await same('.tag', 'color')).to.equal('rgb(0, 128, 0)');

    const extra = (customer.doc.getElementById('extra') as HTMLStyleElement).sheet as CSSStyleSheet;
    expect(await same('.tag', 'font-weight')).to.equal('700');
    extra.disabled = true;
    expect(await same('.tag', 'font-weight')).to.equal('400');
    extra.disabled = false;
    expect(await same('.tag', 'font-weight')).to.equal('700');
  });

  it('leaves an alternate stylesheet that is off, off', async () => {
    const customer = await loadCustomerPage(PAGE);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    expect(await same('.tag', 'background-color')).to.equal('rgba(0, 0, 0, 0)');
  });

  it('matches :hover under the customer’s pointer and :focus/:focus-within at the customer’s focus, not the agent’s mouse', async () => {
    const customer = await loadCustomerPage(`<!doctype html><html lang="en"><head><title>Menus</title><style>
      body { margin: 0; } .wrap { width: 200px; height: 40px; } .wrap:hover .drop { display: block; } .drop { display: none; }
      form:focus-within { outline: 3px solid rgb(0, 0, 255); } input:focus { background-color: rgb(255, 255, 0); }
      .quote::after { content: ":hover stays text"; }
    </style></head><body><div class="wrap"><span>Products</span><ul class="drop"><li>One</li></ul></div>
      <form style="margin-top:200px"><input id="q"></form><p class="quote">q</p></body></html>`);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const current = pipeline;
    // What the console does with each pointer frame (agent/cobrowse-agent-view.ts).
    const forwardPointers = (): void => {
      for (const message of current.decoded.splice(0))
        if (message.t === 'pointer') current.mirror.pointer(message.x, message.y, message.gone ?? false);
    };
    expect(await same('.drop', 'display')).to.equal('none');

    // The agent's own mouse over the mirror opens nothing.
    const mirrorBox = current.mirror.iframe.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(mirrorBox.left + 20), Math.round(mirrorBox.top + 10)] });
    await current.settle(2);
    expect(styleOf(current.mirrorDocument(), '.drop', 'display')).to.equal('none');

    // The customer's pointer does.
    const frameBox = customer.frame.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(frameBox.left + 20), Math.round(frameBox.top + 10)] });
    await current.settle(2);
    forwardPointers();
    expect(await same('.drop', 'display')).to.equal('block');
    await sendMouse({ type: 'move', position: [Math.round(frameBox.left + 500), Math.round(frameBox.top + 150)] });
    await current.settle(2);
    forwardPointers();
    expect(await same('.drop', 'display')).to.equal('none');

    expect(await same('form', 'outline-color')).to.not.equal('rgb(0, 0, 255)');
    (customer.doc.getElementById('q') as HTMLInputElement).focus();
    expect(await same('form', 'outline-color')).to.equal('rgb(0, 0, 255)');
    expect(await same('#q', 'background-color')).to.equal('rgb(255, 255, 0)');
    expect(
      customer.doc.defaultView?.getComputedStyle(customer.doc.querySelector('.quote') as Element, '::after').content,
    ).to.equal('":hover stays text"');
    expect(
      current
        .mirrorDocument()
        .defaultView?.getComputedStyle(current.mirrorDocument().querySelector('.quote') as Element, '::after').content,
    ).to.equal('":hover stays text"');
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('matches :active while the customer holds the button down on it, and not after', async () => {
    const customer = await loadCustomerPage(`<!doctype html><html lang="en"><head><title>Press</title><style>
      body { margin: 0; } button { width: 120px; height: 40px; background-color: rgb(220, 220, 220); }
      button:active { background-color: rgb(200, 30, 30); } .bar:active { border-top: 4px solid rgb(0, 90, 0); }
    </style></head><body><div class="bar"><button id="b">Press</button></div></body></html>`);
    pipeline = new Pipeline(customer);
    await pipeline.start();
    const current = pipeline;
    const forwardPointers = (): void => {
      for (const message of current.decoded.splice(0))
        if (message.t === 'pointer')
          current.mirror.pointer(message.x, message.y, message.gone ?? false, message.down ?? false);
    };
    const frameBox = customer.frame.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(frameBox.left + 30), Math.round(frameBox.top + 20)] });
    await current.settle(2);
    forwardPointers();
    expect(await same('#b', 'background-color')).to.equal('rgb(220, 220, 220)');
    // A real press in the customer's page: its own :active is the oracle.
    await sendMouse({ type: 'down' });
    await current.settle(2);
    forwardPointers();
    expect(await same('#b', 'background-color')).to.equal('rgb(200, 30, 30)');
    expect(await same('.bar', 'border-top-width')).to.equal('4px');
    await sendMouse({ type: 'up' });
    await current.settle(2);
    forwardPointers();
    expect(await same('#b', 'background-color')).to.equal('rgb(220, 220, 220)');
    await sendMouse({ type: 'move', position: [0, 0] });
  });
});
