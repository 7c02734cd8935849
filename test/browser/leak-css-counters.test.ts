/**
 * Counter values written so that the counter rule does not see the
 * declaration (review s15 H4, M4): the property's name with CSS escapes
 * (`counter-r\65set`), comments before its colon, and one counter named
 * several ways in one value (`z 99 \7a 99 \00007A 99`, a sum). The page goes
 * through the whole pipeline (real CaptureEngine, codec, real Mirror); the
 * oracle is Chromium's layout text of the mirror (generated content as shown,
 * counters counted) read by the independent leak finder. Control: the same
 * oracle over the customer's page shows the number.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { revealedPositions } from '../oracles/leak-finder.js';
import { cardDigits } from '../oracles/secret-arbitraries.js';
import { digitLeaks, layoutOf } from './helpers/layout-oracle.js';

async function mirrored(style: string, inline = ''): Promise<{ page: string[]; mirror: string[] }> {
  const source =
    `<!doctype html><html><head><meta charset="utf-8"><title>Counters</title><style>${style}</style></head>` +
    `<body><p>Card <span class="x"${inline === '' ? '' : ` style="${inline}"`}></span></p></body></html>`;
  return layoutOf({ html: source, late: () => undefined });
}

/** `name` with each character chosen by `how` written as a CSS escape: plain, `\hh `, or zero-padded to 6 digits. */
function escaped(name: string, how: readonly number[]): string {
  return [...name]
    .map((char, i) => {
      const hex = (char.codePointAt(0) as number).toString(16);
      switch ((how[i % how.length] as number) % 4) {
        case 1:
          return `\\${hex} `;
        case 2:
          return `\\${hex.padStart(6, '0')}`;
        case 3:
          return /[a-z-]/.test(char) ? char : `\\${hex} `;
        default:
          return char;
      }
    })
    .join('');
}

const PROPERTIES = ['counter-reset', 'counter-set', 'counter-increment'] as const;

describe('counter declarations the rule must read as CSS does', function () {
  this.timeout(600_000);

  it('counter-r\\65set: a 45320151 b 12830366 shows the card on the page, not in the mirror', async () => {
    const style = '.x{counter-r\\65set: a 45320151 b 12830366} .x::after{content: counter(a) " " counter(b)}';
    const { page, mirror } = await mirrored(style);
    expect(digitLeaks('4532015112830366', page)).to.not.deep.equal([]);
    expect(digitLeaks('4532015112830366', mirror), JSON.stringify(mirror)).to.deep.equal([]);
  });

  it('a comment before the colon: counter-reset/**/: …', async () => {
    const style = '.x{counter-reset/* a */: a 45320151 b 12830366} .x::after{content: counter(a) " " counter(b)}';
    const { page, mirror } = await mirrored(style);
    expect(digitLeaks('4532015112830366', page)).to.not.deep.equal([]);
    expect(digitLeaks('4532015112830366', mirror), JSON.stringify(mirror)).to.deep.equal([]);
  });

  it('any spelling of the property, comments or not, in a sheet or a style attribute, never shows the card', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        cardDigits.filter((d) => d.length === 16),
        fc.constantFrom(...PROPERTIES),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('', '/**/', ' /* note */ ', '/* a */ /* b */'),
        fc.boolean(),
        async (digits, property, how, comment, inline) => {
          const declaration = `${escaped(property, how)}${comment}: a ${digits.slice(0, 8)} b ${digits.slice(8)}`;
          const shown = '.x::after{content: counter(a) " " counter(b)}';
          const { page, mirror } = inline
            ? await mirrored(shown, declaration)
            : await mirrored(`.x{${declaration}} ${shown}`);
          // Control: counter-increment counts once more from 0 only where the page set no start: it shows too.
          fc.pre(revealedPositions(digits, page).size === digits.length);
          expect(digitLeaks(digits, mirror), JSON.stringify({ declaration, mirror })).to.deep.equal([]);
        },
      ),
      { numRuns: 10, seed: Date.now() % 1_000_000, endOnFailure: true },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
    expect(result.numRuns).to.be.greaterThan(5);
  });

  it('one counter named several ways in one value does not sum to a number in the mirror', async () => {
    // The 11 ways to write `z` (review s15 M4: 11 × 99 shows 1089).
    const spellings = ['z', ...[2, 3, 4, 5, 6].flatMap((n) => ['7a', '7A'].map((hex) => `\\${hex.padStart(n, '0')}`))];
    const result = await fc.check(
      fc.asyncProperty(
        fc.shuffledSubarray(spellings, { minLength: 8 }),
        fc.array(fc.integer({ min: 10, max: 99 }), { minLength: 11, maxLength: 11 }),
        async (names, steps) => {
          // Two spaces: an escape's hex digits take one whitespace after them as their end.
          const value = names.map((name, i) => `${name}  ${steps[i] as number}`).join(' ');
          const sum = String(names.reduce((total, _name, i) => total + (steps[i] as number), 0));
          const { page, mirror } = await mirrored(`.x{counter-increment: ${value}} .x::after{content: counter(z)}`);
          fc.pre(page.some((text) => text.includes(sum))); // control: the page shows the sum
          expect(
            mirror.some((text) => text.includes(sum)),
            JSON.stringify({ value, mirror }),
          ).to.equal(false);
        },
      ),
      { numRuns: 6, seed: Date.now() % 1_000_000, endOnFailure: true },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
    expect(result.numRuns).to.be.greaterThan(3);
  });

  it('@counter-style symbols written as identifiers (review s15b H1) never show the card', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        cardDigits.filter((d) => d.length === 16),
        fc.constantFrom('escaped', 'underscore', 'nbsp', 'superscript'),
        fc.constantFrom('symbols', 'prefix', 'additive-symbols'),
        fc.boolean(),
        async (digits, spelling, descriptor, marker) => {
          const groups = digits.match(/.{4}/g) as string[];
          const ident =
            spelling === 'escaped'
              ? groups.map((g) => `\\${g.charCodeAt(0).toString(16)} ${g.slice(1)}`).join('\\ ')
              : spelling === 'underscore'
                ? `_${groups.join('_')}`
                : spelling === 'nbsp'
                  ? `_${groups.join('\u00a0')}`
                  : `_${[...digits].map((d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'.charAt(Number(d))).join('')}`;
          const body =
            descriptor === 'symbols'
              ? `system: cyclic; symbols: ${ident}`
              : descriptor === 'prefix'
                ? `system: cyclic; symbols: "*"; prefix: ${ident}`
                : `system: additive; additive-symbols: 1 ${ident}`;
          const shown = marker
            ? '.x{display: list-item; list-style: c inside}'
            : '.x{counter-reset: n 1} .x::after{content: counter(n, c)}';
          const { page, mirror } = await mirrored(`@counter-style c { ${body} } ${shown}`);
          fc.pre(revealedPositions(digits, page).size === digits.length); // control: the page shows it
          expect(digitLeaks(digits, mirror), JSON.stringify({ body, mirror })).to.deep.equal([]);
        },
      ),
      { numRuns: 10, seed: Date.now() % 1_000_000, endOnFailure: true },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
    expect(result.numRuns).to.be.greaterThan(5);
  });

  it('list and section numbering written plainly still counts in the mirror', async () => {
    const { mirror } = await mirrored('.x{counter-reset: s 7} .x::after{content: "§" counter(s)}');
    expect(mirror.join('|')).to.contain('§7');
  });
});
