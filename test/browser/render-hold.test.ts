/**
 * RenderHold (client/top-layer-ui.ts): renders wait while a hold is on, and
 * each hold ends by release() or its own timer, never by the timer of an
 * earlier hold. Control: the first hold's timer does end that first hold.
 */
import { expect } from '@open-wc/testing';
import { RenderHold } from '../../client/top-layer-ui.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RenderHold', () => {
  it('a hold released early leaves no timer behind to end the next hold', async () => {
    const hold = new RenderHold();
    const closed: string[] = [];
    hold.hold(20, () => closed.push('first'));
    hold.release();
    hold.hold(60_000, () => closed.push('second'));
    let rendered = false;
    void hold.schedule(() => {
      rendered = true;
    });
    await pause(120); // well past the first hold's 20 ms
    expect(closed).to.deep.equal(['first']);
    expect(rendered, 'the render waits for the second hold').to.equal(false);
    hold.release();
    await pause(0);
    expect(closed).to.deep.equal(['first', 'second']);
    expect(rendered).to.equal(true);
  });

  it("control: a hold's own timer ends it", async () => {
    const hold = new RenderHold();
    const closed: string[] = [];
    hold.hold(20, () => closed.push('first'));
    let rendered = false;
    void hold.schedule(() => {
      rendered = true;
    });
    await pause(120);
    expect(closed).to.deep.equal(['first']);
    expect(rendered).to.equal(true);
  });
});
