/**
 * What the audit record learns of a remote action's target: tag, type and a
 * label, never masked or blocked content. The description goes on the
 * signaling socket to the server's audit, so masked text in it leaves the
 * browser. Before: a link or button's whole textContent and a checkbox's
 * label were used, masked children included ("Signed in as
 * jane.doe@example.com"), a scroll of an element inside a masked area was
 * described with its text, and a navigation's path went out with its
 * numbers (masked only by the server). The oracle looks for the masked
 * words and the independent leak finder for the card's digits in what
 * would be sent; control: an unmasked button's text is found in its
 * description.
 */
import { expect } from '@open-wc/testing';
import { createMaskConfig } from '../../client/capture/mask-dom.js';
import { auditableTitle } from '../../client/session/action-target.js';
import { applyRemoteAction, type ActionContext } from '../../client/session/remote-actions.js';
import { RemoteInput } from '../../client/session/remote-input.js';
import type { RemoteAction } from '../../shared/protocol.js';
import { truncationLeaks } from '../oracles/leak-finder.js';

const MASKED_WORDS = ['jane.doe', 'Quinella', 'Sunflower', 'Riverbend', 'Marigold', 'Hollowbrook', 'Zoya', 'Quixby'];
const CARD = '4532019673158241';

const PAGE = `<!DOCTYPE html><html><head><title>Account</title></head><body>
<a data-k="link" href="#account">Signed in as <span data-cobrowse-mask>jane.doe@example.com</span></a>
<button data-k="pay" type="button">Pay as <span data-cobrowse-block>Jane Quinella</span></button>
<label>Deliver to <span data-cobrowse-mask>Sunflower Street</span> <input type="checkbox" data-k="deliver"></label>
<div data-cobrowse-mask><a data-k="clinic" href="#c" style="display:block;overflow:auto;height:20px">Riverbend clinic<br><br><br>appointments</a></div>
<button data-k="hello" type="button">Hello <b class="private">Marigold Lane</b></button>
<div class="private"><div data-k="notes" style="overflow:auto;height:20px" aria-label="Notes of Hollowbrook">x<br><br><br>y</div></div>
<button data-k="plain" type="button">Track parcel Wisteria</button>
<label>Name on card <input autocomplete="cc-name" data-k="holder"></label>
<button data-k="echo" type="button"></button>
</body></html>`;
/** The name typed into the masked cc-name field, which the page repeats on its pay button. */
const HOLDER = 'Zoya Quixby';

describe('audit: remote action targets carry no masked content', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  async function page(): Promise<{ win: Window & typeof globalThis; act: (action: RemoteAction) => string }> {
    frame = document.createElement('iframe');
    document.body.append(frame);
    await new Promise<void>((resolve) => {
      (frame as HTMLIFrameElement).addEventListener('load', () => resolve(), { once: true });
      (frame as HTMLIFrameElement).src = '/test/browser/pages/blank.html';
    });
    const win = frame.contentWindow as Window & typeof globalThis;
    win.document.open();
    win.document.write(PAGE);
    win.document.close();
    const ids = ['link', 'pay', 'deliver', 'clinic', 'hello', 'notes', 'plain', 'holder', 'echo'];
    const holder = win.document.querySelector<HTMLInputElement>('[data-k="holder"]');
    if (holder) holder.value = HOLDER;
    const echo = win.document.querySelector('[data-k="echo"]');
    if (echo) echo.textContent = `Pay as ${HOLDER}`;
    const context: ActionContext = {
      window: win,
      nodeById: (id) => win.document.querySelector(`[data-k="${ids[id - 1] ?? ''}"]`) ?? undefined,
      maskConfig: createMaskConfig({ extraMaskSelectors: ['.private'] }),
      isOwnUi: () => false,
      remoteInput: new RemoteInput(() => undefined),
      navigationOrigins: [],
    };
    const act = (action: RemoteAction): string => {
      const outcome = applyRemoteAction(action, true, context);
      return outcome.ok ? outcome.target : `refused: ${outcome.reason}`;
    };
    return { win, act };
  }

  it('describes clicks, scrolls and navigations without masked text or numbers', async () => {
    const { act } = await page();
    const targets = [
      act({ kind: 'click', id: 1 }),
      act({ kind: 'click', id: 2 }),
      act({ kind: 'click', id: 3 }),
      act({ kind: 'scroll', id: 4, x: 0, y: 10 }),
      act({ kind: 'click', id: 5 }),
      act({ kind: 'scroll', id: 6, x: 0, y: 10 }),
      act({ kind: 'navigate', to: new URL(`/cards/${CARD}/edit?x=1`, location.href).href }),
      act({ kind: 'click', id: 9 }),
    ];
    const sent = targets.join('\n');
    expect(
      MASKED_WORDS.filter((word) => sent.includes(word)),
      sent,
    ).to.deep.equal([]);
    expect(truncationLeaks(CARD, targets), sent).to.deep.equal([]);
    // Still useful to a person reading the audit: what kind of element, and its unmasked words.
    expect(targets[0]).to.match(/^a "Signed in as/);
    expect(targets[1]).to.match(/^button\[type=button\] "Pay as/);
    expect(targets[7]).to.match(/^button\[type=button\] "Pay as •/);
  });

  it('the page-visited title leaves out a masked field’s value the page put in it', async () => {
    const { win } = await page();
    const config = createMaskConfig({ extraMaskSelectors: ['.private'] });
    win.document.title = `Checkout – ${HOLDER}`;
    expect(auditableTitle(win.document, config)).to.equal(`Checkout – ${'•'.repeat(HOLDER.length)}`);
    // Control: without the field's value the title goes as it is.
    (win.document.querySelector('[data-k="holder"]') as HTMLInputElement).value = '';
    expect(auditableTitle(win.document, config)).to.equal(`Checkout – ${HOLDER}`);
  });

  it('control: an unmasked button’s text is in its description, so the oracle can see text', async () => {
    const { act } = await page();
    expect(act({ kind: 'click', id: 7 })).to.include('Wisteria');
  });
});
