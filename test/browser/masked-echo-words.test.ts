/**
 * The words of a masked value are looked for as whole words only, and a
 * password's not at all (its whole value only). Before (601c2b4, 987f799),
 * each word of a password typed as "blue-dragon-cat" was masked as a
 * substring anywhere on the page: "Drag the •••• •••••• onto the •••t.
 * •••egory", so the agent read the passphrase off the bullets, and image URLs
 * and CSS selectors broke in the mirror; a masked e-mail address bulleted
 * "Wel•••e to our •••pany". Oracle: a plain search of the decoded strings for
 * the page's own text and the secrets (no product code). Control: the words of
 * a masked name echoed a word per element and reordered ("QUIXBY/ZOYA") are
 * still masked. A name typed with accents (Jürgen Weiß) that the card preview
 * shows without them, upper case ("JURGEN WEISS"): before, the echo went out.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { capturePage, nextFrames, type TestPage } from './helpers/capture-page.js';
import { decodedCapture } from './helpers/decoded-capture.js';

const TEXT = 'Drag the blue dragon onto the cart. Category: Location.';
const WELCOME = 'Welcome to our company. Compare plans.';

const PAGE = `<!DOCTYPE html><html><body>
<p id="t">${TEXT}</p>
<p>${WELCOME}</p>
<label>Password <input id="pw" type="password"></label>
<label>Email <input id="em" data-cobrowse-mask type="email"></label>
<div id="bg" style='background-image:url("https://cdn.shop.com/cat.png")'>x</div>
<img data-src="https://cdn.shop.com/blue.png" alt="Blue shirt" title="see www.shop.com">
<style>.x::before{content:"Welcome"} [data-state="blue"]{color:red}</style>
<label>Name on card <input id="holder" autocomplete="cc-name"></label>
<p id="words"></p><p id="strip"></p>
<script>
  const holder = document.getElementById('holder');
  holder.addEventListener('input', () => {
    const words = holder.value.trim().toUpperCase().split(/\\s+/);
    document.getElementById('words').replaceChildren(...words.map((w) => Object.assign(document.createElement('span'), { textContent: w + ' ' })));
    document.getElementById('strip').textContent = words.slice().reverse().join('/');
  });
</script>
</body></html>`;

describe('masking: words of a masked value, only as whole words', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  async function typed(fields: [string, string][]): Promise<string[]> {
    page = await capturePage(PAGE);
    const { doc, win } = page;
    for (const [id, text] of fields) {
      (doc.getElementById(id) as HTMLElement).focus();
      await sendKeys({ type: text });
    }
    (doc.activeElement as HTMLElement | null)?.blur();
    const strings: string[] = [];
    engine = decodedCapture(win, strings);
    await engine.start();
    await nextFrames(win, 2);
    return strings;
  }

  it('a password typed as "blue-dragon-cat" and a masked e-mail address: the page’s own text, URLs and CSS go out unchanged', async function () {
    this.timeout(30_000);
    const strings = await typed([
      ['pw', 'blue-dragon-cat'],
      ['em', 'zoya@example.com'],
    ]);
    expect(strings).to.include(TEXT);
    expect(strings).to.include(WELCOME);
    expect(strings).to.include('Blue shirt');
    expect(strings).to.include('see www.shop.com');
    expect(strings).to.include('https://cdn.shop.com/blue.png');
    expect(strings.some((s) => s.includes('url("https://cdn.shop.com/cat.png")'))).to.equal(true);
    expect(strings.some((s) => s.includes('[data-state="blue"]'))).to.equal(true);
    // Only the two fields' own values are bullets.
    expect(strings.filter((s) => s.includes('•') && !/^•+$/.test(s))).to.deep.equal([]);
    // The secrets themselves are not in what was sent.
    expect(strings.filter((s) => /blue-dragon-cat|zoya|example/i.test(s))).to.deep.equal([]);
  });

  for (const masked of [true, false]) {
    it(`${masked ? 'a masked' : 'control: an ordinary'} name with accents echoed without them ("JURGEN WEISS"): ${masked ? 'masked' : 'it goes out'}`, async function () {
      this.timeout(30_000);
      page = await capturePage(`<!DOCTYPE html><html><body><p id="card"></p>
        <label>Name <input id="name"${masked ? ' autocomplete="cc-name"' : ''}></label>
        <script>const f = document.getElementById('name'); f.addEventListener('input', () => {
          document.getElementById('card').textContent = f.value.normalize('NFD').replace(/\\p{M}/gu, '').toUpperCase(); });</script>
        </body></html>`);
      const { doc, win } = page;
      const field = doc.getElementById('name') as HTMLInputElement;
      field.value = 'Jürgen Weiß';
      field.dispatchEvent(new win.Event('input'));
      expect(doc.getElementById('card')?.textContent).to.equal('JURGEN WEISS');
      const strings: string[] = [];
      engine = decodedCapture(win, strings);
      await engine.start();
      await nextFrames(win, 2);
      const found = strings.filter((s) => /jur|jür|urg|ürg|rge|gen|wei|eis|eiß|iss/i.test(s));
      if (masked) expect(found).to.deep.equal([]);
      else expect(found).to.include('JURGEN WEISS');
    });
  }

  it('control: a masked name echoed a word per element and reordered ("QUIXBY/ZOYA") is masked word by word', async function () {
    this.timeout(30_000);
    const strings = await typed([['holder', 'Zoya Quixby']]);
    expect(page?.doc.getElementById('strip')?.textContent).to.equal('QUIXBY/ZOYA');
    expect(strings.filter((s) => /zoy|oya|qui|uix|ixb|xby/i.test(s))).to.deep.equal([]);
    expect(strings).to.include('••••••/••••');
    expect(strings).to.include(TEXT);
  });
});
