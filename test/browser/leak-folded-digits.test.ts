/**
 * A card or an SSN written in digits Unicode files as "other numbers" (No):
 * superscript ⁴, subscript ₄, circled ④, parenthesized ⑷, with a full stop
 * ⒋ or a comma 🄅 (review s15 M2, M3, L1), split between the two generated
 * strings of an element (`::before` and `::after`), between attributes joined
 * by `attr()`, or between the element's text and its `::after`. The page goes
 * through the whole pipeline (real CaptureEngine, codec, real Mirror); the
 * oracle is Chromium's layout text of the mirror read by the independent leak
 * finder (NFKC: it reads ⑷ as "(4)", a digit between separators). Control: the
 * same oracle over the customer's page finds the number.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { revealedPositions } from '../oracles/leak-finder.js';
import { secret } from '../oracles/secret-arbitraries.js';
import { cssString, digitLeaks, layoutOf } from './helpers/layout-oracle.js';

/** Ways of writing each digit 0-9 that a reader reads as that digit (NFKC gives it back, with punctuation). */
const FORMS: Record<string, readonly string[]> = {
  superscript: ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'],
  subscript: ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'],
  circled: ['⓪', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨'],
  parenthesized: ['🄀', '⑴', '⑵', '⑶', '⑷', '⑸', '⑹', '⑺', '⑻', '⑼'],
  'full stop': ['🄀', '⒈', '⒉', '⒊', '⒋', '⒌', '⒍', '⒎', '⒏', '⒐'],
  comma: ['🄁', '🄂', '🄃', '🄄', '🄅', '🄆', '🄇', '🄈', '🄉', '🄊'],
};
const FORM_NAMES = Object.keys(FORMS);

/** `text` with each ASCII digit in `form`. */
function folded(text: string, form: string): string {
  const digits = FORMS[form] as readonly string[];
  return text.replace(/[0-9]/g, (d) => digits[Number(d)] as string);
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** How the page splits the number: both generated strings, attributes joined by attr(), its text and ::after. */
type Shape = 'before-after' | 'attributes' | 'text-after';

function page(first: string, second: string, shape: Shape): string {
  let body: string;
  let rule: string;
  switch (shape) {
    case 'before-after':
      body = '<p>Saved <span class="x"></span></p>';
      rule = `.x::before{content: ${cssString(first)}} .x::after{content: ${cssString(second)}}`;
      break;
    case 'attributes':
      body = `<p>Saved <span class="x" data-a="${html(first)}" data-b="${html(second)}"></span></p>`;
      rule = '.x::after{content: attr(data-a) attr(data-b)}';
      break;
    case 'text-after':
      body = `<p>Saved <span class="x">${html(first)}</span></p>`;
      rule = `.x::after{content: ${cssString(second)}}`;
      break;
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>Folded</title><style>${rule}</style></head><body>${body}</body></html>`;
}

async function mirrored(source: string): Promise<{ page: string[]; mirror: string[] }> {
  return layoutOf({ html: source, late: () => undefined });
}

describe('a number in superscript, circled or other folded digits, split over generated content', function () {
  this.timeout(600_000);

  it('"⁴⁵³²⁰¹⁵¹" in ::before and "¹²⁸³⁰³⁶⁶" in ::after: the page shows the card, the mirror not', async () => {
    const { page: shown, mirror } = await mirrored(page('⁴⁵³²⁰¹⁵¹', '¹²⁸³⁰³⁶⁶', 'before-after'));
    expect(digitLeaks('4532015112830366', shown)).to.not.deep.equal([]);
    expect(digitLeaks('4532015112830366', mirror), JSON.stringify(mirror)).to.deep.equal([]);
  });

  it('the same card in two attributes joined by attr(): the mirror shows no part of it', async () => {
    const { page: shown, mirror } = await mirrored(page('⁴⁵³²⁰¹⁵¹', '¹²⁸³⁰³⁶⁶', 'attributes'));
    expect(digitLeaks('4532015112830366', shown)).to.not.deep.equal([]);
    expect(digitLeaks('4532015112830366', mirror), JSON.stringify(mirror)).to.deep.equal([]);
  });

  it('any folded form, cut anywhere, in any of the shapes, never shows', async () => {
    const result = await fc.check(
      fc.asyncProperty(
        secret.filter((s) => !s.text.includes('%')),
        fc.constantFrom(...FORM_NAMES),
        fc.nat(60),
        fc.constantFrom<Shape>('before-after', 'attributes', 'text-after'),
        async (s, form, cut, shape) => {
          const text = folded(s.text, form);
          // Cut between characters, not inside one written as a surrogate pair (🄅): each half would then draw U+FFFD.
          const chars = [...text];
          const at = 1 + (cut % Math.max(1, chars.length - 1));
          const [first, second] = [chars.slice(0, at).join(''), chars.slice(at).join('')];
          const source = page(first, second, shape);
          const { page: shown, mirror } = await mirrored(source);
          // Control: the customer's page shows the number to the same oracle (else the case says nothing).
          fc.pre(revealedPositions(s.digits, shown).size === s.digits.length);
          expect(digitLeaks(s.digits, mirror), JSON.stringify({ source, mirror })).to.deep.equal([]);
        },
      ),
      { numRuns: 30, seed: Date.now() % 1_000_000 },
    );
    expect(result.failed, fc.defaultReportMessage(result) ?? '').to.equal(false);
    expect(result.numRuns).to.be.greaterThan(10);
  });

  it('footnote marks and list bullets in folded digits stay as the page shows them', async () => {
    const source =
      '<!doctype html><html><head><meta charset="utf-8"><title>Notes</title><style>' +
      '.n::after{content: "¹"} .s::before{content: "② "}</style></head>' +
      '<body><p>Delivery<span class="n"></span> <span class="s">Pay</span> x² + y³</p></body></html>';
    const { mirror } = await mirrored(source);
    const shown = mirror.join('|');
    expect(shown).to.contain('¹');
    expect(shown).to.contain('②');
    expect(shown).to.contain('x² + y³');
  });
});
