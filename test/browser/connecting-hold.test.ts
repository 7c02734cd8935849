/**
 * ConnectingHold and the hold in SliceYield, on a hand-driven clock: the
 * walk's next slice waits while a hold is on, resumes at release, at the
 * cap (MAX_HOLD_MS) or when the walk is closed; a walk started while
 * connecting has a deadline (EARLY_WALK_MS) that end() cancels. The oracle
 * is the clock and the order of tasks, not the classes' own state; each
 * "still waiting" check is paired with a control that resolves.
 */
import { expect } from '@open-wc/testing';
import { SliceYield } from '../../client/capture/slice-yield.js';
import { ConnectingHold, EARLY_WALK_MS, MAX_HOLD_MS, type HoldClock } from '../../client/session/connecting-hold.js';

/** Timers that fire only when the test advances time. */
class ManualClock {
  now = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;
  readonly clock: HoldClock = (ms, callback) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, callback });
    return () => this.#timers.delete(id);
  };

  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.#timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.now || !this.#timers.has(id)) continue;
      this.#timers.delete(id);
      timer.callback();
    }
  }
}

/** Lets a few tasks run (each SliceYield wait is one MessageChannel task). */
async function tasks(count = 5): Promise<void> {
  const slices = new SliceYield(window);
  for (let i = 0; i < count; i++) await slices.wait();
  slices.close();
}

/** Whether `promise` settled, after a few tasks. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await tasks();
  return done;
}

describe('ConnectingHold', () => {
  it('holds until release, with one timer, cleared at release', async () => {
    const time = new ManualClock();
    const hold = new ConnectingHold(time.clock);
    expect(hold.current).to.equal(null);
    hold.hold();
    const current = hold.current;
    expect(current).to.not.equal(null);
    hold.hold();
    expect(hold.current, 'a second hold is the same one').to.equal(current);
    expect(time.pending).to.equal(1);
    expect(await settled(current!)).to.equal(false);
    hold.release();
    expect(await settled(current!)).to.equal(true);
    expect(hold.current).to.equal(null);
    expect(time.pending, 'the cap timer is cleared').to.equal(0);
  });

  it('ends by itself at the cap, not before', async () => {
    const time = new ManualClock();
    const hold = new ConnectingHold(time.clock);
    hold.hold();
    const current = hold.current!;
    time.advance(MAX_HOLD_MS - 1);
    expect(await settled(current), 'just before the cap').to.equal(false);
    time.advance(1);
    expect(await settled(current), 'at the cap').to.equal(true);
    expect(hold.current).to.equal(null);
  });

  it('a walk started while connecting is given up at its deadline unless end() comes first', () => {
    const time = new ManualClock();
    const hold = new ConnectingHold(time.clock);
    let late = 0;
    hold.walkStarted(() => (late += 1));
    hold.walkStarted(() => (late += 100));
    time.advance(EARLY_WALK_MS - 1);
    expect(late).to.equal(0);
    time.advance(1);
    expect(late, 'one deadline, the first').to.equal(1);

    hold.walkStarted(() => (late += 1));
    hold.hold();
    const current = hold.current;
    hold.end();
    expect(hold.current, 'end() releases the hold').to.equal(null);
    expect(current).to.not.equal(null);
    time.advance(EARLY_WALK_MS * 2);
    expect(late, 'ended before its deadline').to.equal(1);
    expect(time.pending).to.equal(0);
  });
});

describe('SliceYield with a hold', () => {
  it('the next slice waits for the hold, and resumes at its release', async () => {
    const time = new ManualClock();
    const hold = new ConnectingHold(time.clock);
    const slices = new SliceYield(window, () => hold.current);
    // Control: no hold, the wait ends within a task or two.
    expect(await settled(slices.wait())).to.equal(true);
    hold.hold();
    const next = slices.wait();
    expect(await settled(next), 'held').to.equal(false);
    hold.release();
    expect(await settled(next), 'released').to.equal(true);
    slices.close();
  });

  it('the cap ends a hold nobody releases', async () => {
    const time = new ManualClock();
    const hold = new ConnectingHold(time.clock);
    const slices = new SliceYield(window, () => hold.current);
    hold.hold();
    const next = slices.wait();
    expect(await settled(next)).to.equal(false);
    time.advance(MAX_HOLD_MS);
    expect(await settled(next)).to.equal(true);
    slices.close();
  });

  it('close() during a hold lets the walk resume at once (it then sees it was cancelled)', async () => {
    const time = new ManualClock();
    const hold = new ConnectingHold(time.clock);
    const slices = new SliceYield(window, () => hold.current);
    hold.hold();
    const next = slices.wait();
    expect(await settled(next)).to.equal(false);
    slices.close();
    expect(await settled(next), 'closed while held').to.equal(true);
    expect(hold.current, 'the hold itself is still on').to.not.equal(null);
    hold.release();
  });
});
