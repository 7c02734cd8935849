/**
 * Integrator wording (setWording() and the `wording` attribute) with hostile
 * input: HTML stays text, huge strings are cut, and the statements of what is
 * hidden and that sharing can stop at any time cannot be removed. Oracles:
 * the texts and limits are written here; "no element was created" is read
 * from the DOM. Control: the same strings parsed as HTML do create elements.
 */
import { expect } from '@open-wc/testing';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import { SESSION_SRC, createTestSession, dialogOf, until } from './helpers/customer-page.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><b>Welcome</b> {agent}<script>window.__pwned=2</script>';
const HIDDEN = 'Passwords, card numbers and other sensitive fields are hidden before anything leaves your browser.';
const STOP = 'You can stop sharing at any time with one click.';

async function prompt(setup: (element: CobrowseSession) => void): Promise<CobrowseSession> {
  const element = document.createElement('cobrowse-session');
  element.sessionSrc = SESSION_SRC;
  setup(element);
  document.body.append(element);
  const session = await createTestSession({ agentName: 'Dana' });
  void element.offer(session.inviteCode).catch(() => undefined);
  await until(() => dialogOf(element), 'the consent prompt');
  await element.updateComplete;
  return element;
}

const textOf = (el: Element | null | undefined): string => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('customer wording overrides', () => {
  let element: CobrowseSession | null = null;
  afterEach(() => {
    element?.end();
    element?.remove();
    element = null;
    sessionStorage.clear();
  });

  it('control: the hostile string does make elements when parsed as HTML', () => {
    const template = document.createElement('template');
    template.innerHTML = HOSTILE;
    expect(template.content.querySelectorAll('img, b, script').length).to.equal(3);
  });

  it('shows HTML as plain text, cuts huge strings, and keeps the mandatory statements', async () => {
    element = await prompt((el) =>
      el.setWording('en', {
        consentTitle: HOSTILE,
        controlTitle: 'z'.repeat(10_000),
        consentIntro: 'x'.repeat(1_000_000),
        bullets: ['<em>You see</em> {agent} sees this tab', 'y'.repeat(50_000), 'a third bullet is dropped'],
        consentHidden: 'Nothing is hidden.',
        consentStop: '',
      }),
    );
    const dialog = dialogOf(element)!;
    await until(() => textOf(dialog.querySelector('h2')).startsWith('<img'), 'the override title');
    expect(textOf(dialog.querySelector('h2'))).to.equal(
      '<img src=x onerror="window.__pwned=1"><b>Welcome</b> Dana<script>window.__pwned=2</script>',
    );
    expect(dialog.querySelectorAll('img, b, script, em').length, 'no element from the wording').to.equal(0);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    const intro = textOf(dialog.querySelector('p'));
    expect(Array.from(intro).length, 'introduction cut to 400 characters').to.equal(400);
    const items = [...dialog.querySelectorAll('li')].map((li) => textOf(li));
    expect(items[0]).to.equal('<em>You see</em> Dana sees this tab');
    expect(Array.from(items[2] ?? '').length, 'bullet cut to 200 characters').to.equal(200);
    expect(items, 'the statements that cannot be removed').to.include.members([HIDDEN, STOP]);
    expect(items).to.have.length(4);
  });

  it('takes wording per language from the `wording` attribute', async () => {
    element = await prompt((el) => {
      el.setAttribute('lang', 'fr');
      el.setAttribute(
        'wording',
        JSON.stringify({
          fr: { consentTitle: 'Bonjour, {agent} voudrait voir la page' },
          en: { consentTitle: 'Hello' },
        }),
      );
    });
    const dialog = dialogOf(element)!;
    await until(
      () => textOf(dialog.querySelector('h2')) === 'Bonjour, Dana voudrait voir la page',
      'the French override',
    );
    const items = [...dialog.querySelectorAll('li')].map((li) => textOf(li));
    expect(items).to.include(
      'Les mots de passe, numéros de carte et autres champs sensibles sont masqués avant que quoi que ce soit ne quitte votre navigateur.',
    );
  });
});
