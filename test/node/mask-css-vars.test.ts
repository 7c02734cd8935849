/**
 * CSS masking of what `var()` and `counter()` show (red team s12 F5, F6): a
 * card or an SSN cut into pieces held by custom properties (in rules of
 * their own, nested, as a `var()` fallback, beside strings of the value)
 * and joined by `content: var(--a) var(--b)…`; counters holding a number's
 * groups. Oracle: the masked CSS texts read by a resolver of the test's own
 * (custom properties looked up by name, `var()` and fallbacks substituted,
 * strings decoded and joined; counters' values read from their
 * declarations), then the independent leak finder; control: the same reading
 * of the CSS the page wrote finds the number. Over-masking: names in custom
 * properties' strings (font features, grid areas, font families), icon
 * escapes and small counters stay as written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCss } from '../../shared/mask-css.js';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { edge, prose, secret, splitAt, type Secret } from '../oracles/secret-arbitraries.js';

const STRING = /"((?:[^"\\]|\\[^])*)"|'((?:[^'\\]|\\[^])*)'/y;

/** One CSS string's text: escapes decoded per CSS Syntax. */
function decode(inner: string): string {
  return inner
    .replace(/\\\r?\n/g, '')
    .replace(/\\([0-9a-fA-F]{1,6})[ \t\n]?|\\([^])/g, (_w, hex: string | undefined, char: string | undefined) =>
      hex === undefined ? (char ?? '') : String.fromCodePoint(Number.parseInt(hex, 16) || 0xfffd),
    );
}

/** Custom properties declared in `texts` (the last declaration of a name wins, as in one cascade). */
function customProperties(texts: readonly string[]): Map<string, string> {
  const properties = new Map<string, string>();
  for (const text of texts)
    for (const m of text.matchAll(/(--[\w-]+)\s*:\s*((?:"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'|[^;{}"'])*)/g))
      properties.set(m[1] as string, (m[2] as string).trim());
  return properties;
}

/** The text a value shows: its strings decoded, `var()` substituted (or its fallback), joined. */
function shown(value: string, properties: Map<string, string>, depth = 0): string {
  if (depth > 8) return '';
  let text = '';
  let i = 0;
  while (i < value.length) {
    STRING.lastIndex = i;
    const string = STRING.exec(value);
    if (string !== null) {
      text += decode(string[1] ?? string[2] ?? '');
      i = STRING.lastIndex;
      continue;
    }
    if (value.startsWith('var(', i)) {
      // The call's text up to its matching parenthesis (strings skipped).
      let depthParen = 0;
      let end = i;
      for (; end < value.length; end++) {
        STRING.lastIndex = end;
        const inString = STRING.exec(value);
        if (inString !== null) {
          end = STRING.lastIndex - 1;
          continue;
        }
        if (value[end] === '(') depthParen++;
        if (value[end] === ')' && --depthParen === 0) break;
      }
      const inner = value.slice(i + 4, end);
      const comma = inner.indexOf(',');
      const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
      const defined = properties.get(name);
      text += shown(defined ?? (comma < 0 ? '' : inner.slice(comma + 1)), properties, depth + 1);
      i = end + 1;
      continue;
    }
    i++;
  }
  return text;
}

/** What `.x::after` shows under these CSS texts (its last `content` declaration). */
function shownContent(texts: readonly string[]): string {
  const properties = customProperties(texts);
  let content = '';
  for (const text of texts)
    for (const m of text.matchAll(/(?<![\w-])content\s*:\s*((?:"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'|[^;{}"'])*)/g))
      content = m[1] as string;
  return shown(content, properties);
}

/** `text` as the inside of a double-quoted CSS string. */
function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\A ')}"`;
}

type Holder = 'rule' | 'nested' | 'fallback' | 'literal' | 'attribute' | 'escaped';

/** A page's CSS texts (rules and style attributes, each masked alone as the capture does) showing `pieces` joined. */
function joinedCss(pieces: readonly string[], holders: readonly Holder[]): string[] {
  const texts: string[] = [];
  const items: string[] = [];
  pieces.forEach((piece, n) => {
    const holder = holders[n % holders.length] as Holder;
    const string = quoted(piece);
    if (holder === 'literal') items.push(string);
    else if (holder === 'fallback') items.push(`var(--unset-${n}, ${string})`);
    else {
      items.push(`var(--p${n})`);
      if (holder === 'nested') {
        texts.push(`.host{--p${n}: var(--q${n})}`);
        texts.push(`:root{--q${n}: ${string}}`);
      } else if (holder === 'attribute') texts.push(`--p${n}: ${string}; color: red`);
      else if (holder === 'escaped')
        texts.push(`:root{--p${n}: "${[...piece].map((c) => `\\${c.codePointAt(0)?.toString(16)} `).join('')}"}`);
      else texts.push(`:root{--p${n}: ${string}}`);
    }
  });
  texts.push(`.x::after{content: ${items.join(' ')}; color: blue}`);
  return texts;
}

function leaks(s: Secret, outputs: readonly string[]): number[] {
  return s.digits.length === 9
    ? [...revealedPositions(s.digits, outputs, 3)].filter((i) => i < 5)
    : truncationLeaks(s.digits, outputs);
}

const holder = fc.constantFrom<Holder>('rule', 'nested', 'fallback', 'literal', 'attribute', 'escaped');

describe('CSS masking: strings joined by var() (red team s12 F5)', () => {
  it('a number cut into custom properties, nested, fallbacks and strings of the value never shows whole', () => {
    fc.assert(
      fc.property(
        secret,
        prose,
        edge,
        fc.array(fc.nat(60), { minLength: 1, maxLength: 5 }),
        fc.array(holder, { minLength: 1, maxLength: 6 }),
        (s, before, gap, cuts, holders) => {
          // A CSS string shows `%2D` as written: the leak finder's percent-decoding is a URL's reading, not a person's.
          fc.pre(!s.text.includes('%'));
          const pieces = splitAt(`${before}${gap}${s.text}${gap}`, cuts).filter((piece) => piece !== '');
          const page = joinedCss(pieces, holders);
          // Control: the page's own CSS shows the number (as the leak finder reads it: gaps of up to 3 characters).
          fc.pre(revealedPositions(s.digits, [shownContent(page)]).size === s.digits.length);
          const sent = page.map((css) => maskCss(css).text);
          expect(leaks(s, [shownContent(sent)]), JSON.stringify(sent)).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it.each([
    ['groups in four custom properties', ':root{--g1:"4532";--g2:"0196";--g3:"7315";--g4:"8241"}'],
    ['a piece beside var() in content', '.x::after{content:"4532 0196 7315 " var(--last)}'],
    ['a fallback', '.x::after{content:var(--a, "4532 0196") var(--b, "7315 8241")}'],
    ['an SSN in custom properties', '.x{--a:"278-";--b:"41-";--c:"5396"}'],
    [
      "a registered property's initial value",
      '@property --g1 { syntax: "<string>"; inherits: true; initial-value: "4532" }',
    ],
  ])('%s: the digits are masked', (_name, css) => {
    const strings = [...maskCss(css).text.matchAll(/"[^"]*"/g)].join('');
    expect(strings.replace(/[^0-9]/g, ''), strings).toBe('');
  });

  it.each([
    ':root{--ff: "ss01", "cv11"; --areas: "h1 h1" "m1 s1"; --fa: normal 900 1em/1 "Font Awesome 6 Free"}',
    ':root{--icon: "\\f101"; --tw-content: "\\2014"} .x::before{content: var(--icon)}',
    '.x::before{content: "Step " counter(step) " of 12"} .y::after{content: "€1,299.00" " incl. VAT"}',
    '.x::after{content: attr(data-label) ": "}',
    // A string between a name and a parenthesis does not make a call of them (attr "…" ( is no attr()).
    '.x{font-family:attr"7315 8241"(}',
  ])('%s stays as it is', (css) => {
    expect(maskCss(css).text).toBe(css);
  });

  it('over-masking as documented: digits at the edge of a custom property string are masked, but for a price', () => {
    expect(maskCss(':root{--date: "2026-12-05"; --n: "12"}').text).toBe(':root{--date: "••••-••-••"; --n: "••"}');
    const kept = ':root{--price: "€1,299.00"; --eur: "12,50 €"} .x::after{content: var(--icon) " €1,299.00"}';
    expect(maskCss(kept).text).toBe(kept);
  });
});

/** Counter values as declared (counter-reset / counter-set; the test's own reading), as the digits written. */
function counterValues(css: string): string[] {
  const values: string[] = [];
  for (const m of css.matchAll(/counter-(?:reset|set)\s*:([^;{}]*)/g))
    for (const pair of (m[1] ?? '').matchAll(/([A-Za-z_][\w-]*)\s+[+-]?([0-9]+)(?![\w.])/g))
      values.push(pair[2] as string);
  return values;
}

describe('CSS masking: counters (red team s12 F6)', () => {
  it('a number held by counters of 3 digits or more is never read from the counters', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.stringMatching(/^[1-8][0-9]{2}[1-9][0-9]{5}$/), fc.stringMatching(/^[1-9][0-9]{15}$/)),
        fc.array(fc.integer({ min: 3, max: 9 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('counter-reset', 'counter-set'),
        fc.boolean(),
        (digits, sizes, property, inStyleAttribute) => {
          const groups: string[] = [];
          let at = 0;
          for (let i = 0; at < digits.length; i++) {
            const size = Math.min(sizes[i % sizes.length] as number, digits.length - at);
            // A last group shorter than 3 digits joins the one before.
            if (digits.length - at - size < 3) {
              groups.push(digits.slice(at));
              break;
            }
            groups.push(digits.slice(at, at + size));
            at += size;
          }
          const value = groups.map((group, n) => `c${n} ${group}`).join(' ');
          const css = inStyleAttribute ? `${property}: ${value}` : `.card{${property}: ${value}}`;
          const shownDigits = counterValues;
          expect(revealedPositions(digits, [shownDigits(css).join(' ')]).size).toBe(digits.length);
          const sent = maskCss(css).text;
          expect(shownDigits(sent), sent).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    '.x{counter-reset: a calc(45*99 + 77) b calc(15*10 + 1) c calc(12*99 + 95) d calc(36*10 + 6)}',
    '.x{counter-set: a min(99*99, 4532); counter-reset: b var(--b)}',
    '.x{counter-increment: a 45 a 45 a 45 b 15 b 15}',
  ])('%s: a computed or summed counter value is not sent (review s14 S3)', (css) => {
    // Oracle (the test's own reading): what stays of each counter declaration is no value at all (the mirror drops
    // it). Control: the page's declarations hold digits or functions.
    const declarations = (text: string): string[] =>
      [...text.matchAll(/counter-(?:reset|set|increment)\s*:([^;{}]*)/g)].map((m) => (m[1] ?? '').trim());
    expect(declarations(css).every((value) => /[0-9(]/.test(value))).toBe(true);
    expect(declarations(maskCss(css).text)).toEqual(declarations(css).map(() => '•'));
  });

  it.each([
    'ol{counter-reset: item 0} li{counter-increment: item 1} .toc{counter-reset: section 12 sub}',
    '.g1234{counter-reset: g1234 2}',
    'ol[reversed]{counter-reset: reversed(list-item)} li{counter-increment: a 1 b -1}',
  ])('%s stays as it is', (css) => {
    expect(maskCss(css).text).toBe(css);
  });
});
