/**
 * A "show password" button: the page turns the password field into
 * type=text so the customer can check what they typed. The field had no
 * other sign of being a password (no name, label or autocomplete saying so),
 * so once it was type=text its value went out in clear, while the customer
 * was still in it and again after. Real keystrokes; every message through
 * the real codec; the oracle looks for the password in the decoded strings.
 * Control: the same text typed into an ordinary field is found.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { capturePage, nextFrames, type TestPage } from './helpers/capture-page.js';
import { decodedCapture } from './helpers/decoded-capture.js';

const SECRET = 'Hunter2-Zebra';

const PAGE = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>
<input id="field" type="password" aria-label="Enter it here">
<button id="show" type="button">Show</button>
<input id="plain" aria-label="Nickname">
<button id="away" type="button">Continue</button>
<script>
  document.getElementById('show').addEventListener('click', () => {
    const field = document.getElementById('field');
    field.type = field.type === 'password' ? 'text' : 'password';
  });
</script></body></html>`;

describe('masking: a password field the page reveals (type=text)', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  async function start(): Promise<{ doc: Document; win: Window; strings: string[] }> {
    page = await capturePage(PAGE);
    const { doc, win } = page;
    const strings: string[] = [];
    engine = decodedCapture(win, strings);
    await engine.start();
    await nextFrames(win, 2);
    return { doc, win, strings };
  }

  it('never sends the password, revealed while typing or after leaving the field', async () => {
    const { doc, win, strings } = await start();
    (doc.getElementById('field') as HTMLElement).focus();
    await sendKeys({ type: SECRET.slice(0, 6) });
    (doc.getElementById('show') as HTMLElement).click();
    await nextFrames(win, 2);
    (doc.getElementById('field') as HTMLElement).focus();
    await sendKeys({ press: 'End' });
    await sendKeys({ type: SECRET.slice(6) });
    (doc.getElementById('away') as HTMLElement).focus();
    await nextFrames(win, 3);
    expect((doc.getElementById('field') as HTMLInputElement).type).to.equal('text');
    expect((doc.getElementById('field') as HTMLInputElement).value).to.equal(SECRET);
    expect(strings.filter((s) => s.includes('Hunter') || s.includes('Zebra'))).to.deep.equal([]);
  });

  it('control: the same text typed into an ordinary field is found', async () => {
    const { doc, win, strings } = await start();
    (doc.getElementById('plain') as HTMLElement).focus();
    await sendKeys({ type: SECRET });
    (doc.getElementById('away') as HTMLElement).focus();
    await nextFrames(win, 3);
    expect(strings.some((s) => s.includes(SECRET))).to.equal(true);
  });
});
