/**
 * An automated agent is named as one in the consent prompt, in every
 * language; the prompt lets the customer allow a person to take over (off by
 * default, reachable by keyboard); integrator wording cannot hide that the
 * agent is a program. Against the real server (sessions created with agentBot).
 */
import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import { SESSION_SRC, createTestSession, dialogOf, shadow, until } from './helpers/customer-page.js';
import { expectScreenshot } from './helpers/screenshots.js';

/** The title and how the bot is named, per language, written out here (not read from the catalogs). */
const EXPECTED: Record<string, { title: string; named: string; handover: string }> = {
  en: {
    title: 'An automated assistant would like to see this page',
    named: 'Lumen (automated assistant)',
    handover: 'If I ask for a person',
  },
  es: {
    title: 'Un asistente automático quiere ver esta página',
    named: 'Lumen (asistente automático)',
    handover: 'Si pido hablar con una persona',
  },
  fr: {
    title: 'Un assistant automatique souhaite voir cette page',
    named: 'Lumen (assistant automatique)',
    handover: 'Si je demande une personne',
  },
  de: {
    title: 'Ein automatischer Assistent möchte diese Seite sehen',
    named: 'Lumen (automatischer Assistent)',
    handover: 'Wenn ich nach einer Person frage',
  },
  pt: {
    title: 'Um assistente automático gostaria de ver esta página',
    named: 'Lumen (assistente automático)',
    handover: 'Se eu pedir uma pessoa',
  },
  ja: {
    title: '自動アシスタントがこのページを見ることを求めています',
    named: 'Lumen（自動アシスタント）',
    handover: '担当者を希望した場合',
  },
  ar: { title: 'يرغب مساعد آلي في رؤية هذه الصفحة', named: 'Lumen (مساعد آلي)', handover: 'إذا طلبت شخصًا' },
};

async function offerBot(lang: string, wording?: object): Promise<CobrowseSession> {
  const element = document.createElement('cobrowse-session');
  element.sessionSrc = SESSION_SRC;
  element.setAttribute('lang', lang);
  if (wording) element.setWording(lang, wording);
  document.body.append(element);
  const session = await createTestSession({ agentName: 'Lumen', agentBot: true });
  void element.offer(session.inviteCode).catch(() => undefined);
  await element.updateComplete;
  return element;
}

function title(element: CobrowseSession): string {
  return dialogOf(element)?.querySelector('h2')?.textContent?.trim() ?? '';
}

describe('customer prompt for an automated agent', () => {
  let element: CobrowseSession | null = null;
  afterEach(async () => {
    element?.end();
    element?.remove();
    element = null;
    sessionStorage.clear();
    await setViewport({ width: 800, height: 600 });
  });

  for (const [lang, expected] of Object.entries(EXPECTED)) {
    it(`says in ${lang} that the agent is automated, and offers the leave for a person (off)`, async () => {
      element = await offerBot(lang);
      await until(() => title(element!) === expected.title, `the ${lang} bot title (got "${title(element!)}")`);
      const dialog = dialogOf(element)!;
      expect(dialog.textContent).to.contain(expected.named);
      const box = dialog.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
      expect(box.checked, 'the leave for a person is not given by default').to.equal(false);
      expect(box.closest('label')?.textContent).to.contain(expected.handover);
      if (lang === 'en' || lang === 'ar') {
        for (const [name, width, height] of [
          ['360', 360, 740],
          ['1280', 1280, 800],
          ['zoom200', 640, 400],
        ] as const) {
          await setViewport({ width, height });
          await element.updateComplete;
          expect(dialog.getBoundingClientRect().right, `dialog inside ${width} px`).to.be.at.most(width + 0.5);
          await expectScreenshot(`test/artifacts/consent-bot-${lang}-${name}.png`);
        }
      }
    });
  }

  it('a person’s prompt has no such choice (control)', async () => {
    element = document.createElement('cobrowse-session');
    element.sessionSrc = SESSION_SRC;
    document.body.append(element);
    const session = await createTestSession({ agentName: 'Dana' });
    void element.offer(session.inviteCode).catch(() => undefined);
    await element.updateComplete;
    await until(() => title(element!) === 'Dana from support would like to see this page', 'the person prompt');
    expect(dialogOf(element)!.querySelector('input[type="checkbox"]')).to.equal(null);
  });

  it('integrator wording cannot replace the statement that the agent is automated', async () => {
    element = await offerBot('en', { consentTitle: 'Our friendly helper would like to look', indicator: 'With us' });
    await until(() => title(element!) !== '', 'the prompt');
    expect(title(element)).to.equal('An automated assistant would like to see this page');
  });

  it('the leave for a person is reachable and set with the keyboard alone', async () => {
    element = await offerBot('en');
    await until(() => title(element!) !== '', 'the prompt');
    const root = shadow(element);
    // Focus starts on the heading; Tab goes to the choice, Space ticks it.
    await sendKeys({ press: 'Tab' });
    expect(root.activeElement?.getAttribute('type')).to.equal('checkbox');
    await sendKeys({ press: 'Space' });
    expect(root.querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked).to.equal(true);
    // Shift+Tab from Decline comes back to it rather than jumping past it.
    await sendKeys({ press: 'Tab' });
    expect(root.activeElement?.textContent?.trim()).to.equal('Decline');
    await sendKeys({ press: 'Shift+Tab' });
    expect(root.activeElement?.getAttribute('type')).to.equal('checkbox');
  });
});
