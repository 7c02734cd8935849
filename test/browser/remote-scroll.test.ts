/**
 * RemoteScroll (agent/remote-scroll.ts): scrolling keys pressed faster than
 * the round trip add up. A scroll frame the customer sent before our actions
 * ran (an older position) must not make the next key start again from the
 * stale position the mirror shows; the CI run that lost a key this way
 * scrolled 40 px for two ArrowDown presses. The actions sent are the oracle:
 * each is the position the customer is asked to go to.
 */
import { expect } from '@open-wc/testing';
import { RemoteScroll } from '../../agent/remote-scroll.js';
import type { RemoteAction } from '../../shared/protocol.js';

function scrollBox(): HTMLElement {
  const box = document.createElement('div');
  box.style.cssText = 'height: 100px; overflow: auto';
  box.innerHTML = '<div style="height: 1000px">tall</div>';
  box.tabIndex = 0;
  document.body.append(box);
  return box;
}

function harness(box: HTMLElement): { scroll: RemoteScroll; sent: RemoteAction[]; press(key: string): void } {
  const sent: RemoteAction[] = [];
  const scroll = new RemoteScroll({
    act: (action) => {
      sent.push(action);
      return true;
    },
    idOf: (node) => (node === box ? 7 : undefined),
    page: () => ({ x: 0, y: 0, h: 600, height: 600 }),
  });
  const press = (key: string): void => {
    const event = new KeyboardEvent('keydown', { key, cancelable: true });
    Object.defineProperty(event, 'target', { value: box });
    expect(scroll.key(event)).to.equal(true);
  };
  return { scroll, sent, press };
}

const ys = (sent: RemoteAction[]) => sent.map((a) => (a.kind === 'scroll' ? a.y : NaN));

describe('RemoteScroll', () => {
  afterEach(() => document.body.replaceChildren());

  it('an older scroll frame arriving between two keys does not lose the first key', () => {
    const box = scrollBox();
    const { scroll, sent, press } = harness(box);
    press('ArrowDown');
    // The frame of the customer's own scroll to the top, sent before our action ran.
    scroll.confirmed(7, 0, 0, false);
    press('ArrowDown');
    expect(ys(sent)).to.deep.equal([40, 80]);
  });

  it('the frame at the position sent ends the pending position; the next key starts from the mirror', () => {
    const box = scrollBox();
    const { scroll, sent, press } = harness(box);
    press('ArrowDown');
    scroll.confirmed(7, 0, 40, false);
    box.scrollTop = 200; // the mirror now shows the customer's later scrolling
    press('ArrowDown');
    expect(ys(sent)).to.deep.equal([40, 240]);
  });

  it('once every action is answered, any frame is the outcome (the customer clamped it)', () => {
    const box = scrollBox();
    const { scroll, sent, press } = harness(box);
    press('ArrowDown');
    scroll.confirmed(7, 0, 30, true);
    box.scrollTop = 30;
    press('ArrowDown');
    expect(ys(sent)).to.deep.equal([40, 70]);
  });

  it('control: had the older frame ended the pending position, the second key would restart from 0', () => {
    const box = scrollBox();
    const { scroll, sent, press } = harness(box);
    press('ArrowDown');
    scroll.confirmed(7, 0, 0, true); // as if settled: the old rule, any frame ends it
    press('ArrowDown');
    expect(ys(sent)).to.deep.equal([40, 40]);
  });
});
