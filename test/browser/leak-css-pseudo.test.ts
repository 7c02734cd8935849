/**
 * A card or an SSN split between an element's text and its `::before` or
 * `::after` string (`<span class=a>4111 1111</span>` with
 * `.a::after{content:" 1111 1111"}`, and the reverse), as the agent sees it.
 * The page goes through the whole pipeline (real CaptureEngine, codec, real
 * Mirror); the oracle is Chromium's own layout of the mirror (CDP
 * DOMSnapshot: the text of every layout object, generated content as shown),
 * each text alone and the document's texts joined in layout order, read by the
 * independent leak finder. Control: the same oracle over the customer's page
 * finds the number.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { revealedPositions } from '../oracles/leak-finder.js';
import { edge, prose, secret, splitAt } from '../oracles/secret-arbitraries.js';
import { cssString, digitLeaks, layoutOf as mirrored, type LayoutPage } from './helpers/layout-oracle.js';

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Where the generated piece is: the element's ::after after its text, ::before before it, in a block, beside it. */
type Shape = 'after' | 'before' | 'block-after' | 'block-before' | 'empty-before' | 'empty-after' | 'text-late';

/** A page showing `first` then `second`: one of them as the element's text, the other as generated content. */
/** Where the page writes its rule: alone, in `@media`, nested in its element's rule, in a cascade layer. */
type Wrap = 'plain' | 'media' | 'nested' | 'layer';

function pseudoPage(first: string, second: string, shape: Shape, strings: number, wrap: Wrap = 'plain'): LayoutPage {
  /** `text` as a content value of `strings` strings (the page may cut a string in several). */
  const content = (text: string): string =>
    splitAt(
      text,
      [...Array(strings - 1).keys()].map((n) => Math.floor(((n + 1) * text.length) / strings)),
    )
      .map(cssString)
      .join(' ');
  let body: string;
  let rule: string;
  let late: (doc: Document) => void = () => undefined;
  switch (shape) {
    case 'after':
    case 'text-late':
      body = `<p>Saved <span class="x">${shape === 'after' ? html(first) : 'card'}</span></p>`;
      rule = `.x::after{content: ${content(second)}}`;
      if (shape === 'text-late') late = (doc) => void ((doc.querySelector('.x') as HTMLElement).textContent = first);
      break;
    case 'before':
      body = `<p>Saved <span class="x">${html(second)}</span></p>`;
      rule = `.x::before{content: ${content(first)}}`;
      break;
    case 'block-after':
      body = `<p class="x">${html(first)}</p>`;
      rule = `.x::after{content: ${content(second)}}`;
      break;
    case 'block-before':
      body = `<p class="x">${html(second)}</p>`;
      rule = `.x::before{content: ${content(first)}}`;
      break;
    case 'empty-before':
      body = `<p><span>${html(first)}</span><span class="x"></span></p>`;
      rule = `.x::before{content: ${content(second)}}`;
      break;
    case 'empty-after':
      body = `<p><i class="x"></i><b>${html(second)}</b></p>`;
      rule = `.x::after{content: ${content(first)}}`;
      break;
  }
  if (wrap === 'media') rule = `@media screen { ${rule} }`;
  else if (wrap === 'layer') rule = `@layer page { ${rule} }`;
  else if (wrap === 'nested') rule = rule.replace(/^\.x(::\w+)\{(.*)\}$/s, '.x{color: inherit; &$1{$2}}');
  return {
    html: `<!doctype html><html><head><title>Pseudo</title><style>${rule}</style></head><body>${body}</body></html>`,
    late,
  };
}

/** Shapes whose generated content holds the number's first piece. */
const FIRST_GENERATED: ReadonlySet<Shape> = new Set<Shape>(['before', 'block-before', 'empty-after']);
/** A currency sign and a number ending a string: a price, which the open-edge rule keeps. */
const PRICE_AT_END = /\p{Sc}\s*[0-9][0-9.,]*$/u;

const shape = fc.constantFrom<Shape>(
  'after',
  'before',
  'block-after',
  'block-before',
  'empty-before',
  'empty-after',
  'text-late',
);

describe('a number split between an element and its ::before/::after string', function () {
  this.timeout(600_000);

  it('4111 1111 in a span and " 1111 1111" in its ::after: the page shows the card, the mirror not', async () => {
    const page = pseudoPage('Card 4532 0196', ' 7315 8241', 'after', 1);
    const { page: shown, mirror } = await mirrored(page);
    // Control: the oracle reads the card on the customer's page (a text and a generated one).
    expect(digitLeaks('4532019673158241', shown)).to.not.deep.equal([]);
    expect(digitLeaks('4532019673158241', mirror), JSON.stringify(mirror)).to.deep.equal([]);
  });

  it('the reverse: the number starts in ::before and ends in the text', async () => {
    const page = pseudoPage('SSN 278-41-', '5396', 'before', 1);
    const { page: shown, mirror } = await mirrored(page);
    expect(digitLeaks('278415396', shown)).to.not.deep.equal([]);
    expect(digitLeaks('278415396', mirror), JSON.stringify(mirror)).to.deep.equal([]);
  });

  it('a number cut anywhere between text and generated content, in any shape, never shows', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        secret.filter((s) => !s.text.includes('%')),
        prose,
        edge,
        fc.nat(60),
        shape,
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<Wrap>('plain', 'media', 'nested', 'layer'),
        async (s, before, gap, cut, where, strings, wrap) => {
          const text = `${before}${gap}${s.text}`;
          // The cut inside the number (else one side holds it whole, the rule's own case).
          const start = text.length - s.text.length;
          const at = start + 1 + (cut % Math.max(1, s.text.length - 1));
          const [first, second] = [text.slice(0, at), text.slice(at)];
          // README, what is masked: a price at the end of a generated string stays ("€ 47.7" before "5.23.03.8",
          // seed 197903 drew it from the prose's '€'): a stated exception, not a case this property can judge.
          fc.pre(!(FIRST_GENERATED.has(where) && PRICE_AT_END.test(first)));
          const page = pseudoPage(first, second, where, strings, wrap);
          const { page: shown, mirror } = await mirrored(page);
          // Control: the customer's page shows the number to the same oracle (else the case says nothing).
          fc.pre(revealedPositions(s.digits, shown).size === s.digits.length);
          expect(digitLeaks(s.digits, mirror), JSON.stringify({ html: page.html, mirror })).to.deep.equal([]);
        },
      ),
      { numRuns: 30, seed: Date.now() % 1_000_000 },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
    expect(result.numRuns).to.be.greaterThan(10);
  });

  it("a number in attributes joined by attr() (and beside the element's text) never shows", async () => {
    const result = await fc.check(
      fc.asyncProperty(
        secret.filter((s) => !s.text.includes('%')),
        prose,
        edge,
        fc.array(fc.nat(60), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('attributes', 'with-text', 'with-string', 'late'),
        fc.constantFrom('::before', '::after'),
        async (s, before, gap, cuts, how, pseudo) => {
          const text = `${before}${gap}${s.text}`;
          const start = text.length - s.text.length;
          // Cuts inside the number, so that no attribute holds it whole (the rule's own case).
          const points = cuts.map((cut) => start + 1 + (cut % Math.max(1, s.text.length - 1)));
          let pieces = splitAt(text, points).filter((piece) => piece !== '');
          fc.pre(pieces.length > 1);
          let own = '';
          if (how === 'with-text') own = pseudo === '::before' ? (pieces.pop() as string) : (pieces.shift() as string);
          const literal = how === 'with-string' ? (pieces.pop() as string) : null;
          pieces = pieces.filter((piece) => piece !== '');
          const attrs = pieces.map((piece, n) => ` data-p${n}="${html(piece).replace(/"/g, '&quot;')}"`).join('');
          const items = pieces.map((_piece, n) => `attr(data-p${n})`);
          if (literal !== null) items.push(cssString(literal));
          const rule = `.x${pseudo}{content: ${items.join(' ') || '""'}}`;
          const late =
            how === 'late'
              ? (doc: Document) =>
                  pieces.forEach((piece, n) => doc.querySelector('.x')?.setAttribute(`data-p${n}`, piece))
              : () => undefined;
          const body = `<p>Saved <span class="x"${how === 'late' ? '' : attrs}>${html(own)}</span></p>`;
          const page = {
            html: `<!doctype html><html><head><title>Attr</title><style>${rule}</style></head><body>${body}</body></html>`,
            late,
          };
          const { page: shown, mirror } = await mirrored(page);
          fc.pre(revealedPositions(s.digits, shown).size === s.digits.length);
          expect(digitLeaks(s.digits, mirror), JSON.stringify({ html: page.html, mirror })).to.deep.equal([]);
        },
      ),
      { numRuns: 30, seed: Date.now() % 1_000_000 },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
    expect(result.numRuns).to.be.greaterThan(10);
  });

  it('prices, dates, times, phone numbers and short numbers in generated content stay as the page shows them', async () => {
    const doc =
      `<!doctype html><html><head><title>Keep</title><style>` +
      `.a::after{content: " €1,299.00" " " "€2,598.00"}.b::before{content: "2026-12-05 "}` +
      `.c::after{content: " 10:30"}.d::before{content: "+44 20 7946 0958 "}.e::before{content: "Step " counter(s) " of 12: "}` +
      `.f::after{content: " [12]"}.g::after{content: " (" attr(data-n) " items)"}</style></head><body><p class="a">Total</p><p class="b">Order placed</p>` +
      `<p class="c">Delivery</p><p class="d">call us</p><p class="e" style="counter-reset: s 3">Pay</p>` +
      `<p class="f">Footnote</p><p class="g" data-n="12">Basket</p><p>Order 1234 5678</p></body></html>`;
    const { page, mirror } = await mirrored({ html: doc, late: () => undefined });
    const digitTexts = (texts: readonly string[]): string[] => texts.filter((text) => /[0-9]/.test(text));
    expect(digitTexts(mirror)).to.deep.equal(digitTexts(page));
  });
});
