/**
 * The live indicator's place on screen: one line on a 360 px phone (also
 * with control granted), moved with the keyboard and by dragging (and never
 * off screen), collapsed to a small badge that still ends sharing in one
 * click, in the integrator's corner; and the consent buttons reachable at
 * 400 % zoom. Real keystrokes and pointer events, real server and agent.
 */
import { expect } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import { goLive, grantControl, type LiveSession } from './helpers/customer-live.js';
import {
  SESSION_SRC,
  buttonNamed,
  createTestSession,
  dialogOf,
  indicatorText,
  shadow,
  until,
} from './helpers/customer-page.js';
import { expectScreenshot } from './helpers/screenshots.js';

function pill(live: LiveSession): HTMLElement {
  const found = shadow(live.element).querySelector<HTMLElement>('.indicator');
  if (!found) throw new Error('no indicator');
  return found;
}

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** One line: no taller than its tallest button plus the pill's padding, and every shown button inside the pill. */
function oneLine(el: HTMLElement): boolean {
  const shown = [...el.querySelectorAll('button')].filter((b) => b.getClientRects().length > 0);
  const box = el.getBoundingClientRect();
  const inside = shown.every((b) => {
    const r = b.getBoundingClientRect();
    return r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
  });
  return inside && box.height <= Math.max(...shown.map((b) => b.getBoundingClientRect().height)) + 10;
}

describe('customer indicator layout', () => {
  let live: LiveSession | null = null;
  afterEach(async () => {
    live?.cleanup();
    live = null;
    sessionStorage.clear();
    await resetMouse();
    await setViewport({ width: 800, height: 600 });
  });

  it('is one line on a 360 px phone, live and with control granted, and stays on screen', async () => {
    live = await goLive();
    await setViewport({ width: 360, height: 740 });
    await frame();
    const box = pill(live).getBoundingClientRect();
    expect(oneLine(pill(live)), `height ${box.height}`).to.equal(true);
    expect(box.left).to.be.at.least(0);
    expect(box.right).to.be.at.most(360);
    await expectScreenshot('test/artifacts/indicator-360.png', { selector: '.indicator' });
    await grantControl(live);
    await until(() => indicatorText(live!.element) === 'Dana is controlling this tab', 'control');
    await frame();
    const control = pill(live).getBoundingClientRect();
    expect(oneLine(pill(live)), `height with control ${control.height}`).to.equal(true);
    expect(control.left).to.be.at.least(0);
    expect(control.right).to.be.at.most(360);
    // The words are still there for screen readers, and Take back control is on screen.
    expect(indicatorText(live.element)).to.equal('Dana is controlling this tab');
    const takeBack = buttonNamed(live.element, 'Take back control').getBoundingClientRect();
    expect(takeBack.width).to.be.greaterThan(40);
    await expectScreenshot('test/artifacts/indicator-control-360.png', { selector: '.indicator' });
    await setViewport({ width: 640, height: 400 });
    await frame();
    expect(oneLine(pill(live)), 'one line at 200 % zoom').to.equal(true);
    await expectScreenshot('test/artifacts/indicator-zoom200.png', { selector: '.indicator' });
  });

  it('moves with the arrow keys on its handle, never past the edge of the screen', async () => {
    live = await goLive();
    await setViewport({ width: 1280, height: 800 });
    await frame();
    const before = pill(live).getBoundingClientRect();
    shadow(live.element).querySelector<HTMLElement>('.grip')!.focus();
    for (let i = 0; i < 3; i += 1) await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'Shift+ArrowUp' });
    await frame();
    const moved = pill(live).getBoundingClientRect();
    expect(moved.left - before.left).to.be.closeTo(-48, 1);
    expect(moved.top - before.top).to.be.closeTo(-64, 1);
    // Far to the right and down: it stops at the edges.
    for (let i = 0; i < 12; i += 1) await sendKeys({ press: 'Shift+ArrowRight' });
    for (let i = 0; i < 12; i += 1) await sendKeys({ press: 'Shift+ArrowDown' });
    await frame();
    const edge = pill(live).getBoundingClientRect();
    expect(edge.right).to.be.closeTo(1280, 1);
    expect(edge.bottom).to.be.closeTo(800, 1);
    expect(shadow(live.element).activeElement?.classList.contains('grip'), 'focus stays on the handle').to.equal(true);
  });

  it('moves by dragging its handle', async () => {
    live = await goLive();
    await setViewport({ width: 1280, height: 800 });
    await frame();
    const before = pill(live).getBoundingClientRect();
    const grip = shadow(live.element).querySelector<HTMLElement>('.grip')!.getBoundingClientRect();
    const x = Math.round(grip.left + grip.width / 2);
    const y = Math.round(grip.top + grip.height / 2);
    await sendMouse({ type: 'move', position: [x, y] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [x - 150, y - 60] });
    await sendMouse({ type: 'move', position: [x - 300, y - 120] });
    await sendMouse({ type: 'up' });
    await frame();
    const after = pill(live).getBoundingClientRect();
    expect(after.left - before.left).to.be.closeTo(-300, 2);
    expect(after.top - before.top).to.be.closeTo(-120, 2);
    // Still live and usable where it is now.
    expect(indicatorText(live.element)).to.equal('Sharing this tab with Dana');
  });

  it('collapses to a small badge that still says the status and ends in one click, and opens again', async () => {
    live = await goLive();
    await setViewport({ width: 1280, height: 800 });
    const full = pill(live).getBoundingClientRect().width;
    const collapse = shadow(live.element).querySelector<HTMLButtonElement>('button.collapse')!;
    expect(collapse.getAttribute('aria-label')).to.equal('Minimise');
    expect(collapse.getAttribute('aria-expanded')).to.equal('true');
    collapse.click();
    await live.element.updateComplete;
    await frame();
    const badge = pill(live);
    expect(badge.classList.contains('collapsed')).to.equal(true);
    expect(
      badge.getBoundingClientRect().width,
      `badge ${badge.getBoundingClientRect().width} px, full ${full} px`,
    ).to.be.lessThan(150);
    expect(indicatorText(live.element), 'the status is still there for screen readers').to.equal(
      'Sharing this tab with Dana',
    );
    await until(
      () => shadow(live!.element).activeElement?.classList.contains('expand') === true,
      'focus on the open button',
    );
    await expectScreenshot('test/artifacts/indicator-collapsed.png', { selector: '.indicator' });
    const end = [...badge.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'End sharing');
    expect(end, 'End in the badge').to.not.equal(undefined);
    shadow(live.element).querySelector<HTMLButtonElement>('button.expand')!.click();
    await live.element.updateComplete;
    expect(pill(live).classList.contains('collapsed')).to.equal(false);
    // One click on the badge's End ends sharing.
    shadow(live.element).querySelector<HTMLButtonElement>('button.collapse')!.click();
    await live.element.updateComplete;
    const ended = new Promise((resolve) => live!.element.addEventListener('cobrowse-ended', resolve, { once: true }));
    [...pill(live).querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'End sharing')!.click();
    await ended;
  });

  it('sits in the corner the integrator chose', async () => {
    live = await goLive((element) => element.setAttribute('indicator-corner', 'top-left'));
    await setViewport({ width: 1280, height: 800 });
    await frame();
    const box = pill(live).getBoundingClientRect();
    expect(box.left).to.be.closeTo(16, 1);
    expect(box.top).to.be.closeTo(16, 1);
  });

  it('keeps the consent buttons on screen at 400 % zoom', async () => {
    const element = document.createElement('cobrowse-session');
    element.sessionSrc = SESSION_SRC;
    document.body.append(element);
    try {
      const session = await createTestSession({ agentName: 'Dana' });
      void element.offer(session.inviteCode).catch(() => undefined);
      await element.updateComplete;
      for (const [width, height] of [
        [640, 400],
        [320, 200],
      ] as const) {
        await setViewport({ width, height });
        await frame();
        for (const name of ['Decline', 'Allow sharing']) {
          const box = buttonNamed(element, name).getBoundingClientRect();
          expect(box.top, `${name} top at ${width}x${height}`).to.be.at.least(0);
          expect(box.bottom, `${name} bottom at ${width}x${height}`).to.be.at.most(height);
          expect(box.right, `${name} right at ${width}x${height}`).to.be.at.most(width);
        }
        // The dialog scrolls: what is hidden and the stop statement are reachable too.
        const dialog = dialogOf(element)!;
        expect(dialog.scrollHeight >= dialog.clientHeight).to.equal(true);
      }
      await expectScreenshot('test/artifacts/consent-zoom400.png');
    } finally {
      element.end();
      element.remove();
    }
  });
});
