/**
 * The Node agent SDK against the real product: a real server, the demo
 * checkout in real Chromium as the customer, and the SDK in this Node process
 * over real WebRTC (node-datachannel). Oracles read the customer's real DOM
 * (the browser's own label association, its field values and the overlay it
 * draws), never the SDK's model.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ActionError, carryOut, RuleBasedPolicy } from '../../sdk/index.js';
import { demoSdkSuite, type Shared } from './helpers/demo-sdk.js';

const suite = demoSdkSuite();

/** A customer on the demo checkout who allowed sharing, and the SDK joined to that session. */
const sharedCheckout = (): Promise<Shared> => suite.share('/demo/checkout', { agentName: 'Lumen helper' });

/** Label of every form control of the checkout, as the customer's browser associates them. */
function browserLabels(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const el of Array.from(
      document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('#checkout input, #checkout select'),
    )) {
      out[el.name] = (el.labels?.[0]?.textContent ?? '').replace(/\s+/g, ' ').trim();
    }
    return out;
  });
}

/** Whether the customer's overlay shows a highlight, and whether it covers the element `selector`. */
function highlightOver(page: Page, selector: string): Promise<{ covers: boolean } | null> {
  return page.evaluate((sel) => {
    const box = document
      .querySelector('cobrowse-session')
      ?.shadowRoot?.querySelector<HTMLElement>('[data-cobrowse-highlight]');
    if (!box || box.style.display !== 'block') return null;
    const target = document.querySelector(sel)?.getBoundingClientRect();
    const shown = box.getBoundingClientRect();
    return {
      covers:
        !!target &&
        shown.left <= target.left + 1 &&
        shown.right >= target.right - 1 &&
        shown.top <= target.top + 1 &&
        shown.bottom >= target.bottom - 1,
    };
  }, selector);
}

describe('Node agent SDK with a real customer', () => {
  it('reads the checkout: fields with their labels, card fields masked, and the customer’s masked typing never reaches the SDK', async () => {
    const { page, session } = await sharedCheckout();
    expect(session.page.headings().map((heading) => heading.text)).toContain('Checkout');
    expect(session.page.links().some((link) => link.text === 'Shop' && link.href.endsWith('/demo/'))).toBe(true);

    // Labels: the same as the browser's own association, for every control of the form.
    const expected = await browserLabels(page);
    const fields = session.page.fields().filter((field) => field.name in expected);
    expect(Object.fromEntries(fields.map((field) => [field.name, field.label]))).toEqual(expected);
    expect(session.page.getByLabel('Postcode').map((field) => field.name)).toEqual(['postcode']);
    expect(session.page.getByRole('button', { name: 'Place order' })).toHaveLength(1);

    // The card fields are masked by the product's rules (autocomplete cc-*), the others are not.
    expect(
      fields
        .filter((field) => field.masked)
        .map((field) => field.name)
        .sort(),
    ).toEqual(['cardnumber', 'cc-exp', 'cvc']);

    // The customer types a sentinel into a masked field and another into a plain one (the control).
    const secret = 'zq-secret-narwhal';
    const visible = 'zq-visible-walrus';
    await page.locator('#card').pressSequentially(`${secret} 4929 1234 5678 9012`);
    await page.locator('#cvc').pressSequentially('8461');
    await page.locator('#name').pressSequentially(visible);
    await session
      .until((view) => view.field('Full name')?.value === visible)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}; the SDK holds ${JSON.stringify(session.page.field('Full name'))}`);
      });

    const held = JSON.stringify({ model: session.model, fields: session.page.fields(), text: session.page.text() });
    expect(held).toContain(visible); // the oracle finds what is there
    for (const needle of [secret, 'narwhal', '4929123456789012', '4929 1234 5678 9012', '5678', '8461'])
      expect(held).not.toContain(needle);
    const card = session.page.field('Card number');
    expect(card?.masked).toBe(true);
    expect(card?.value).not.toBe('');
  });

  it('highlights a field on the customer’s page', async () => {
    const { page, session } = await sharedCheckout();
    expect(await highlightOver(page, '#postcode')).toBeNull(); // control: nothing highlighted before
    const postcode = await session.field('Postcode');
    session.highlight(postcode.id, 'Your postcode goes here');
    await expect.poll(() => highlightOver(page, '#postcode')).toEqual({ covers: true });
    expect(await highlightOver(page, '#email')).toEqual({ covers: false }); // control: the check tells fields apart
  });

  it('the rule-based support bot answers “where do I put my postcode?” by outlining the postcode field', async () => {
    const { page, session } = await sharedCheckout();
    const plan = new RuleBasedPolicy().plan('Where do I put my postcode?', session.page);
    expect(plan.kind).toBe('highlight');
    expect(carryOut(session, plan)).toContain('Postcode');
    await expect.poll(() => highlightOver(page, '#postcode')).toEqual({ covers: true });
  });

  it('navigates the customer to another page of the site with control; the model follows the new page', async () => {
    const { page, session } = await sharedCheckout();
    const granted = session.requestControl();
    await page.getByRole('button', { name: 'Allow control' }).click();
    expect(await granted).toBe(true);
    expect(() => session.navigate('https://elsewhere.example/cart')).toThrowError(/stays on the customer/);
    const pages: string[] = [];
    session.on('page', ({ url }) => pages.push(new URL(url).pathname));
    session.navigate('/demo/cart');
    await page.waitForURL('**/demo/cart');
    await session.until((view) => new URL(view.url).pathname === '/demo/cart' && view.headings().length > 0);
    expect(pages).toContain('/demo/cart');
    const customerHeading = (await page.locator('h1').first().textContent())?.trim();
    expect(session.page.headings()[0]?.text).toBe(customerHeading);
  });

  it('acts only with control: refused before, types and selects after the customer allows, never into a masked field', async () => {
    const { page, session, sessionId } = await sharedCheckout();
    const postcode = await session.field('Postcode');
    const country = await session.field('Country');
    const card = await session.field('Card number');

    expect(() => session.type(postcode.id, 'SW1A 1AA')).toThrow(ActionError);
    expect(() => session.click(postcode.id)).toThrowError(/not granted control/);
    expect(await page.locator('#postcode').inputValue()).toBe('');

    const granted = session.requestControl();
    await page.getByRole('button', { name: 'Allow control' }).click();
    expect(await granted).toBe(true);

    session.type(postcode.id, 'SW1A 1AA');
    session.select(country.id, 'Germany');
    await expect.poll(() => page.locator('#postcode').inputValue()).toBe('SW1A 1AA');
    await expect.poll(() => page.locator('#country').inputValue()).toBe('Germany');
    await session.until((view) => view.field('Postcode')?.value === 'SW1A 1AA');

    let refusal: unknown;
    try {
      session.type(card.id, '4111 1111 1111 1111');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ActionError);
    expect((refusal as ActionError).code).toBe('masked');
    expect(await page.locator('#card').inputValue()).toBe('');

    // What only the customer's page knows (a field made read-only there) comes back as an error from the customer.
    const city = await session.field('City');
    await page.evaluate(() => document.querySelector<HTMLInputElement>('#city')?.setAttribute('readonly', ''));
    await session.until((view) => view.node(city.id)?.attributes['readonly'] !== undefined);
    const refusedByCustomer = new Promise<ActionError>((resolve) => session.on('error', resolve));
    session.type(city.id, 'Paris');
    expect(await refusedByCustomer).toMatchObject({ code: 'invalid', by: 'customer' });
    expect(await page.locator('#city').inputValue()).toBe('');

    // The customer takes control back; the SDK is refused again.
    const revoked = new Promise<boolean>((resolve) => session.on('control', ({ granted: now }) => resolve(now)));
    await page.getByRole('button', { name: 'Take back control' }).click();
    expect(await revoked).toBe(false);
    expect(() => session.type(postcode.id, 'XX')).toThrowError(/not granted control/);

    // The audit names the one who asked for control as a bot, with its name.
    const res = await fetch(`${suite.server.baseUrl}/api/sessions/${sessionId}/audit`, {
      headers: { authorization: `Bearer ${suite.server.apiKey}` },
    });
    const { events } = (await res.json()) as {
      events: { type: string; actor: string; data: Record<string, unknown> }[];
    };
    expect(events.find((event) => event.type === 'control-requested')).toMatchObject({
      actor: 'agent',
      data: { agentKind: 'bot', agentName: 'Lumen helper' },
    });
  });
});
