/**
 * CSS masking of strings as the page shows them (red team s12 F5): escapes
 * decoded (`\A` between a card's groups), the strings of one `content` value
 * concatenated, an SSN split over two strings. Oracle: the output's strings
 * decoded and joined here (a decoder of its own, not the product's), then
 * read by the independent leak finder; control: the same reading of the CSS
 * the page wrote finds the number. Over-masking: prices, dates, counters and
 * icon-font escapes stay as written.
 */
import { describe, expect, it } from 'vitest';
import { maskCss } from '../../shared/mask-css.js';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';

const CARD = '4532019673158241';
const SSN = '278415396';
const g = [CARD.slice(0, 4), CARD.slice(4, 8), CARD.slice(8, 12), CARD.slice(12)];

/** One CSS string's text: escapes decoded per CSS Syntax (hex code point and one whitespace, or the character). */
function decode(inner: string): string {
  return inner
    .replace(/\\\r?\n/g, '')
    .replace(/\\([0-9a-fA-F]{1,6})[ \t\n]?|\\([^])/g, (_w, hex: string | undefined, char: string | undefined) =>
      hex === undefined ? (char ?? '') : String.fromCodePoint(Number.parseInt(hex, 16) || 0xfffd),
    );
}

/** What each declaration value's strings show, joined, for every declaration of `css`. */
function shownTexts(css: string): string[] {
  const texts: string[] = [];
  for (const [, value] of css.matchAll(/:([^;{}]*)/g)) {
    const strings = [...(value ?? '').matchAll(/"((?:[^"\\]|\\[^])*)"|'((?:[^'\\]|\\[^])*)'/g)];
    if (strings.length > 0) texts.push(strings.map((m) => decode(m[1] ?? m[2] ?? '')).join(''));
  }
  return texts;
}

function cardLeaks(css: string): number[] {
  return truncationLeaks(CARD, shownTexts(css));
}

function ssnLeaks(css: string): number[] {
  return [...revealedPositions(SSN, shownTexts(css), 3)].filter((i) => i < 5);
}

const LEAKING: { name: string; css: string; leaks: (css: string) => number[] }[] = [
  {
    name: 'a card with \\A between groups',
    css: `.p::after{content:"${g.join('\\A ')}";white-space:pre}`,
    leaks: cardLeaks,
  },
  {
    name: 'a card with tab escapes (\\9) between groups',
    css: `.p::after{content:"${g.join('\\9 ')}"}`,
    leaks: cardLeaks,
  },
  { name: 'a card with \\20 between groups', css: `.p::after{content:'${g.join('\\20 ')}'}`, leaks: cardLeaks },
  { name: 'a card as two strings', css: `.p::after{content:"${g[0]} ${g[1]} " "${g[2]} ${g[3]}"}`, leaks: cardLeaks },
  {
    name: 'a card as four strings with comments and escapes',
    css: `.p::before { content: "${g[0]}" /* x */ "\\A ${g[1]}" '${g[2]}\\A ' "${g[3]}"; color: red }`,
    leaks: cardLeaks,
  },
  {
    name: 'an SSN as two strings',
    css: `.s::after{content:"${SSN.slice(0, 3)}-${SSN.slice(3, 5)}-" "${SSN.slice(5)}"}`,
    leaks: ssnLeaks,
  },
  { name: 'an SSN with \\2d for its dashes', css: `.s::after{content:"278\\2d 41\\2d 5396"}`, leaks: ssnLeaks },
];

describe('CSS strings as the page shows them', () => {
  for (const { name, css, leaks } of LEAKING) {
    it(`${name}: masked`, () => {
      // Control: the page's CSS read the same way shows the number.
      expect(leaks(css)).not.toEqual([]);
      const out = maskCss(css);
      expect(out.masked).toBe(true);
      expect(leaks(out.text), out.text).toEqual([]);
      // What is not a string stays (the sheet stays valid CSS).
      expect(out.text.replace(/"[^"]*"|'[^']*'/g, '')).toBe(css.replace(/"[^"]*"|'[^']*'/g, ''));
    });
  }

  it('an escape that writes a digit is masked whole; the escapes around it stay', () => {
    const css = `.p::after{content:"\\34 532\\A 0196\\A 7315\\A 8241"}`;
    const out = maskCss(css).text;
    expect(cardLeaks(out), out).toEqual([]);
    expect(out).toBe('.p::after{content:"••••\\A ••••\\A ••••\\A ••••"}');
  });

  it('generated content: a number of 3 digits or more at an edge is a piece of the text beside it (README limit)', () => {
    // `<span class=a>4532 0196</span>` beside `.a::after{content:" 7315 8241"}` shows one card; the capture reads
    // the element's text with the generated string (text-runs.ts), the string's edge number is masked here.
    const cases: [string, string][] = [
      [`.a::after{content:" ${g[2]} ${g[3]}"}`, '.a::after{content:" •••• ••••"}'],
      [`.a::before{content:"Card ${g[0]} " "${g[1]}"}`, '.a::before{content:"Card •••• " "••••"}'],
      [`.a::after{content:"${SSN.slice(5)}"}`, '.a::after{content:"••••"}'],
      [`.q{quotes:"${g[0]}" "${g[1]}"}`, '.q{quotes:"••••" "••••"}'],
      [`li{list-style-type:"${g[0]} "}`, 'li{list-style-type:"•••• "}'],
      // A number inside, away from both edges, is read as the rule reads it (8 digits: not a card).
      [`.a::after{content:"Card ${g[0]} ${g[1]} end"}`, `.a::after{content:"Card ${g[0]} ${g[1]} end"}`],
      // 1-2 digits at an edge stay (footnotes, steps).
      ['.a::after{content:" [12]"}.b::before{content:"3. "}', '.a::after{content:" [12]"}.b::before{content:"3. "}'],
    ];
    for (const [css, out] of cases) expect(maskCss(css).text, css).toBe(out);
  });

  it('strings of different declarations, selectors and font lists are not read together', () => {
    const css =
      `.a{font-family:"${g[0]} ${g[1]}"}.b{font-family:"${g[2]} ${g[3]}"}` +
      `[data-a="${g[0]} ${g[1]}"] [data-b="${g[2]} ${g[3]}"]{color:red}` +
      `.f{font-family:"Font ${g[0]} ${g[1]}", "${g[2]} ${g[3]}"}`;
    expect(maskCss(css)).toEqual({ text: css, masked: false });
  });

  it('prices, dates, counters and icon-font escapes stay as written', () => {
    const css = [
      `.price::after{content:"€1,299.00" " " "€2,598.00"}`,
      `.date::after{content:"2026-12-05" "\\A " "10:30"}`,
      `.dates::after{content:"2026-12-05\\A 2026-12-06\\A 2026-12-07";white-space:pre}`,
      `.count::before{content:"Page " counter(page) " of 12"}`,
      `.phone::after{content:"+44 20 " "7946 0958"}`,
      `.icon::before{content:"\\f101"}.i2::before{content:"\\e900\\e901"}.dash::before{content:"\\2014 \\00a0"}`,
      `.q{quotes:"\\201C" "\\201D" "\\2018" "\\2019"}`,
      `.grid{grid-template-areas:"a1 a2" "b1 b2"}`,
    ].join('');
    expect(maskCss(css)).toEqual({ text: css, masked: false });
  });

  it('an edge number shaped as a date but not one is masked (an SSN cut after its first digit)', () => {
    // Control: real dates in either order stay (the test above); 79 is no day, 39 no month.
    expect(maskCss('.x::after{content:"12.05.2026"}.y::after{content:"05/31/2026"}').masked).toBe(false);
    expect(maskCss('.x::after{content:"79.39.1528"}').text).toBe('.x::after{content:"••.••.••••"}');
    expect(maskCss('.x::after{content:"2026-13-45"}').text).toBe('.x::after{content:"••••-••-••"}');
  });

  it('unchanged where each string alone was masked before', () => {
    const css = `.p::after{content:"${g.join(' ')}"}`;
    expect(maskCss(css).text).toBe('.p::after{content:"•••• •••• •••• ••••"}');
  });
});
