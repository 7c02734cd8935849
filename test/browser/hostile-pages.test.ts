/**
 * Offer, consent, capture and end on hostile pages (DOM clobbering, patched
 * globals, frozen and replaced prototypes), each in its own same-origin
 * iframe with the real loader, the real session bundle, the real server and a
 * simulated agent over real WebRTC. Oracles: the agent finds the page's own
 * marker texts (written here, not produced by our code) in what it decoded,
 * and the audit trail on the server ends with 'ended'. Control: each page's
 * `bites` shows that naive code breaks on it.
 */
import { expect } from '@open-wc/testing';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { SimulatedAgent } from './helpers/customer-agent.js';
import { HOSTILE_PAGES, type HostilePage } from './helpers/hostile-pages.js';
import { SERVER_URL, auditTypes, createTestSession, until } from './helpers/customer-page.js';

type Win = Window & typeof globalThis;
const hooks = window as unknown as { __hostileBefore?: (win: Win) => void };
const query = Document.prototype.querySelector;
const createText = Document.prototype.createTextNode;
const append = Node.prototype.appendChild;
const insertHtml = Element.prototype.insertAdjacentHTML;
const bodyOf = Object.getOwnPropertyDescriptor(Document.prototype, 'body')?.get as (this: Document) => HTMLElement;

/** Every string anywhere in the agent's decoded messages (an oracle that does not use our serializer). */
function textsOf(messages: ChannelMessage[]): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) visit(item);
  };
  visit(messages);
  return out;
}

async function openPage(
  page: HostilePage,
  marker: string,
): Promise<{ frame: HTMLIFrameElement; win: Win; element: CobrowseSession }> {
  hooks.__hostileBefore = (win) => page.before?.(win);
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:800px;height:500px;border:0';
  frame.srcdoc = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hostile</title>
<script>parent.__hostileBefore(window)</script></head><body>
<main><h1>Hostile page</h1><p id="marker">${marker}</p>${page.html ?? ''}</main>
<cobrowse-session session-src="/client/session-entry.ts"></cobrowse-session>
<script type="module" src="/client/cobrowse.ts"></script></body></html>`;
  document.body.append(frame);
  const win = (await until(() => {
    const w = frame.contentWindow as Win | null;
    return w?.customElements?.get('cobrowse-session') ? w : null;
  }, 'the loader in the page')) as Win;
  const element = (await until(
    () => query.call(win.document, 'cobrowse-session') as CobrowseSession | null,
    'the element',
  )) as CobrowseSession;
  await element.updateComplete;
  page.after?.(win);
  return { frame, win, element };
}

function button(element: CobrowseSession, name: string): HTMLButtonElement | undefined {
  return [...(element.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === name);
}

describe('hostile pages: offer, consent, capture and end still work', () => {
  let frame: HTMLIFrameElement | null = null;
  let agent: SimulatedAgent | null = null;

  afterEach(() => {
    agent?.close();
    agent = null;
    frame?.remove();
    frame = null;
    sessionStorage.clear();
  });

  it(`has at least 30 hostile pages`, () => {
    expect(HOSTILE_PAGES.length).to.be.at.least(30);
  });

  it('a page that cannot be captured is reported to the agent and the customer, never a silent "live"', async () => {
    const opened = await openPage(
      {
        name: 'input values that throw',
        html: '<input id="broken" value="x">',
        bites: () => true,
        after: (win) => {
          Object.defineProperty(win.HTMLInputElement.prototype, 'value', {
            get() {
              throw new Error('value unavailable');
            },
            configurable: true,
          });
        },
      },
      'unreadable-page',
    );
    frame = opened.frame;
    const { element } = opened;
    const session = await createTestSession({ agentName: 'Dana' });
    const answer = element.offer(session.inviteCode);
    const allow = (await until(() => button(element, 'Allow sharing'), 'the consent prompt')) as HTMLButtonElement;
    agent = new SimulatedAgent(SERVER_URL, session.agentToken);
    allow.click();
    expect(await answer).to.equal('granted');
    await agent.waitConnected();
    const error = await agent.waitFor((m): m is Extract<ChannelMessage, { t: 'error' }> => m.t === 'error');
    expect(error.message).to.equal("The customer's page could not be shared: value unavailable");
    const status = () => element.shadowRoot?.querySelector('.indicator .label')?.textContent?.trim() ?? '';
    await until(() => status().startsWith('This page could not be shared with Dana'), 'the customer told');
    expect(status()).to.not.contain('Sharing this tab');
  });

  HOSTILE_PAGES.forEach((page, index) => {
    it(page.name, async () => {
      const marker = `hostile-marker-${index}-${Math.random().toString(36).slice(2)}`;
      const opened = await openPage(page, marker);
      frame = opened.frame;
      const { win, element } = opened;
      expect(page.bites(win), 'control: the page breaks naive code').to.equal(true);

      const session = await createTestSession({ agentName: 'Dana' });
      const answer = element.offer(session.inviteCode);
      const allow = (await until(() => button(element, 'Allow sharing'), 'the consent prompt')) as HTMLButtonElement;
      agent = new SimulatedAgent(SERVER_URL, session.agentToken);
      allow.click();
      expect(await answer).to.equal('granted');
      await agent.waitConnected();
      await agent.waitFor((m) => m.t === 'snapshot' && m.final);
      expect(
        textsOf(agent.received).some((t) => t.includes(marker)),
        'the marker in the snapshot',
      ).to.equal(true);

      // A mutation after the page did its worst (and inserted more clobbering) still reaches the agent.
      if (page.during) insertHtml.call(bodyOf.call(win.document), 'beforeend', page.during);
      const later = `mutation-${marker}`;
      append.call(bodyOf.call(win.document), createText.call(win.document, later));
      await until(() => textsOf(agent!.received).some((t) => t.includes(later)), 'the mutation at the agent');
      expect(
        agent.received.filter((m) => m.t === 'error'),
        'no capture error',
      ).to.deep.equal([]);

      const ended = new Promise<void>((resolve) =>
        element.addEventListener('cobrowse-ended', () => resolve(), { once: true }),
      );
      const end = (await until(() => button(element, 'End sharing'), 'the End button')) as HTMLButtonElement;
      end.click();
      await ended;
      await until(async () => (await auditTypes(session.sessionId)).at(-1) === 'ended', 'the end in the audit');
    });
  });
});
