/**
 * Red team s12 F5/F6 in real Chromium, as the agent sees it: a card or an
 * SSN cut into pieces held by custom properties and shown joined by
 * `content: var(--a) var(--b)…` (in style sheets, nested, as fallbacks, in
 * inline style attributes, and set after the snapshot by setProperty,
 * insertRule, a rule's style or an adopted sheet), and counters holding a
 * number's groups (`counter()`, `counters()`, `::marker`). The page goes
 * through the whole pipeline (real CaptureEngine, codec, real Mirror); the
 * oracle is Chromium's own layout of the mirror (CDP DOMSnapshot: the text
 * of every layout object, generated content as shown: var() resolved,
 * counters as digits), read by the independent leak finder. Control: the
 * same oracle over the customer's page finds the number.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { revealedPositions } from '../oracles/leak-finder.js';
import { edge, prose, secret, splitAt } from '../oracles/secret-arbitraries.js';
import { cssString, digitLeaks, layoutText } from './helpers/layout-oracle.js';
import { loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/</g, '&lt;');
}

type Holder =
  | 'sheet'
  | 'nested'
  | 'fallback'
  | 'literal'
  | 'inline'
  | 'setProperty'
  | 'insertRule'
  | 'ruleStyle'
  | 'adopted'
  | 'registered';

interface VarPage {
  html: string;
  /** Run after the snapshot is in the mirror: the pieces set by script. */
  late: (doc: Document) => void;
}

function varPage(pieces: readonly string[], holders: readonly Holder[]): VarPage {
  const rules: string[] = [];
  const inline: string[] = [];
  const items: string[] = [];
  const late: ((doc: Document) => void)[] = [];
  pieces.forEach((piece, n) => {
    const holder = holders[n % holders.length] as Holder;
    const string = cssString(piece);
    if (holder === 'literal') return void items.push(string);
    if (holder === 'fallback') return void items.push(`var(--unset-${n}, ${string})`);
    items.push(`var(--p${n})`);
    if (holder === 'sheet') rules.push(`:root{--p${n}: ${string}}`);
    else if (holder === 'nested') rules.push(`.host{--p${n}: var(--q${n})}`, `:root{--q${n}: ${string}}`);
    else if (holder === 'registered')
      rules.push(`@property --p${n} { syntax: "*"; inherits: true; initial-value: ${string}; }`);
    else if (holder === 'inline') inline.push(`--p${n}: ${string}`);
    else if (holder === 'setProperty')
      late.push((doc) => (doc.querySelector('.host') as HTMLElement).style.setProperty(`--p${n}`, string));
    else if (holder === 'insertRule')
      late.push((doc) => {
        const sheet = (doc.getElementById('main') as HTMLStyleElement).sheet as CSSStyleSheet;
        sheet.insertRule(`:root{--p${n}: ${string}}`, sheet.cssRules.length);
      });
    else if (holder === 'ruleStyle') {
      rules.push(`.host{--p${n}: ""}`);
      const index = rules.length - 1;
      late.push((doc) => {
        const sheet = (doc.getElementById('main') as HTMLStyleElement).sheet as CSSStyleSheet;
        (sheet.cssRules[index] as CSSStyleRule).style.setProperty(`--p${n}`, string);
      });
    } else
      late.push((doc) => {
        const win = doc.defaultView as Window & typeof globalThis;
        const sheet = new win.CSSStyleSheet();
        sheet.replaceSync(`:root{--p${n}: ${string}}`);
        doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
      });
  });
  const html =
    `<!doctype html><html><head><title>Vars</title><style id="main">${rules.join('\n')}</style>` +
    `<style>.x::after{content: ${items.join(' ')}}</style></head>` +
    `<body><div class="host" style='${attribute(inline.join('; '))}'><p class="x">Card </p></div></body></html>`;
  return { html, late: (doc) => late.forEach((set) => set(doc)) };
}

/** Captures `html` through the pipeline, runs `late` once the mirror has it; the layout text of both sides. */
async function mirrored(html: string, late: (doc: Document) => void): Promise<{ page: string[]; mirror: string[] }> {
  const pipeline = new Pipeline(await loadCustomerPage(html));
  try {
    await pipeline.start();
    late(pipeline.customer.doc);
    await pipeline.settle(3);
    return { page: await layoutText(pipeline, 'customer'), mirror: await layoutText(pipeline, 'mirror') };
  } finally {
    pipeline.dispose();
  }
}

const holder = fc.constantFrom<Holder>(
  'sheet',
  'nested',
  'fallback',
  'literal',
  'inline',
  'setProperty',
  'insertRule',
  'ruleStyle',
  'adopted',
  'registered',
);

describe('CSS var() and counter() as the agent sees them (red team s12 F5, F6)', function () {
  this.timeout(600_000);

  it('a card in four custom properties (sheet, style attribute, setProperty, adopted sheet): the page shows it, the mirror not', async () => {
    // Control: the oracle finds the card on the customer's page (unmasked).
    const { html, late } = varPage(['4532 ', '0196 ', '7315 ', '8241'], ['sheet', 'inline', 'setProperty', 'adopted']);
    const { page, mirror } = await mirrored(html, late);
    expect(digitLeaks('4532019673158241', page)).to.not.deep.equal([]);
    expect(digitLeaks('4532019673158241', mirror)).to.deep.equal([]);
  });

  it('a number cut into custom properties, set in sheets, attributes and by script after the snapshot, never shows', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        secret.filter((s) => !s.text.includes('%')),
        prose,
        edge,
        fc.array(fc.nat(60), { minLength: 1, maxLength: 4 }),
        fc.array(holder, { minLength: 1, maxLength: 5 }),
        async (s, before, gap, cuts, holders) => {
          const pieces = splitAt(`${before}${gap}${s.text}`, cuts).filter((piece) => piece !== '');
          const { html, late } = varPage(pieces, holders);
          const { page, mirror } = await mirrored(html, late);
          // Control: the customer's page shows the number to the same oracle (else the case says nothing).
          fc.pre(revealedPositions(s.digits, page).size === s.digits.length);
          expect(digitLeaks(s.digits, mirror), JSON.stringify({ html, holders, mirror })).to.deep.equal([]);
          // The mirror shows every piece, set late or not (a bullet where the page shows a digit).
          const shown = (texts: readonly string[]): number => texts.join('').replace(/[^\p{Nd}•]/gu, '').length;
          expect(shown(mirror), JSON.stringify({ page, mirror })).to.equal(shown(page));
        },
      ),
      { numRuns: 24, seed: Date.now() % 1_000_000 },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
    expect(result.numRuns).to.be.greaterThan(10);
  });

  it('a number held by counters (counter(), counters(), ::marker, counter-set, increments) never shows', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        fc.oneof(fc.stringMatching(/^[1-8][0-9]{2}[1-9][0-9]{5}$/), fc.stringMatching(/^4[0-9]{15}$/)),
        fc.array(fc.integer({ min: 3, max: 9 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('style-reset', 'sheet-reset', 'set', 'increment', 'counters', 'marker', 'late'),
        async (digits, sizes, how) => {
          const groups: string[] = [];
          let at = 0;
          for (let i = 0; at < digits.length; i++) {
            const size = Math.min(sizes[i % sizes.length] as number, digits.length - at);
            if (digits.length - at - size < 3) {
              groups.push(digits.slice(at));
              break;
            }
            groups.push(digits.slice(at, at + size));
            at += size;
          }
          // Counters print without leading zeros: such a group is not the number's.
          fc.pre(groups.every((group) => !group.startsWith('0')));
          const names = groups.map((_g, n) => `c${n}`);
          const reset = groups.map((group, n) => `c${n} ${group}`).join(' ');
          const shown = names.map((name) => `counter(${name})`).join(' " " ');
          let html: string;
          let late: (doc: Document) => void = () => undefined;
          if (how === 'marker') {
            // The list item's own counter: the marker shows the reset value plus the item's increment.
            const value = BigInt(digits) - 1n;
            html = `<style>ol{counter-reset: list-item ${value}}</style><ol><li>Card</li></ol>`;
            fc.pre(value < 2_147_483_647n);
          } else if (how === 'counters') {
            html = `<style>.x{counter-reset: ${reset}}.x::after{content: ${names.map((n) => `counters(${n}, ".")`).join(' " " ')}}</style><p class="x">Card</p>`;
          } else if (how === 'increment') {
            const increments = groups.map((group, n) => `c${n} ${group}`).join(' ');
            html = `<style>.x{counter-reset: ${names.join(' ')}; counter-increment: ${increments}}.x::after{content: ${shown}}</style><p class="x">Card</p>`;
          } else if (how === 'set') {
            html = `<style>.x{counter-set: ${reset}}.x::after{content: ${shown}}</style><div style="counter-reset: ${names.join(' ')}"><p class="x">Card</p></div>`;
          } else if (how === 'sheet-reset') {
            html = `<style>.x{counter-reset: ${reset}}.x::after{content: ${shown}}</style><p class="x">Card</p>`;
          } else if (how === 'style-reset') {
            html = `<style>.x::after{content: ${shown}}</style><p class="x" style="counter-reset: ${reset}">Card</p>`;
          } else {
            html = `<style>.x::after{content: ${shown}}</style><p class="x">Card</p>`;
            late = (doc) => (doc.querySelector('.x') as HTMLElement).style.setProperty('counter-reset', reset);
          }
          const { page, mirror } = await mirrored(
            `<!doctype html><html><head><title>C</title></head><body>${html}</body></html>`,
            late,
          );
          // Chromium keeps counters to 32 bits: a card's 16 digits in one counter cannot show (nothing to find).
          fc.pre(revealedPositions(digits, page).size === digits.length);
          expect(digitLeaks(digits, mirror), JSON.stringify({ html, mirror })).to.deep.equal([]);
          expect(mirror.some((text) => text.includes('Card'))).to.equal(true);
        },
      ),
      { numRuns: 20, seed: Date.now() % 1_000_000 },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
  });

  it('a number held by counters computed from 1-2 digit literals (calc(), summed increments) never shows (review s14 S3)', async () => {
    const shown = `.x::before{content: counter(a) " 0" counter(b) " " counter(c) " 0" counter(d)}`;
    for (const sheet of [
      `.x{counter-reset: a calc(45*99 + 77) b calc(15*10 + 1) c calc(12*99 + 95) d calc(36*10 + 6)}`,
      `.x{counter-reset: a b c d; counter-increment: ${[...'abcd']
        .map(
          (n, i) =>
            `${n} ${[
              [99, 99, 99],
              [75, 75, 1],
              [99, 99],
              [99, 99, 99],
            ][i]?.join(` ${n} `)}`,
        )
        .join(' ')}}`,
    ]) {
      const html = `<!doctype html><html><head><title>C</title><style>${sheet}${shown}</style></head><body><p class="x">Card</p></body></html>`;
      const { page, mirror } = await mirrored(html, () => undefined);
      // Control: the customer's page shows the whole card through the counters.
      const digits = page.join('').replace(/[^0-9]/g, '');
      expect(digits.length, JSON.stringify(page)).to.be.greaterThan(8);
      expect(digitLeaks(digits, mirror), JSON.stringify({ sheet, mirror })).to.deep.equal([]);
      expect(mirror.some((text) => text.includes('Card'))).to.equal(true);
    }
  });

  it('a number in @counter-style strings (prefix, symbols, suffix, additive symbols) never shows in a list marker (review s14 S2)', async () => {
    for (const style of [
      'system: fixed; symbols: "1283"; prefix: "4532 0151 "; suffix: " 0366"',
      'system: additive; additive-symbols: 2 "4532 0151 ", 1 "1283 0366"',
      'system: additive; additive-symbols: 2 "12", 1 "83"; prefix: "4532 0151 "; suffix: " 0366"',
    ]) {
      const html = `<!doctype html><html><head><title>C</title><style>@counter-style card { ${style}; } ol { list-style: card; }</style></head><body><ol><li>Item</li><li>Item</li><li>Card</li></ol></body></html>`;
      const { page, mirror } = await mirrored(html, () => undefined);
      // Control: the customer's page shows the whole card in a marker (the third item's, additive: 2 + 1).
      expect(revealedPositions('4532015112830366', page).size, JSON.stringify(page)).to.equal(16);
      expect(digitLeaks('4532015112830366', mirror), JSON.stringify({ style, mirror })).to.deep.equal([]);
      expect(mirror.some((text) => text.includes('Card'))).to.equal(true);
    }
  });

  it('names, icons, small counters and prices in content stay as the page shows them', async () => {
    const html =
      `<!doctype html><html><head><title>Keep</title><style>:root{--ff: "ss01"; --icon: "\\2014"}` +
      `.a::after{content: "Step " counter(step) " of 12"; counter-reset: step 3}` +
      `.b::after{content: var(--icon) " €1,299.00"}ol{counter-reset: list-item 11}</style></head>` +
      `<body><p class="a">A</p><p class="b">B</p><ol><li>Item</li></ol></body></html>`;
    const { page, mirror } = await mirrored(html, () => undefined);
    expect(mirror.filter((text) => /[0-9]/.test(text))).to.deep.equal(page.filter((text) => /[0-9]/.test(text)));
    expect(mirror.join('')).to.include('Step 3 of 12');
  });
});
