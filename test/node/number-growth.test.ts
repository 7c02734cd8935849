/**
 * The growth rule (shared/number-growth.ts) on its own: a number revealed in
 * steps, as a page would show it, checked with the independent leak finder
 * over what a sender applying the rule (sticky once grown, as the capture
 * does) lets out; a control over the unmasked steps; and changes that must
 * not count as growth (counters, clocks, prices, pagination, a list).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROWTH_MIN_DIGITS, grewFrom } from '../../shared/number-growth.js';
import { LINE_BREAK_MARK, maskNumbers } from '../../shared/sensitive-numbers.js';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { cardDigitsDistinct, SEPARATORS, ssnDigits, yearLines } from '../oracles/secret-arbitraries.js';

const RUNS = Number(process.env.LEAK_HUNT_RUNS ?? 400);

/** Digits a step shows, from the front or the back, grouped by 4 from the start of the whole number. */
function step(digits: string, count: number, fromBack: boolean, separator: string): string {
  const start = fromBack ? digits.length - count : 0;
  let text = '';
  for (let i = start; i < start + count; i++) {
    if (i > start && i % 4 === 0) text += separator;
    text += digits[i];
  }
  return text;
}

/** What a sender applying the rule lets out: each step as the number rule masks it, every digit once it grew. */
function sendSteps(steps: readonly string[], context: string): string[] {
  const out: string[] = [];
  let sticky = false;
  let last = '';
  for (const text of steps) {
    const now = `${context}${text}`;
    sticky ||= grewFrom(last, now, context.length, now.length);
    out.push(maskNumbers(text, { before: context, strict: sticky }).text);
    last = `${context}${out.at(-1) ?? ''}`;
  }
  return out;
}

const reveal = fc
  .record({
    // Not a card with two groups that are years counting by one (2024<br>2025: a list; yearLines).
    digits: cardDigitsDistinct.filter((d) => !yearLines(d)),
    separator: fc.constantFrom(...SEPARATORS.filter((s) => !s.startsWith('%'))),
    fromBack: fc.boolean(),
    first: fc.integer({ min: 1, max: 6 }),
    more: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }),
    context: fc.constantFrom('', 'Card ', 'Saved: ', '(', 'n° '),
  })
  .map(({ digits, separator, fromBack, first, more, context }) => {
    const counts = [fromBack ? Math.min(first, 4) : first];
    for (const size of more) counts.push(Math.min(digits.length, (counts.at(-1) ?? 0) + size));
    counts.push(digits.length);
    return {
      digits,
      fromBack,
      context,
      counts,
      steps: counts.map((count) => step(digits, count, fromBack, separator)),
    };
  });

describe('growth rule: a number revealed in steps', () => {
  it('shows no more digits than 6 (from the front: nothing beyond PCI truncation)', () => {
    fc.assert(
      fc.property(reveal, ({ digits, fromBack, context, steps }) => {
        const sent = sendSteps(steps, context);
        if (!fromBack) expect(truncationLeaks(digits, sent)).toEqual([]);
        expect(revealedPositions(digits, sent).size).toBeLessThanOrEqual(GROWTH_MIN_DIGITS - 1);
        // From the back, the last 4 (PCI DSS), but for a card whose last group has 3 digits (4-4-4-3): its
        // last 5 or 6 are written as a count in thousands (12 345), which is not counted.
        const first = revealedPositions(digits, sent.slice(0, 1)).size;
        if (fromBack && digits.length % 4 !== 3)
          expect(revealedPositions(digits, sent).size).toBeLessThanOrEqual(Math.max(4, first));
      }),
      { numRuns: RUNS },
    );
  });

  it('the same written a group per line (<br>), from the front or the back', () => {
    fc.assert(
      fc.property(reveal, ({ digits, fromBack, counts, context }) => {
        const sent = sendSteps(
          counts.map((count) => step(digits, count, fromBack, LINE_BREAK_MARK)),
          context,
        );
        if (!fromBack) expect(truncationLeaks(digits, sent)).toEqual([]);
        expect(revealedPositions(digits, sent).size).toBeLessThanOrEqual(GROWTH_MIN_DIGITS - 1);
      }),
      { numRuns: RUNS },
    );
  });

  it('counts a card written a group per line, a group cut at either end', () => {
    const L = LINE_BREAK_MARK;
    expect(grewFrom('4532', `4532${L}0196`)).toBe(true);
    expect(grewFrom(`4532${L}01`, `4532${L}0196`)).toBe(true);
    expect(grewFrom(`4532${L}0196`, `4532${L}0196${L}7`)).toBe(true);
    expect(grewFrom('8241', `7315${L}8241`)).toBe(true);
    expect(grewFrom('8241', `15${L}8241`)).toBe(true); // from the back: beyond the last 4
    expect(grewFrom(`11${L}03`, `011${L}03`)).toBe(true); // a 14-digit card from the back: both lines cut
    expect(grewFrom('4532', `4532${L}01`)).toBe(false); // 6 digits: below the rule
  });

  it('found (seed 2116260813): two lines counting by one that are not years are a card (6310<br>6309)', () => {
    const digits = '6310630900001000203';
    const counts = [3, 8, 9, 19];
    const steps = counts.map((count) => step(digits, count, false, LINE_BREAK_MARK));
    expect(revealedPositions(digits, sendSteps(steps, '')).size).toBeLessThanOrEqual(GROWTH_MIN_DIGITS - 1);
    // Control: the steps as the page shows them reveal the first 8.
    expect(revealedPositions(digits, steps.slice(0, 2)).size).toBe(8);
    const L = LINE_BREAK_MARK;
    expect(grewFrom('631', `6310${L}6309`)).toBe(true);
    expect(grewFrom('4183', `4183${L}4182`)).toBe(true);
    expect(grewFrom('2025', `2025${L}2024`)).toBe(false); // years stay a list
  });

  it('counts a card cut over lines of several groups (4532 0196<br>7315), from the front or the back', () => {
    const L = LINE_BREAK_MARK;
    expect(grewFrom('4532 0196', `4532 0196${L}7315`)).toBe(true);
    expect(grewFrom('Card 4532 0196', `Card 4532 0196${L}73`)).toBe(true); // a group cut by the step
    expect(grewFrom('4532', `4532${L}0196 7315`)).toBe(true);
    expect(grewFrom(`4532 0196${L}7`, `4532 0196${L}7315`)).toBe(true);
    expect(grewFrom('7315 8241', `0196${L}7315 8241`)).toBe(true);
    expect(grewFrom('8241', `0196 7315${L}8241`)).toBe(true);
  });

  it('control: the unmasked steps show more', () => {
    const digits = '4532019673158241';
    const steps = [4, 8, 12, 16].map((count) => step(digits, count, false, ' '));
    expect(truncationLeaks(digits, steps)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(truncationLeaks(digits, sendSteps(steps, 'Card '))).toEqual([]);
  });

  it('counts a number grown in the middle, at either end, or over separators', () => {
    expect(grewFrom('4111', '4111 1111')).toBe(true);
    expect(grewFrom('1111', '4111 1111')).toBe(true);
    expect(grewFrom('4111 1111', '4111 5555 1111')).toBe(true);
    expect(grewFrom('Card 411111', 'Card 4111-1111')).toBe(true);
    expect(grewFrom('Card 411111', 'Card 4111112')).toBe(true);
    expect(grewFrom('', '4111 1111')).toBe(false); // a first view
    expect(grewFrom('4111', '4111 111')).toBe(true);
    expect(grewFrom('4111', '4111 11')).toBe(false); // 6 digits: below the rule
    expect(grewFrom('8241', '5 8241')).toBe(true); // from the back: beyond the last 4
    expect(grewFrom('8241', '58241')).toBe(true);
    expect(grewFrom('€9,299', '€19,299')).toBe(false); // a count in thousands
  });

  it.each([
    ['a countdown beside it', 'Hidden in 0:09 Card 4532 0196', 'Hidden in 0:08 Card 4532 0196 7315'],
    ['an expiry date changing beside it', 'Exp 12/27 Card 4532 0196', 'Exp 01/28 Card 4532 0196 7315'],
    ['from the back, a countdown beside it', 'Hidden in 0:09 Card 7315 8241', 'Hidden in 0:08 Card 0196 7315 8241'],
  ])('counts a number grown while another digit changed: %s', (_name, old, now) => {
    expect(grewFrom(old, now)).toBe(true);
  });
});

describe('growth rule: an SSN revealed in steps', () => {
  /** Positions of the SSN's first 5 digits readable (3-digit windows), as leak-vectors reads an SSN. */
  const firstFive = (digits: string, sent: readonly string[]): number[] =>
    [...revealedPositions(digits, sent, 3)].filter((i) => i < 5).sort((a, b) => a - b);

  it('shows no more of its first 5 digits than the first step did', () => {
    fc.assert(
      fc.property(
        ssnDigits.filter((d) => new Set([0, 1, 2, 3, 4, 5, 6].map((i) => d.slice(i, i + 3))).size === 7),
        // One group per line too (review s11 F5: '278<br>41' was two numbers, so 5 of 9 digits showed).
        fc.constantFrom(' ', '-', '\u2013', ' - ', LINE_BREAK_MARK),
        fc.boolean(),
        fc.constantFrom('', 'SSN ', 'Social security: '),
        (digits, separator, fromBack, context) => {
          const groups = [digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)];
          const steps = fromBack
            ? [groups.slice(2), groups.slice(1), groups].map((g) => g.join(separator))
            : [groups.slice(0, 1), groups.slice(0, 2), groups].map((g) => g.join(separator));
          const sent = sendSteps(steps, context);
          expect(firstFive(digits, sent)).toEqual(fromBack ? [] : [0, 1, 2]);
          // Control: the steps as the page shows them reveal the first 5.
          expect(firstFive(digits, steps)).toEqual([0, 1, 2, 3, 4]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['123', '123-45'],
    ['6789', '45-6789'],
    ['SSN 123', 'SSN 123 45'],
    ['278', `278${LINE_BREAK_MARK}41`],
    [`278${LINE_BREAK_MARK}41`, `278${LINE_BREAK_MARK}41${LINE_BREAK_MARK}5396`],
    ['5396', `41${LINE_BREAK_MARK}5396`],
    ['12', '12-2026'], // collateral (README): a month then a year has the shape of an SSN's last groups
  ])('%j -> %j grew', (old, now) => {
    expect(grewFrom(old, now)).toBe(true);
  });

  it.each([
    ['a price gaining cents', '€278', '€278.41'],
    ['a time', '10', '10:30'],
    ['a date', '2026', '2026-12'],
  ])('%s did not', (_name, old, now) => {
    expect(grewFrom(old, now)).toBe(false);
  });
});

describe('growth rule: changes that are not a number being assembled', () => {
  it.each([
    ['a timer', '00:59', '01:00'],
    ['a timer with hours', '9:59:59', '10:00:00'],
    ['a counter', '999999', '1000000'],
    ['a counter in thousands', '999,999', '1,000,000'],
    ['a price', '€1,299.00', '€2,598.00'],
    ['a clock beside a date', '23:58 05/12/2026', '23:59 05/12/2026'],
    ['a date beside a quantity', 'qty 2 · 2026-12-05 23:59', 'qty 2 · 2026-12-06 00:00'],
    ['pagination', '1 2 3', '1 2 3 4 5 6 7 8 9 10'],
    ['pagination counting down', '10 9 8', '10 9 8 7 6 5 4 3 2 1'],
    ['a list, one number per line', '555-0123', `555-0123${LINE_BREAK_MARK}555-0188`],
    ['phone numbers of two groups of 4, one per line', '6123 4567', `6123 4567${LINE_BREAK_MARK}6234 5670`],
    [
      'phone numbers of two groups of 4, a third line',
      `6123 4567${LINE_BREAK_MARK}6234 5670`,
      `6123 4567${LINE_BREAK_MARK}6234 5670${LINE_BREAK_MARK}6345 6781`,
    ],
    ['years two per line, counting', '2024 2025', `2024 2025${LINE_BREAK_MARK}2026`],
    ['codes of a group of 4, then lines of 3', '4532', `4532${LINE_BREAK_MARK}019 673`],
    ['a card-length line then another', '4532 0196 7315 8241', `4532 0196 7315 8241${LINE_BREAK_MARK}7315`],
    ['years one per line, counting', '2024', `2024${LINE_BREAK_MARK}2025`],
    [
      'years one per line, counting on',
      `2024${LINE_BREAK_MARK}2025`,
      `2024${LINE_BREAK_MARK}2025${LINE_BREAK_MARK}2026`,
    ],
    ['dates one per line', '2026-12-05', `2026-12-05${LINE_BREAK_MARK}2026-12-06`],
    ['amounts one per line', `12.99${LINE_BREAK_MARK}8.50`, `12.99${LINE_BREAK_MARK}8.50${LINE_BREAK_MARK}1299`],
    ['a short number on the next line', '4532', `4532${LINE_BREAK_MARK}12`],
    ['a number beside another', 'Ref 12', 'Ref 12, call 5550123'],
    ['a number replaced by a longer one', 'Order 48213', 'Order 9926104'],
    ['seats added', 'Seats 12 14 15', 'Seats 12 14 15 16'],
    ['ids added', 'IDs 101, 205', 'IDs 101, 205, 317'],
    ['a draw', 'Lotto: 5 12 23', 'Lotto: 5 12 23 34'],
    ['a date gaining a time', '2026-12-05', '2026-12-05 23:59'],
    ['a time gaining seconds', '2026-12-05 23:59', '2026-12-05 23:59:01'],
    ['a number elsewhere beside a changing one', 'Qty 12 · Ref 0:09', 'Qty 13 · Ref 1234567'],
  ])('%s', (_name, old, now) => {
    expect(grewFrom(old, now)).toBe(false);
  });

  /** `n` with a thousands separator (or none), as a page writes a count. */
  const grouped = (n: number, separator: string): string => String(n).replace(/\B(?=(\d{3})+$)/g, separator);

  it('a count going up or down by up to 1000, with or without thousands separators', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.constantFrom('', ',', '.', ' ', '\u202f'),
        fc.constantFrom('', 'Visitors: ', '€', 'Qty '),
        (n, step, separator, context) => {
          const next = Math.max(0, n + step);
          expect(grewFrom(context + grouped(n, separator), context + grouped(next, separator))).toBe(false);
        },
      ),
      { numRuns: RUNS * 5 },
    );
    // Control (the check is not vacuous): a count that keeps its digits where they were and gains one at 7 or
    // more is caught; with thousands separators the separators move, so the same count is not.
    expect(grewFrom(`Visitors: ${grouped(1234567, ',')}`, `Visitors: ${grouped(12345670, ',')}`)).toBe(false);
    expect(grewFrom('Visitors: 1234567', 'Visitors: 12345670')).toBe(true);
  });

  it('a timer or a clock ticking by a second or a minute', () => {
    const clock = (seconds: number, hours: boolean): string => {
      const two = (v: number): string => String(v).padStart(2, '0');
      const h = Math.floor(seconds / 3600);
      const m = Math.floor(seconds / 60) % 60;
      return hours ? `${h}:${two(m)}:${two(seconds % 60)}` : `${two(Math.floor(seconds / 60))}:${two(seconds % 60)}`;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 360_000 }),
        fc.constantFrom(1, -1, 60, -60),
        fc.boolean(),
        fc.constantFrom('', 'Ends in ', '2026-12-05 '),
        (seconds, step, hours, context) => {
          const next = Math.max(0, seconds + step);
          expect(grewFrom(context + clock(seconds, hours), context + clock(next, hours))).toBe(false);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('needs a digit of the grown run in the part looked at', () => {
    expect(grewFrom('4111 ', '4111 1111', 0, 4)).toBe(true);
    expect(grewFrom('x 4111', 'x 4111 1111', 0, 2)).toBe(false);
  });
});
