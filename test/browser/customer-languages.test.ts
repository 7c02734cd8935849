/**
 * The customer's UI in every shipped language: chosen from the element's
 * `lang`, else the page's, else English; Arabic lays out right to left.
 * Oracle: the button labels below are written here from the translations'
 * intent, not read from the catalogs, and the layout is read from the boxes
 * the browser laid out. Screenshots per language at 360 px, 1280 px and 200 %
 * zoom (a 1280 px window at 200 % is 640 CSS px wide) go to test/artifacts/.
 */
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { DEFAULT_TOLERANCE, expectScreenshot, screenshot } from './helpers/screenshots.js';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import { SESSION_SRC, createTestSession, dialogOf, shadow, until } from './helpers/customer-page.js';

const ALLOW: Record<string, string> = {
  en: 'Allow sharing',
  es: 'Permitir',
  fr: 'Autoriser',
  de: 'Teilen erlauben',
  pt: 'Permitir',
  ja: '共有を許可',
  ar: 'السماح بالمشاركة',
};
const DECLINE: Record<string, string> = {
  en: 'Decline',
  es: 'Rechazar',
  fr: 'Refuser',
  de: 'Ablehnen',
  pt: 'Recusar',
  ja: '拒否',
  ar: 'رفض',
};

function buttonLabels(element: CobrowseSession): string[] {
  return [...shadow(element).querySelectorAll('dialog button')].map((b) => b.textContent?.trim() ?? '');
}

async function offerIn(lang: string | null): Promise<CobrowseSession> {
  const element = document.createElement('cobrowse-session');
  element.sessionSrc = SESSION_SRC;
  if (lang !== null) element.setAttribute('lang', lang);
  document.body.append(element);
  const session = await createTestSession({ agentName: 'Dana' });
  void element.offer(session.inviteCode).catch(() => undefined);
  await element.updateComplete;
  return element;
}

describe('customer languages', () => {
  let element: CobrowseSession | null = null;
  const pageLang = document.documentElement.getAttribute('lang');

  afterEach(async () => {
    element?.end();
    element?.remove();
    element = null;
    if (pageLang === null) document.documentElement.removeAttribute('lang');
    else document.documentElement.setAttribute('lang', pageLang);
    sessionStorage.clear();
    await setViewport({ width: 800, height: 600 });
  });

  for (const lang of Object.keys(ALLOW)) {
    it(`speaks ${lang} from the element's lang attribute${lang === 'ar' ? ', right to left' : ''}`, async () => {
      element = await offerIn(lang);
      await until(() => buttonLabels(element!).includes(ALLOW[lang] ?? '?'), `the ${lang} prompt`);
      expect(buttonLabels(element)).to.deep.equal([DECLINE[lang], ALLOW[lang]]);
      const dialog = dialogOf(element)!;
      expect(dialog.getAttribute('lang')).to.equal(lang);
      const [decline, allow] = [...dialog.querySelectorAll('button')].map((b) => b.getBoundingClientRect());
      if (lang === 'ar') {
        expect(getComputedStyle(dialog).direction).to.equal('rtl');
        expect(allow!.right, 'Allow sits left of Decline in RTL').to.be.lessThan(decline!.left + 1);
      } else {
        expect(getComputedStyle(dialog).direction).to.equal('ltr');
        expect(allow!.left, 'Allow sits right of Decline').to.be.greaterThan(decline!.right - 1);
      }
      for (const [name, width, height] of [
        ['360', 360, 740],
        ['1280', 1280, 800],
        ['zoom200', 640, 400],
      ] as const) {
        await setViewport({ width, height });
        await element.updateComplete;
        const box = dialog.getBoundingClientRect();
        expect(box.right, `dialog inside a ${width} px viewport`).to.be.at.most(width + 0.5);
        await expectScreenshot(`test/artifacts/consent-${lang}-${name}.png`);
      }
    });
  }

  it('the screenshot comparison tells two languages apart (control for the comparisons above)', async () => {
    element = await offerIn('en');
    await until(() => buttonLabels(element!).includes(ALLOW.en ?? '?'), 'the English prompt');
    await setViewport({ width: 1280, height: 800 });
    await element.updateComplete;
    const control = await screenshot({
      path: 'test/artifacts/consent-en-1280.png',
      compareWith: 'test/artifacts/consent-de-1280.png',
    });
    expect(control.comparison?.sameSize, 'same viewport, same size').to.equal(true);
    expect(control.comparison!.ratio, 'share of pixels that differ').to.be.greaterThan(DEFAULT_TOLERANCE);
  });

  it("falls back to the page's lang, and to English for a language it does not ship", async () => {
    document.documentElement.setAttribute('lang', 'de-AT');
    element = await offerIn(null);
    await until(() => buttonLabels(element!).includes('Teilen erlauben'), 'the German prompt');
    element.end();
    element.remove();
    document.documentElement.setAttribute('lang', 'sw');
    element = await offerIn(null);
    // Control for the wait above: an unsupported page language leaves the prompt in English.
    expect(buttonLabels(element)).to.deep.equal(['Decline', 'Allow sharing']);
  });
});
