/**
 * Secrets in the page's own URL: a form sent with method GET (a checkout
 * submitted with Enter) puts every field in the next page's URL, masked
 * fields included, and pages echo their URL in canonical links, pagination
 * and form actions. Before: the snapshot's URL and those links went out with
 * only card numbers and SSNs masked, so `password=Hunter2-Zebra`, a 3-digit
 * CVC and a PIN reached the agent. The page is loaded at such a URL; every
 * message goes through the real codec and the oracle reads the decoded
 * strings (the password word, the CVC and PIN digits, and the independent
 * leak finder for the card and SSN). Control: an ordinary parameter's
 * value (a search word) is found, so the oracle reads URLs.
 */
import { expect } from '@open-wc/testing';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { digitSequences, truncationLeaks } from '../oracles/leak-finder.js';
import { nextFrames } from './helpers/capture-page.js';
import { decodedCapture } from './helpers/decoded-capture.js';

const PASSWORD = 'Hunter2-Zebra';
const CVC = '738';
const PIN = '5096';
const CARD = '4532019673158241';
const SSN = '278-41-5396';
const QUERY =
  `?q=Marmalade&name=Jane&password=${PASSWORD}&cvc=${CVC}&cardnumber=${CARD}` +
  `&ssn=${encodeURIComponent(SSN)}&user%5Bpass_word%5D=${PASSWORD}#step=2&pin=${PIN}`;

describe('masking: secrets in the page URL and links that echo it', () => {
  let frame: HTMLIFrameElement | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    frame?.remove();
  });

  it('sends no password, CVC, PIN, card or SSN from the URL, the canonical link, pagination or a form action', async () => {
    frame = document.createElement('iframe');
    document.body.append(frame);
    await new Promise<void>((resolve) => {
      (frame as HTMLIFrameElement).addEventListener('load', () => resolve(), { once: true });
      (frame as HTMLIFrameElement).src = `/test/browser/pages/blank.html${QUERY}`;
    });
    const win = frame.contentWindow as Window & typeof globalThis;
    const doc = win.document;
    const here = win.location.href;
    doc.head.append(Object.assign(doc.createElement('link'), { rel: 'canonical', href: here }));
    doc.body.innerHTML = `<h1>Shipping</h1><a id="next" href="${QUERY.replace('#', '&page=2#')}">Next page</a>
      <form id="again" action="${here}"><button>Change</button></form>`;

    const strings: string[] = [];
    engine = decodedCapture(win, strings);
    await engine.start();
    // A link added later goes out through the mutation path.
    doc.body.append(Object.assign(doc.createElement('a'), { href: `${here}`, textContent: 'Permalink' }));
    await nextFrames(win, 3);

    const sequences = strings.flatMap(digitSequences);
    expect(strings.filter((s) => s.includes('Hunter2'))).to.deep.equal([]);
    expect([CVC, PIN].filter((digits) => sequences.includes(digits))).to.deep.equal([]);
    expect(truncationLeaks(CARD, strings)).to.deep.equal([]);
    expect(truncationLeaks(SSN, strings)).to.deep.equal([]);
    // Control: the URL went out (an ordinary parameter is readable), four times at least (page, canonical, form, permalink).
    expect(strings.filter((s) => s.includes('q=Marmalade')).length).to.be.greaterThanOrEqual(4);
  });
});
