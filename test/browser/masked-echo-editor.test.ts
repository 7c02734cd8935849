/**
 * A masked rich-text editor whose typed words the page echoes (review s11).
 * F3: an editor that already has focus when the capture starts, or when it
 * resyncs while the customer types, was never followed (only a change of
 * focus was), so every key's echo went out.
 * F4: an editor whose framework replaces the edited text node on each key
 * (a controlled contenteditable, a highlighter rewriting its HTML) made the
 * whole paragraph or document count as typed: the caps kept its start and
 * dropped what was typed, and the editor's own words were masked page-wide.
 * Real keys (sendKeys). Oracle: a plain search of the decoded strings for
 * the typed words (no product code). Control: the same page with an ordinary
 * editor sends the echo, and the oracle finds it.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { CaptureEngine } from '../../client/capture/capture-engine.js';
import { capturePage, nextFrames, type TestPage } from './helpers/capture-page.js';
import { decodedCapture } from './helpers/decoded-capture.js';

const TYPED = ' Fjordvik Quixby';
const FOUND = /fjordv|jordvi|rdvik|quixb|uixby/i;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An editor (masked or not) with a paragraph before "Dear Sir,"; the page echoes its last paragraph on each key. */
function editorPage(masked: boolean, rerender: boolean, size: number): string {
  const para = 'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor. ';
  const start = para.repeat(Math.ceil(size / para.length));
  const rewrite = rerender
    ? `const html = [...editor.children].map((p) => '<p' + (p.id ? ' id="' + p.id + '"' : '') + '>' +
        p.textContent.replace(/&/g, '&amp;').replace(/</g, '&lt;') + '</p>').join('');
      editor.innerHTML = html;
      const t = editor.lastElementChild.firstChild;
      getSelection().collapse(t, t.data.length);`
    : '';
  return `<!DOCTYPE html><html><body>
  <div id="ed" contenteditable="true"${masked ? ' data-cobrowse-mask' : ''}><p>${start}</p><p id="last">Dear Sir,</p></div>
  <p id="memo">memo</p><p>Fjord of the north</p>
  <script>const editor = document.getElementById('ed');
    editor.addEventListener('input', () => {
      ${rewrite}
      document.getElementById('memo').textContent = 'Last line: ' + editor.lastElementChild.textContent; });</script>
  </body></html>`;
}

describe('masking: a masked editor followed whenever it has focus, by its words', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  for (const [when, masked] of [
    ['focused before the capture starts', true],
    ['a resync while typing', true],
    ['focused before the capture starts', false],
    ['a resync while typing', false],
  ] as const) {
    it(`${masked ? 'a masked' : 'control: an ordinary'} editor, ${when}: ${masked ? 'its echo is masked' : 'the echo goes out'}`, async function () {
      this.timeout(60_000);
      page = await capturePage(editorPage(masked, false, 300));
      const { doc, win } = page;
      const sent: string[] = [];
      const last = doc.getElementById('last') as HTMLElement;
      const editor = doc.getElementById('ed') as HTMLElement;
      const focus = (): void => {
        editor.focus();
        (win.getSelection() as Selection).collapse(last.firstChild, 9);
      };
      engine = decodedCapture(win, sent);
      if (when.startsWith('focused')) focus();
      await engine.start();
      await nextFrames(win, 2);
      if (!when.startsWith('focused')) focus();
      let keys = 0;
      for (const key of TYPED) {
        if (when.startsWith('a resync') && keys++ === 3) {
          await engine.resync();
          await nextFrames(win, 3);
        }
        await sendKeys({ type: key });
        await pause(30);
      }
      await nextFrames(win, 3);
      expect(doc.getElementById('memo')?.textContent?.replace(/\u00a0/g, ' ')).to.equal(
        'Last line: Dear Sir, Fjordvik Quixby',
      );
      editor.blur();
      await nextFrames(win, 3);
      const found = sent.filter((s) => FOUND.test(s));
      if (masked) expect(found).to.deep.equal([]);
      else expect(found.map((s) => s.replace(/\u00a0/g, ' '))).to.include('Last line: Dear Sir, Fjordvik Quixby');
      expect(sent).to.include('Fjord of the north');
    });
  }
});

describe('masking: a masked editor whose page replaces its text on each key', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  it('the whole editor rewritten per key (2,000 characters before the caret): the echo is masked', async function () {
    this.timeout(60_000);
    page = await capturePage(editorPage(true, true, 2000));
    const { doc, win } = page;
    const sent: string[] = [];
    engine = decodedCapture(win, sent);
    await engine.start();
    await nextFrames(win, 2);
    const editor = doc.getElementById('ed') as HTMLElement;
    editor.focus();
    (win.getSelection() as Selection).collapse(doc.getElementById('last')?.firstChild as Text, 9);
    for (const key of TYPED) {
      await sendKeys({ type: key });
      await pause(30);
    }
    await nextFrames(win, 3);
    expect(doc.getElementById('memo')?.textContent?.replace(/\u00a0/g, ' ')).to.equal(
      'Last line: Dear Sir, Fjordvik Quixby',
    );
    editor.blur();
    await nextFrames(win, 3);
    expect(sent.filter((s) => FOUND.test(s))).to.deep.equal([]);
    // The editor's own words are not typed: the page's text sharing them goes out.
    expect(sent).to.include('Fjord of the north');
  });

  const CONSONANTS = 'bcdfghjklmnpqrstvwz';
  for (const [words, replaced] of [
    [90, true],
    [30, true],
    [90, false],
  ] as const) {
    it(`a paragraph of ${words} words${replaced ? ', its text node replaced per key' : ' typed in place'}: the echo of the last words is masked, the page's words stay`, async function () {
      this.timeout(60_000);
      const own = ['Track', 'your', 'order', 'and', 'the', 'delivery'];
      const filler = Array.from(
        { length: words - own.length },
        (_, i) => `wo${CONSONANTS[i % 19]}${CONSONANTS[Math.floor(i / 19) % 19]}a`,
      );
      const replace = replaced
        ? 'const t = document.createTextNode(p.textContent); p.replaceChildren(t); getSelection().collapse(t, t.data.length);'
        : '';
      page = await capturePage(`<!DOCTYPE html><html><body>
        <div id="ed" contenteditable="true" data-cobrowse-mask><p id="last">${[...own, ...filler].join(' ')}</p></div>
        <p id="memo">memo</p><p id="pt">Track your order and the delivery here</p>
        <script>const editor = document.getElementById('ed');
          editor.addEventListener('input', () => {
            const p = document.getElementById('last');
            ${replace}
            const w = p.textContent.trim().split(/\\s+/);
            document.getElementById('memo').textContent = 'Signed: ' + w.slice(-2).join(' ');
            document.getElementById('pt').textContent = 'Track your order and the delivery here ' + w.length; });</script>
        </body></html>`);
      const { doc, win } = page;
      const sent: string[] = [];
      engine = decodedCapture(win, sent);
      await engine.start();
      await nextFrames(win, 2);
      const last = doc.getElementById('last') as HTMLElement;
      const editor = doc.getElementById('ed') as HTMLElement;
      editor.focus();
      (win.getSelection() as Selection).collapse(last.firstChild, (last.firstChild as Text).data.length);
      for (const key of TYPED) {
        await sendKeys({ type: key });
        await pause(30);
      }
      await nextFrames(win, 3);
      expect(doc.getElementById('memo')?.textContent?.replace(/\u00a0/g, ' ')).to.equal('Signed: Fjordvik Quixby');
      editor.blur();
      await nextFrames(win, 3);
      expect(sent.filter((s) => FOUND.test(s))).to.deep.equal([]);
      expect(sent.filter((s) => s.startsWith('Track your order')).at(-1)).to.equal(
        `Track your order and the delivery here ${words + 2}`,
      );
    });
  }
});
