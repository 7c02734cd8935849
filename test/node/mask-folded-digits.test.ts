/**
 * Digits a reader reads that Unicode files as "other numbers" (No), in the
 * maskers beyond the number rule (review s15): the CSS path while the
 * customer types (M1: a page echoing each typed key into a `<style>` string
 * as ⁴⁵³²…), and the parenthesized, full-stop and comma forms (L1: ⑷, ⒋, 🄅).
 * Oracle: the independent leak finder (NFKC, separators of up to 3
 * characters); controls: the same oracle reads the unmasked input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCss } from '../../shared/mask-css.js';
import { maskNumbers } from '../../shared/sensitive-numbers.js';
import { digitSequences, truncationLeaks } from '../oracles/leak-finder.js';
import { cardDigits } from '../oracles/secret-arbitraries.js';

const FORMS: readonly (readonly string[])[] = [
  ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'],
  ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'],
  ['⓪', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨'],
  ['🄀', '⑴', '⑵', '⑶', '⑷', '⑸', '⑹', '⑺', '⑻', '⑼'],
  ['🄀', '⒈', '⒉', '⒊', '⒋', '⒌', '⒍', '⒎', '⒏', '⒐'],
  ['🄁', '🄂', '🄃', '🄄', '🄅', '🄆', '🄇', '🄈', '🄉', '🄊'],
];

/** `digits` with digit i written in form `forms[i % forms.length]`. */
function written(digits: string, forms: readonly number[]): string {
  return [...digits].map((d, i) => (FORMS[forms[i % forms.length] as number] as readonly string[])[Number(d)]).join('');
}

/** How many of `digits`' leading digits (4 or more in a row) the oracle reads in `text`. */
function readable(digits: string, text: string): number {
  const sequences = digitSequences(text);
  let longest = 0;
  for (let start = 0; start < digits.length; start++)
    for (let end = start + 4; end <= digits.length; end++)
      if (sequences.some((s) => s.includes(digits.slice(start, end)))) longest = Math.max(longest, end - start);
  return longest;
}

describe('folded digits in the CSS masking while the customer types (review s15 M1)', () => {
  it('a page echoing the typed card into a ::after string in superscript: no 4 of its digits leave', () => {
    const typed = '453201511283';
    const css = `.echo::after{content:"${written(typed, [0])}"}`;
    expect(readable(typed, css)).toBe(12); // control: the oracle reads the echo
    expect(readable(typed, maskCss(css, true, typed).text)).toBeLessThan(4);
    expect(readable(typed, maskCss(css, true, null).text)).toBeLessThan(4);
  });

  it('any mix of folded forms, in a string, a custom property or a comment, typed known or not', () => {
    fc.assert(
      fc.property(
        cardDigits,
        fc.array(fc.nat(FORMS.length - 1), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 4, max: 19 }),
        fc.constantFrom('string', 'property', 'comment'),
        fc.boolean(),
        (digits, forms, length, where, known) => {
          const typed = digits.slice(0, length);
          const echo = written(typed, forms);
          const css =
            where === 'string'
              ? `.echo::after{content:"${echo}"}`
              : where === 'property'
                ? `.echo{--typed:"${echo}"}`
                : `.echo{color:red}/* ${echo} */`;
          if (readable(typed, css) < 4) return; // a form the oracle cannot read itself says nothing
          const out = maskCss(css, true, known ? typed : null).text;
          expect(readable(typed, out), JSON.stringify({ css, out })).toBeLessThan(4);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parenthesized, full-stop and comma digits (review s15 L1)', () => {
  it('a card in ⑷⑸⑶⑵, ⒋⒌⒊⒉ or 🄅🄆🄄🄃 forms is masked as a card', () => {
    fc.assert(
      fc.property(cardDigits, fc.constantFrom(3, 4, 5), fc.constantFrom(' ', '-', ''), (digits, form, gap) => {
        const text = `Card ${(written(digits, [form]).match(/(?:\p{So}|\p{No}|.){1,4}/gu) ?? []).join(gap)}`;
        // Control: the oracle reads the whole card in what the page wrote.
        expect(truncationLeaks(digits, [text]).length).toBeGreaterThan(0);
        expect(truncationLeaks(digits, [maskNumbers(text).text]), text).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('list numbering and footnotes in those forms stay', () => {
    for (const text of ['⑴ Choose ⑵ Pay ⑶ Done', 'Step ⒈ then ⒉', 'See note ⑷.'])
      expect(maskNumbers(text).text).toBe(text);
  });
});
