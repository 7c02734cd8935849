/**
 * The customer's bounds on the agent's remote actions (client/session/action-budget.ts, review s12 F6): actions
 * per second with a burst, and characters typed in all per page. The clock is the test's, so no time is measured.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTION_BURST,
  ACTIONS_PER_SECOND,
  ActionBudget,
  MAX_INSERTED_PER_PAGE,
} from '../../client/session/action-budget.js';

describe('remote action budget', () => {
  it('allows a burst, then the rate; refused actions take nothing', () => {
    let now = 0;
    const budget = new ActionBudget(() => now);
    let taken = 0;
    for (let i = 0; i < ACTION_BURST * 2; i++) if (budget.take(1)) taken++;
    expect(taken).toBe(ACTION_BURST);
    now += 1_000;
    taken = 0;
    for (let i = 0; i < ACTION_BURST; i++) if (budget.take(1)) taken++;
    expect(taken).toBe(ACTIONS_PER_SECOND);
    // Control: a clock going backwards (a page cannot rewind it, but the arithmetic must not refill) gives nothing.
    now -= 10_000;
    expect(budget.take(1)).toBe(false);
  });

  it('bounds the characters typed in all, whatever the rate', () => {
    let now = 0;
    const budget = new ActionBudget(() => now);
    const per = 100_000;
    let typed = 0;
    for (let i = 0; i < 10; i++) {
      now += 10_000;
      if (budget.take(per)) typed += per;
    }
    expect(typed).toBe(MAX_INSERTED_PER_PAGE);
    // Control: actions that type nothing (clicks, scrolls, caret moves) still go.
    expect(budget.take(0)).toBe(true);
  });
});
