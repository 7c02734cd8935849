/**
 * Numbers typed into several short boxes, with real keystrokes at a
 * person's pace and the page moving focus to the next box when one is full
 * (as split card, SSN and one-time-code entries do): a card number in four
 * boxes, an SSN in boxes of 3, 2 and 4 (each box wrapped in its own <span>),
 * a one-time code in six boxes of one digit. Each box alone is too short to
 * be recognised as a number, and its value went out as soon as focus moved
 * on: the whole card number and SSN left the browser box by box. Every
 * message goes through the real codec; the oracles read the decoded
 * strings without the product's masking: the independent leak finder for
 * the card, and the groups themselves for the SSN and the code. The same
 * with boxes a script limits (no `maxlength`), drawn narrow. Control: the
 * same boxes without a length limit drawn as wide as ordinary fields
 * (nothing marks them as parts of a number) are reported, so each oracle
 * can fail; an ordinary form's fields for digits stay readable.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { digitSequences, truncationLeaks } from '../oracles/leak-finder.js';
import { capturePage, nextFrames, type TestPage } from './helpers/capture-page.js';
import { decodedCapture } from './helpers/decoded-capture.js';

const CARD_GROUPS = ['4532', '0196', '7315', '8241'];
const SSN_GROUPS = ['278', '41', '5396'];
/** Digits 5-9 only: the boxes' maxlength values (1-4) are strings on the wire too. */
const CODE = '758969';

/** Box ids: no digits and no telling words (an id "ssn0" is masked by its name, and "0" would be read as a digit). */
const id = (kind: 'pay' | 'idn' | 'otc', i: number): string => `${kind}${'abcdef'[i] ?? ''}`;

/**
 * How the boxes are limited: `maxlength`; only by the page's script, drawn narrow (CSS, in ems); or only by
 * the script, drawn as wide as ordinary fields (the control).
 */
type Limits = 'maxlength' | 'narrow' | 'wide';

/** Boxes that pass focus on when full, as split entries do. */
function pageHtml(limits: Limits): string {
  const box = (id: string, size: number): string =>
    `<input id="${id}" inputmode="numeric" autocomplete="off"${limits === 'maxlength' ? ` maxlength="${size}"` : ''}${limits === 'narrow' ? ` style="width: ${size === 1 ? 2 : 3}em"` : ''}>`;
  return `<!DOCTYPE html><html><head><title>Checkout</title></head><body>
<fieldset><legend>Payment</legend>${CARD_GROUPS.map((_, i) => box(id('pay', i), 4)).join(' ')}</fieldset>
<fieldset><legend>Identity</legend>${SSN_GROUPS.map((g, i) => `<span>${box(id('idn', i), g.length)}</span>`).join('')}</fieldset>
<fieldset><legend>Code</legend><div>${[...CODE].map((_, i) => box(id('otc', i), 1)).join('')}</div></fieldset>
<button id="away">Continue</button>
<script>
  const sizes = { pay: [4, 4, 4, 4], idn: [3, 2, 4], otc: [1, 1, 1, 1, 1, 1] };
  document.addEventListener('input', (event) => {
    const field = event.target;
    const kind = field.id.slice(0, 3);
    const index = 'abcdef'.indexOf(field.id.slice(3));
    if (!(kind in sizes) || index < 0) return;
    const next = document.getElementById(kind + 'abcdef'[index + 1]);
    if (field.value.length >= sizes[kind][index] && next) next.focus();
  });
</script></body></html>`;
}

describe('masking: numbers typed into split boxes', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  /** Types each group key by key (40 ms apart) into its first box; the page moves focus on. Returns every string sent. */
  async function typeGroups(limits: Limits): Promise<{ strings: () => string[] }> {
    page = await capturePage(pageHtml(limits));
    const { doc, win } = page;
    const strings: string[] = [];
    engine = decodedCapture(win, strings);
    await engine.start();
    await nextFrames(win, 2);
    const typeKeys = async (first: string, keys: string): Promise<void> => {
      (doc.getElementById(first) as HTMLElement).focus();
      for (const key of keys) {
        await sendKeys({ type: key });
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    };
    await typeKeys(id('pay', 0), CARD_GROUPS.join(''));
    await typeKeys(id('idn', 0), SSN_GROUPS.join(''));
    await typeKeys(id('otc', 0), CODE);
    (doc.getElementById('away') as HTMLElement).focus();
    await nextFrames(win, 4);
    // The page got what was typed, in the right boxes (the page moves focus on, with or without maxlength).
    const values = (kind: 'pay' | 'idn' | 'otc', count: number): string[] =>
      Array.from({ length: count }, (_, i) => (doc.getElementById(id(kind, i)) as HTMLInputElement).value);
    expect(values('pay', 4)).to.deep.equal(CARD_GROUPS);
    expect(values('idn', 3)).to.deep.equal(SSN_GROUPS);
    expect(values('otc', 6)).to.deep.equal([...CODE]);
    return { strings: () => strings };
  }

  /** SSN groups and code digits readable from what was sent (digit runs equal to a group). */
  function groupsSeen(strings: readonly string[]): { ssn: string[]; code: string[] } {
    const sequences = strings.flatMap(digitSequences);
    return {
      ssn: SSN_GROUPS.slice(0, 2).filter((group) => sequences.includes(group)),
      code: [...CODE].filter((digit) => sequences.includes(digit)),
    };
  }

  for (const limits of ['maxlength', 'narrow'] as const) {
    it(`sends no digit of a card, SSN or one-time code typed box by box (boxes limited by ${limits})`, async function () {
      this.timeout(60_000);
      const { strings } = await typeGroups(limits);
      expect(truncationLeaks(CARD_GROUPS.join(''), strings())).to.deep.equal([]);
      expect(groupsSeen(strings())).to.deep.equal({ ssn: [], code: [] });
    });
  }

  it('an ordinary form: fields for digits side by side, as wide as they usually are, stay readable', async () => {
    page = await capturePage(`<!DOCTYPE html><html><head><title>Address</title></head><body><form>
<div><input id="phone" type="tel" aria-label="Phone"><input id="zip" inputmode="numeric" aria-label="ZIP"></div>
<div><input id="qty" type="number" aria-label="Quantity"><input id="floor" pattern="[0-9]*" aria-label="Floor"></div>
</form></body></html>`);
    const { doc, win } = page;
    const strings: string[] = [];
    engine = decodedCapture(win, strings);
    await engine.start();
    await nextFrames(win, 2);
    for (const [field, value] of [
      ['phone', '555 0123'],
      ['zip', '94107'],
      ['qty', '12'],
      ['floor', '3'],
    ]) {
      (doc.getElementById(field ?? '') as HTMLInputElement).value = value ?? '';
    }
    await nextFrames(win, 4);
    for (const value of ['555 0123', '94107', '12']) expect(strings).to.include(value);
    expect(strings.filter((s) => s.includes('•'))).to.deep.equal([]);
  });

  it('control: boxes without a length limit, as wide as ordinary fields, go out, and the oracles report them', async function () {
    this.timeout(60_000);
    const { strings } = await typeGroups('wide');
    expect(truncationLeaks(CARD_GROUPS.join(''), strings()).length).to.be.greaterThan(0);
    expect(groupsSeen(strings())).to.deep.equal({ ssn: SSN_GROUPS.slice(0, 2), code: [...CODE] });
  });
});
