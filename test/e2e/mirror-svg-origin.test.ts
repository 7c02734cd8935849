/**
 * A customer page's SVG image must never become a document of the agent
 * console's origin (red team s12, F1). The console keeps the page's images
 * as URLs it makes; an SVG opened on its own ("Open image in new tab", or
 * dragged to the tab strip) runs its scripts. As a `blob:` URL of the console
 * it ran with the console's origin and the agent's cookie (it read /api/me
 * and minted a join ticket). The oracle opens the mirror image's address in a
 * new tab of the agent's browser, as that menu does (a native menu cannot be
 * driven headless; the navigation is the same), and reads what the SVG's
 * script could do. The control does the same with a console-origin `blob:`
 * URL of the same SVG (what the console made before): there the oracle
 * catches the script with the console's origin and the agent's identity.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LaunchedChromium } from '../node/helpers/chromium.js';
import { fileHarness, signedInConsoleLink, signInFromLink } from './helpers/harness.js';
import { liveSession } from './helpers/live-control.js';

const harness = fileHarness();

const DANA = { agentId: 'agent-dana', name: 'Dana' };

/** Records the origin it runs in and what the console's API tells it with the browser's cookies. */
const EVIL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
<rect width="40" height="40" fill="red"/>
<script>document.documentElement.setAttribute('data-origin', location.origin);
fetch(location.origin + '/api/me').then((r) => r.text()).then(
  (text) => document.documentElement.setAttribute('data-me', text),
  (error) => document.documentElement.setAttribute('data-me', 'error ' + error));
</script></svg>`;

interface Opened {
  origin: string | null;
  me: string | null;
}

/** What the SVG's script did when `url` was opened in a new tab of the agent's browser. */
async function openInNewTab(browser: LaunchedChromium, url: string): Promise<Opened> {
  const tab = await browser.newPage();
  try {
    await tab.goto(url).catch(() => undefined);
    // The script's fetch settles or fails; either way the attribute is set (or the script never ran).
    await tab
      .waitForFunction(() => document.documentElement?.hasAttribute('data-me') ?? true, undefined, {
        timeout: 5_000,
      })
      .catch(() => undefined);
    return await tab
      .evaluate(() => ({
        origin: document.documentElement?.getAttribute('data-origin') ?? null,
        me: document.documentElement?.getAttribute('data-me') ?? null,
      }))
      .catch(() => ({ origin: null, me: null }));
  } finally {
    await tab.close();
  }
}

async function mirrorImageSrc(agent: Page): Promise<string> {
  let src = '';
  await expect
    .poll(
      async () => {
        src = await agent.evaluate(
          () =>
            document
              .querySelector('cobrowse-agent-view')
              ?.mirror?.iframe.contentDocument?.querySelector('#evil')
              ?.getAttribute('src') ?? '',
        );
        return /^(blob|data):/.test(src) && !src.includes('#cobrowse-asset-');
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return src;
}

describe("a page's SVG image and the agent console's origin", () => {
  it('opened on its own, the mirrored SVG runs nothing as the console and reads nothing of the agent', async () => {
    const { customer, agent } = await liveSession(harness, '/checkout', 'Checkout', {
      session: { agentName: DANA.name, agentId: DANA.agentId },
      beforeLoad: (page) =>
        page.route('**/evil.svg', (route) =>
          route.fulfill({ status: 200, contentType: 'image/svg+xml', body: EVIL_SVG }),
        ),
      beforeOffer: (page) =>
        page.evaluate(() => {
          const img = document.createElement('img');
          img.src = '/evil.svg';
          img.id = 'evil';
          img.alt = 'logo';
          document.body.prepend(img);
        }),
      beforeJoin: async (page) => signInFromLink(page, await signedInConsoleLink(harness.server, DANA)),
      timeoutMs: 20_000,
    });
    const src = await mirrorImageSrc(agent);
    const consoleOrigin = new URL(harness.server.baseUrl).origin;

    expect(src.startsWith(`blob:${consoleOrigin}`), src.slice(0, 80)).toBe(false);
    const opened = await openInNewTab(harness.agentBrowser, src);
    expect(opened.origin).not.toBe(consoleOrigin);
    expect(opened.me ?? '').not.toContain(DANA.agentId);

    // The mirror cancels the browser's own ways to open the image on its own.
    const cancelled = await agent.evaluate(() => {
      const img = document.querySelector('cobrowse-agent-view')?.mirror?.iframe.contentDocument?.querySelector('#evil');
      if (!img) return null;
      const menu = new MouseEvent('contextmenu', { bubbles: true, cancelable: true, composed: true });
      const drag = new DragEvent('dragstart', { bubbles: true, cancelable: true, composed: true });
      img.dispatchEvent(menu);
      img.dispatchEvent(drag);
      // Inside an SVG (a <use> copy's images are out of the event's path, which stops at the <use>).
      const doc = img.ownerDocument;
      const svg = doc.createElementNS('http://www.w3.org/2000/svg', 'svg');
      const use = doc.createElementNS('http://www.w3.org/2000/svg', 'use');
      svg.append(use);
      doc.body.append(svg);
      const inSvg = new MouseEvent('contextmenu', { bubbles: true, cancelable: true, composed: true });
      use.dispatchEvent(inSvg);
      svg.remove();
      return { menu: menu.defaultPrevented, drag: drag.defaultPrevented, inSvg: inSvg.defaultPrevented };
    });
    expect(cancelled).toEqual({ menu: true, drag: true, inSvg: true });

    // Control: a blob: URL of the console with the same SVG (what the console made before) is caught.
    const blobUrl = await agent.evaluate(
      (svg) => URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })),
      EVIL_SVG,
    );
    const control = await openInNewTab(harness.agentBrowser, blobUrl);
    expect(control.origin).toBe(consoleOrigin);
    expect(control.me ?? '').toContain(DANA.agentId);
    await agent.close();
    await customer.close();
  }, 90_000);
});
