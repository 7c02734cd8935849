/**
 * The guidance tools of <cobrowse-agent-view>, judged by what the simulated
 * customer decodes off the real data channel: pointer, highlight, freehand
 * drawing, arrows and clearing, all in the customer's page coordinates
 * whatever the console's scale and the mirror's scroll. Input is real mouse
 * input from the test runner (Playwright), not synthetic events.
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { expectScreenshot } from './helpers/screenshots.js';
import { windowScroll } from './helpers/agent-frames.js';
import { liveAgentHooks, receivedOf, type LiveAgent } from './helpers/agent-live.js';
import { until } from './helpers/agent-server.js';
import {
  agentShadow,
  buttonNamed,
  mirrorScale,
  pageCentreOf,
  screenPointOfPage,
  type CobrowseAgentView,
} from './helpers/agent-view.js';

/** Screen pixels are whole numbers; one screen pixel is 1/scale page pixels, plus rounding on both sides. */
const tolerance = (view: CobrowseAgentView): number => 1 / mirrorScale(view) + 1;

async function mouseToPage(
  view: CobrowseAgentView,
  x: number,
  y: number,
  type: 'move' | 'click' = 'move',
): Promise<void> {
  const at = screenPointOfPage(view, x, y);
  await sendMouse({ type, position: [Math.round(at.x), Math.round(at.y)] });
}

/** Scroll the customer's window and wait until the mirror follows. */
async function customerScrollsTo(live: LiveAgent, y: number): Promise<void> {
  live.customer.send(windowScroll(live.page.nextSeq, 0, y));
  await until(() => live.view.mirror?.iframe.contentWindow?.scrollY === y, `the mirror to scroll to ${y}`);
}

describe('agent view guidance tools', () => {
  const startLive = liveAgentHooks({ viewport: { width: 1000, height: 720 } });

  it('sends the agent’s pointer in the customer’s page coordinates, through the scale and the mirror’s scroll', async () => {
    const live = await startLive();
    await customerScrollsTo(live, 150);
    expect(mirrorScale(live.view)).to.be.lessThan(1);
    const target = pageCentreOf(live.view, '#name');
    await mouseToPage(live.view, target.x, target.y);
    const pointer = await live.customer.waitFor((m) => m.t === 'pointer' && !m.gone && Math.abs(m.y - target.y) < 40);
    if (pointer.t !== 'pointer') throw new Error('not a pointer');
    expect(Math.abs(pointer.x - target.x)).to.be.lessThan(tolerance(live.view));
    expect(Math.abs(pointer.y - target.y)).to.be.lessThan(tolerance(live.view));
    // The scroll is in there: the same spot on screen is 150 px higher on the page without it.
    expect(pointer.y).to.be.greaterThan(150);
  });

  it('does not tell the customer the pointer is gone while it moves between elements, only when it leaves the page', async () => {
    const live = await startLive();
    const name = pageCentreOf(live.view, '#name');
    const pay = pageCentreOf(live.view, '#pay');
    await mouseToPage(live.view, name.x, name.y);
    await live.customer.waitFor((m) => m.t === 'pointer' && Math.abs(m.y - name.y) < 3);
    await mouseToPage(live.view, pay.x, pay.y);
    await live.customer.waitFor((m) => m.t === 'pointer' && Math.abs(m.y - pay.y) < 3);
    expect(receivedOf(live, 'pointer').filter((m) => m.gone)).to.deep.equal([]);

    // Off the mirror, onto the toolbar.
    const toolbar = agentShadow(live.view).querySelector('header')!.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(toolbar.left + 4), Math.round(toolbar.top + 4)] });
    await live.customer.waitFor((m) => m.t === 'pointer' && m.gone === true);
  });

  it('Highlight: clicking an element highlights it by node id; clicking it again clears the highlight', async () => {
    const live = await startLive();
    await customerScrollsTo(live, 40);
    buttonNamed(live.view, 'Highlight').click();
    await live.view.updateComplete;
    const pay = pageCentreOf(live.view, '#pay');
    await mouseToPage(live.view, pay.x, pay.y, 'click');
    const first = await live.customer.waitFor((m) => m.t === 'highlight');
    expect(first).to.deep.equal({ t: 'highlight', id: live.page.ids.pay, label: 'Look here' });
    const box = agentShadow(live.view).querySelector<HTMLElement>('.highlight')!;
    expect(box.style.display).to.equal('block');
    // The box sits on the element as the agent sees it.
    const button = screenPointOfPage(live.view, pay.x, pay.y);
    const rect = box.getBoundingClientRect();
    expect(button.x).to.be.within(rect.left, rect.right);
    expect(button.y).to.be.within(rect.top, rect.bottom);

    await mouseToPage(live.view, pay.x, pay.y, 'click');
    await until(() => receivedOf(live!, 'highlight').length === 2, 'the second highlight message');
    expect(receivedOf(live, 'highlight')[1]).to.deep.equal({ t: 'highlight', id: null, label: 'Look here' });
    expect(box.style.display).to.equal('none');
  });

  it('Draw: a freehand stroke becomes a path annotation in page coordinates', async () => {
    const live = await startLive();
    await customerScrollsTo(live, 120);
    buttonNamed(live.view, 'Draw').click();
    await live.view.updateComplete;
    const stroke = [
      [100, 300],
      [160, 340],
      [240, 330],
      [320, 380],
    ] as const;
    await mouseToPage(live.view, stroke[0][0], stroke[0][1]);
    await sendMouse({ type: 'down' });
    for (const [x, y] of stroke.slice(1)) await mouseToPage(live.view, x, y);
    await sendMouse({ type: 'up' });
    const annotation = await live.customer.waitFor((m) => m.t === 'annotation');
    if (annotation.t !== 'annotation') throw new Error('not an annotation');
    expect(annotation.shape).to.equal('path');
    expect(annotation.color).to.match(/^#[0-9a-f]{6}$/i);
    expect(annotation.points.length).to.be.at.least(stroke.length * 2);
    const eps = tolerance(live.view);
    const [x0, y0] = annotation.points;
    const [xn, yn] = annotation.points.slice(-2);
    expect(Math.abs(x0! - 100)).to.be.lessThan(eps);
    expect(Math.abs(y0! - 300)).to.be.lessThan(eps);
    expect(Math.abs(xn! - 320)).to.be.lessThan(eps);
    expect(Math.abs(yn! - 380)).to.be.lessThan(eps);
    // The agent sees the stroke too.
    expect(agentShadow(live.view).querySelectorAll('.ink svg polyline').length).to.equal(1);
  });

  it('Arrow: a drag becomes an arrow annotation from its start to its end', async () => {
    const live = await startLive();
    await customerScrollsTo(live, 60);
    buttonNamed(live.view, 'Arrow').click();
    await live.view.updateComplete;
    expect(buttonNamed(live.view, 'Arrow').getAttribute('aria-pressed')).to.equal('true');
    await mouseToPage(live.view, 120, 260);
    await sendMouse({ type: 'down' });
    await mouseToPage(live.view, 200, 300);
    await mouseToPage(live.view, 280, 360);
    await sendMouse({ type: 'up' });
    const annotation = await live.customer.waitFor((m) => m.t === 'annotation');
    if (annotation.t !== 'annotation') throw new Error('not an annotation');
    expect(annotation.shape).to.equal('arrow');
    expect(annotation.points).to.have.length(4);
    const eps = tolerance(live.view);
    const [x0, y0, x1, y1] = annotation.points as [number, number, number, number];
    expect(Math.abs(x0 - 120)).to.be.lessThan(eps);
    expect(Math.abs(y0 - 260)).to.be.lessThan(eps);
    expect(Math.abs(x1 - 280)).to.be.lessThan(eps);
    expect(Math.abs(y1 - 360)).to.be.lessThan(eps);
    // Drawn for the agent as a shaft with a head.
    expect(agentShadow(live.view).querySelectorAll('.ink svg [data-shape="arrow"] polygon').length).to.equal(1);

    // A click without a drag is not an arrow.
    await mouseToPage(live.view, 400, 400, 'click');
    await mouseToPage(live.view, 120, 260, 'click');
    live.customer.send({ t: 'ping', ts: 1 });
    await live.customer.waitFor((m) => m.t === 'pong');
    expect(receivedOf(live, 'annotation')).to.have.length(1);
  });

  it('Clear drawings sends annotation-clear and wipes the agent’s own ink', async () => {
    const live = await startLive();
    buttonNamed(live.view, 'Draw').click();
    await live.view.updateComplete;
    await mouseToPage(live.view, 100, 200);
    await sendMouse({ type: 'down' });
    await mouseToPage(live.view, 200, 260);
    await mouseToPage(live.view, 260, 200);
    await sendMouse({ type: 'up' });
    await live.customer.waitFor((m) => m.t === 'annotation');
    buttonNamed(live.view, 'Clear drawings').click();
    await live.customer.waitFor((m) => m.t === 'annotation-clear');
    expect(agentShadow(live.view).querySelector('.ink svg')!.childElementCount).to.equal(0);
  });

  it('screenshot of the live console with a highlight and an arrow', async () => {
    const live = await startLive();
    buttonNamed(live.view, 'Highlight').click();
    await live.view.updateComplete;
    const pay = pageCentreOf(live.view, '#pay');
    await mouseToPage(live.view, pay.x, pay.y, 'click');
    await live.customer.waitFor((m) => m.t === 'highlight');
    buttonNamed(live.view, 'Arrow').click();
    await live.view.updateComplete;
    await mouseToPage(live.view, 420, 330);
    await sendMouse({ type: 'down' });
    await mouseToPage(live.view, pay.x + 90, pay.y);
    await sendMouse({ type: 'up' });
    await live.customer.waitFor((m) => m.t === 'annotation');
    await mouseToPage(live.view, 600, 120);
    await expectScreenshot('test/artifacts/agent-live.png', { selector: 'cobrowse-agent-view' });
  });
});
