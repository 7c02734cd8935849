/**
 * CSS a page rewrites while the customer types (a CSS-in-JS library writing
 * its rules into a <style> at each render, a style attribute set per key),
 * review M7: strict masking bulleted every digit of the CSS strings, so an
 * icon font's escape (`content: "\f101"`) and a background's URL
 * (`url("img/2x/hero-1080.png")`) broke in the agent's mirror until typing
 * stopped. Now only the digits that may be the typed value's are masked: a
 * URL's digits that share 3 in a row with the typed value, an escape that
 * writes a digit, and every other digit written in a string. A URL's scheme,
 * userinfo and host are checked like its path, and its port unless it is a
 * valid port that is not a part of the typed digits (review s11 F1); a selector and a plain value
 * (`.c4532…{counter-reset:n 4532…}`) too (review s11 F8).
 * Oracle: the independent leak finder (test/oracles/leak-finder.ts) over
 * every decoded string sent, and plain searches; control: the same finder
 * over what the page wrote into its CSS (the typed card is there).
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { CaptureEngine } from '../../client/capture/capture-engine.js';
import { revealedPositions } from '../oracles/leak-finder.js';
import { capturePage, nextFrames, type TestPage } from './helpers/capture-page.js';
import { decodedCapture } from './helpers/decoded-capture.js';

const CARD = '4532 0196 7315 8241';

const PAGE = `<!DOCTYPE html><html><head><style id="css"></style></head><body>
<label>Card <input id="card"></label><div id="badge" class="icon">badge</div><p class="preview">preview</p>
<script>
  const field = document.getElementById('card');
  const render = () => {
    const digits = field.value.replace(/\\D/g, '');
    document.getElementById('css').textContent =
      '.icon::before{content:"\\\\f101"}.dash::after{content:"\\\\2014 \\\\33 "}' +
      '.hero{background:url("img/2x/hero-1080.png")}' +
      '.preview::after{content:"' + field.value + '"}' +
      '.brand{background:url("/cards/preview.png?n=' + digits + '")}.u{background:url(/u.png?n=' + digits + ')}' +
      ':root{--m: ' + digits + '; --gap: 12px; --bg: url(/files/1/0262/4071/2726/x.png)}' +
      '.host{background:url("https://c' + digits + '.img.example/logo.png")}' +
      '.port{background:url("https://img.example:' + digits.slice(0, 5) + '/logo.png")}' +
      '.c' + digits + '{counter-reset:n ' + digits + '}';
    document.getElementById('badge').setAttribute('style',
      'background-image:url("img/2x/chip-64.png"); --n: "' + digits + '"; background-position: url("p.png?c=' + digits + '")');
  };
  render();
  field.addEventListener('input', render);
</script></body></html>`;

describe('masking: CSS rewritten while the customer types', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  it('the typed card leaves no 4 digits in a row; the icon escapes and the URLs that are not it go out whole', async function () {
    this.timeout(60_000);
    page = await capturePage(PAGE);
    const { doc, win } = page;
    const sent: string[] = [];
    engine = decodedCapture(win, sent);
    await engine.start();
    await nextFrames(win, 2);
    const written: string[] = [];
    (doc.getElementById('card') as HTMLInputElement).focus();
    const typing = sent.length;
    for (const key of CARD) {
      await sendKeys({ type: key });
      await nextFrames(win, 2);
      written.push(
        doc.getElementById('css')?.textContent ?? '',
        doc.getElementById('badge')?.getAttribute('style') ?? '',
      );
    }
    const whileTyping = sent.slice(typing);
    (doc.getElementById('card') as HTMLInputElement).blur();
    await nextFrames(win, 4);
    // Control: what the page wrote shows the whole card.
    expect(revealedPositions(CARD, written).size).to.equal(16);
    // The URL's port with the first 5 digits: a 5-digit number, which the normal rule lets out after typing.
    const withoutPort = (text: string): string => text.replace(/https:\/\/img\.example:\d{5}\//g, 'P');
    expect([...revealedPositions(CARD, sent.map(withoutPort))]).to.deep.equal([]);
    // While typing also the port (review s11 F1: the host, userinfo and port were not checked against the typed digits).
    expect([...revealedPositions(CARD, whileTyping)]).to.deep.equal([]);
    // While typing, every style text and style attribute sent keeps what is not the card.
    const sheets = whileTyping.filter((s) => s.includes('.hero{'));
    // The style attributes (not the chip's asset URL, which may go out while typing).
    const styles = whileTyping.filter((s) => s.startsWith('background-image:'));
    expect(sheets.length).to.be.greaterThan(10);
    expect(styles.length).to.be.greaterThan(10);
    for (const sheet of sheets) {
      expect(sheet).to.include('.icon::before{content:"\\f101"}');
      expect(sheet).to.include('content:"\\2014 •"}');
      expect(sheet).to.include('url("img/2x/hero-1080.png")');
      expect(sheet).to.include('/cards/preview.png?n=');
      expect(sheet).to.include('--gap: 12px; --bg: url(/files/1/0262/4071/2726/x.png)');
      expect(sheet).to.include('url("https://c');
    }
    for (const style of styles) expect(style).to.include('/img/2x/chip-64.png")');
    // The card's digits written in a string go out as bullets while typing.
    expect(sheets.at(-1)).to.include('content:"•••• •••• •••• ••••"');
  });
});

/**
 * Review s11 F2: the typed field's digits were read and converted for every style text and style attribute
 * serialized while typing (300 attributes set per key: 300 reads of the field per key). Counted here by the
 * reads of the field's value, or of the editor's text (textContent or a walk of its text nodes).
 */
const MANY_STYLES = (field: string) => `<!DOCTYPE html><html><head><style id="css"></style></head><body>
${field}<div id="boxes"></div>
<script>
  const boxes = document.getElementById('boxes');
  for (let i = 0; i < 300; i++) boxes.appendChild(document.createElement('div'));
  let step = 0;
  document.getElementById('field').addEventListener('input', () => {
    step++;
    for (const [i, box] of [...boxes.children].entries()) box.setAttribute('style', 'width: ' + (i + step) + 'px');
    document.getElementById('css').textContent = '.a{width:' + step + 'px}';
  });
</script></body></html>`;

describe('masking: the typed digits read once per task while the page restyles', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  for (const [name, field] of [
    ['an input', '<input id="field" value="">'],
    [
      'an editor of 19,000 characters',
      `<div id="field" contenteditable="true"><p>${'Lorem ipsum dolor sit amet 12. '.repeat(613)}</p></div>`,
    ],
  ] as const) {
    it(`${name}: a few reads per key, not one per style attribute`, async function () {
      this.timeout(60_000);
      page = await capturePage(MANY_STYLES(field));
      const { doc, win } = page;
      const el = doc.getElementById('field') as HTMLElement;
      let reads = 0;
      // The page is in a frame: its own prototypes.
      const pageWin = win as unknown as typeof globalThis;
      const prop = el instanceof pageWin.HTMLInputElement ? 'value' : 'textContent';
      const proto = prop === 'value' ? pageWin.HTMLInputElement.prototype : pageWin.Node.prototype;
      const own = Object.getOwnPropertyDescriptor(proto, prop) as PropertyDescriptor;
      Object.defineProperty(el, prop, {
        configurable: true,
        get(this: HTMLElement) {
          reads++;
          return own.get?.call(this) as unknown;
        },
        set(this: HTMLElement, value: unknown) {
          own.set?.call(this, value);
        },
      });
      const walker = doc.createTreeWalker.bind(doc);
      doc.createTreeWalker = (root: Node, ...rest: [number?, NodeFilter?]) => {
        if (root === el) reads++;
        return walker(root, ...rest);
      };
      const sent: string[] = [];
      engine = decodedCapture(win, sent);
      await engine.start();
      await nextFrames(win, 2);
      el.focus();
      const keys = '4532019673';
      const before = reads;
      for (const key of keys) {
        await sendKeys({ type: key });
        await nextFrames(win, 2);
      }
      const perKey = (reads - before) / keys.length;
      console.log(
        'READS',
        name,
        before,
        reads,
        sent.filter((s) => s.startsWith('width: ')).length,
        sent.filter((s) => s.includes('width')).slice(-3),
      );
      // Control: the page set 300 style attributes per key, and they went out.
      expect(sent.filter((s) => s.startsWith('width: ')).length).to.be.above(300 * (keys.length - 1));
      expect(perKey, `${reads - before} reads over ${keys.length} keys`).to.be.below(10);
    });
  }
});

/**
 * Review s11 F7: for an editor the typed digits were every digit of its text, the ones it held when the customer
 * put focus in it too, so the page's own URLs sharing 3 of them were masked while the customer typed. Now only
 * what was typed since its first focus counts (EditorTyped). Oracle: the leak finder over every string sent
 * (the typed card still leaves no 4 in a row) and a plain search for the page's URL.
 */
const EDITOR_START = 'Order 4821 0375, ref 2211.';
const EDITOR_PAGE = `<!DOCTYPE html><html><head><style id="css"></style></head><body>
<div id="ed" contenteditable="true">${EDITOR_START}</div>
<script>
  const ed = document.getElementById('ed');
  const render = () => {
    const typed = ed.textContent.slice(${JSON.stringify(EDITOR_START)}.length).replace(/\\D/g, '');
    document.getElementById('css').textContent =
      '.order{background:url("/img/order-48210375.png")}.brand{background:url("/cards/p.png?n=' + typed + '")}';
  };
  render();
  ed.addEventListener('input', render);
</script></body></html>`;

describe('masking: CSS while typing in an editor that held digits (review s11 F7)', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  it("the editor's own digits are not taken as typed: the page's URL holding them stays; the typed card does not leave", async function () {
    this.timeout(60_000);
    page = await capturePage(EDITOR_PAGE);
    const { doc, win } = page;
    const sent: string[] = [];
    engine = decodedCapture(win, sent);
    await engine.start();
    await nextFrames(win, 2);
    const ed = doc.getElementById('ed') as HTMLElement;
    ed.focus();
    const range = doc.createRange();
    range.selectNodeContents(ed);
    range.collapse(false);
    win.getSelection()?.removeAllRanges();
    win.getSelection()?.addRange(range);
    await nextFrames(win, 2);
    const typing = sent.length;
    const written: string[] = [];
    for (const key of ` ${CARD}`) {
      await sendKeys({ type: key });
      await nextFrames(win, 2);
      written.push(doc.getElementById('css')?.textContent ?? '');
    }
    const sheets = sent.slice(typing).filter((s) => s.includes('.order{'));
    ed.blur();
    await nextFrames(win, 4);
    // Control: the page wrote the whole card.
    expect(revealedPositions(CARD, written).size).to.equal(16);
    expect([...revealedPositions(CARD, sent)]).to.deep.equal([]);
    expect(sheets.length).to.be.greaterThan(10);
    for (const sheet of sheets) expect(sheet).to.include('url("/img/order-48210375.png")');
  });
});
