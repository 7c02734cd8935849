/**
 * The whole workflow between two real Chromium browsers, a real signaling
 * server and a real WebRTC data channel: offer → consent → live mirror →
 * masked typing → highlight → control → navigation → End → audit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../signaling/webhook.js';
import {
  RECORD_CHANNEL_BYTES,
  agentStatus,
  collectLogs,
  mirrorElement,
  mirrorFrame,
  newSession,
  offer,
  startHarness,
  type Harness,
} from './helpers/harness.js';
import { decodeWire } from './helpers/wire.js';

const CARD = '4111 1111 1111 1111';
const SSN = '123-45-6789';
const PASSWORD = 'Hunter2-Secret!';

const WEBHOOK_SECRET = 'journey-webhook-secret-0123456789';
let harness: Harness;
let webhook: Server;
const deliveries: { body: string; timestamp: string; signature: string }[] = [];
beforeAll(async () => {
  // The chat system's webhook receiver.
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      deliveries.push({
        body,
        timestamp: String(req.headers['x-cobrowse-timestamp']),
        signature: String(req.headers['x-cobrowse-signature']),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const port = (webhook.address() as AddressInfo).port;
  harness = await startHarness({ WEBHOOK_URL: `http://127.0.0.1:${port}/cobrowse`, WEBHOOK_SECRET });
});
afterAll(async () => {
  await harness?.close();
  webhook?.close();
});

async function audit(h: Harness, sessionId: string) {
  const res = await fetch(`${h.server.baseUrl}/api/sessions/${sessionId}/audit`, {
    headers: { authorization: `Bearer ${h.server.apiKey}` },
  });
  return (await res.json()) as {
    events: { type: string; actor: string; hash: string; data: Record<string, unknown> }[];
    verification: { valid: boolean };
  };
}

describe('customer and agent in two browsers', () => {
  it('Decline opens no peer connection and records only the decline', async () => {
    const session = await newSession(harness, { agentName: 'Dana' });
    const customer = await harness.customerBrowser.newPage();
    await customer.addInitScript(RECORD_CHANNEL_BYTES);
    await customer.goto(`${harness.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Decline' }).click();
    await expect
      .poll(async () => (await audit(harness, session.sessionId)).events.map((e) => e.type))
      .toEqual(['session-created', 'consent-shown', 'consent-declined', 'ended']);
    expect(await customer.evaluate(() => (window as unknown as { __peerConnections: number }).__peerConnections)).toBe(
      0,
    );
    expect(await customer.evaluate(() => (window as unknown as { __wire: unknown[] }).__wire.length)).toBe(0);
    await customer.close();
  });

  it('runs the whole journey with masking, guidance, control, navigation and End', async () => {
    const session = await newSession(harness, { agentName: 'Dana', conversationId: 'conv-e2e' });
    const customer = await harness.customerBrowser.newPage();
    const logs = collectLogs(customer, 'customer');
    await customer.addInitScript(RECORD_CHANNEL_BYTES);
    await customer.goto(`${harness.shop.url}/checkout`);

    // Offer from chat → consent prompt that says what will and will not be seen.
    await offer(customer, session.inviteCode);
    const dialog = customer.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const prompt = (await dialog.textContent()) ?? '';
    expect(prompt).toContain('Dana');
    expect(prompt).toContain('this browser tab only');
    expect(prompt).toMatch(/Passwords, card numbers and other sensitive fields are hidden/);
    expect(prompt).toContain('cannot click or type');
    expect(prompt).toContain('stop sharing at any time');
    // Nothing captured or connected while the prompt is open.
    expect(await customer.evaluate(() => (window as unknown as { __peerConnections: number }).__peerConnections)).toBe(
      0,
    );

    // The agent opens the shareable link and waits for consent.
    const agent = await harness.agentBrowser.newPage();
    logs.push(...collectLogs(agent, 'agent'));
    await agent.goto(session.agentLink);
    await expect.poll(() => agentStatus(agent)).toBe('Waiting for the customer');

    await customer.getByRole('button', { name: 'Allow sharing' }).click();
    await expect.poll(() => agentStatus(agent), { timeout: 15_000 }).toBe('Live');
    await expect
      .poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 10_000 })
      .toBe('Checkout')
      .catch(async (error: unknown) => {
        const stats = await agent.evaluate(() =>
          JSON.stringify(document.querySelector('cobrowse-agent-view')?.mirror?.stats),
        );
        const wire = await customer.evaluate(() => (window as unknown as { __wire: unknown[] }).__wire.length);
        throw new Error(
          `mirror never showed the page; mirror stats ${stats}; customer chunks sent ${wire}; logs:\n${logs.join('\n')}`,
          { cause: error },
        );
      });
    expect(await customer.locator('.indicator, .toast').getByText('Sharing this tab with Dana').isVisible()).toBe(true);

    // The customer types: the agent sees the name, only masks for card, SSN and password.
    await customer.locator('#name').pressSequentially('Ada Lovelace');
    await customer.locator('#card').pressSequentially(CARD);
    await customer.locator('#ssn').fill(SSN);
    await customer.locator('#password').pressSequentially(PASSWORD);
    await expect.poll(async () => (await mirrorElement(agent, '#name'))?.value).toBe('Ada Lovelace');
    await expect.poll(async () => (await mirrorElement(agent, '#password'))?.masked).toBe(true);
    for (const selector of ['#card', '#ssn', '#password', '#note']) {
      const state = await mirrorElement(agent, selector);
      expect(state?.masked, selector).toBe(true);
      for (const secret of [CARD, SSN, PASSWORD, '4111', '6789', 'Hunter']) {
        expect(`${state?.value ?? ''} ${state?.text ?? ''}`, selector).not.toContain(secret);
      }
    }

    // The customer scrolls; the agent's view follows.
    await customer.evaluate(() => window.scrollTo(0, 600));
    await expect
      .poll(() => agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.mirror?.scroll.y ?? 0))
      .toBe(600);

    // The agent highlights the CVC field; the customer sees the outline.
    const frame = await mirrorFrame(agent);
    await agent.getByRole('button', { name: 'Highlight' }).click();
    await frame.locator('#cvc').click({ force: true });
    await expect
      .poll(() =>
        customer.evaluate(() => {
          const box = document
            .querySelector('cobrowse-session')
            ?.shadowRoot?.querySelector<HTMLElement>('[data-cobrowse-highlight]');
          return box?.style.display ?? 'missing';
        }),
      )
      .toBe('block');

    // The agent draws on the page; the customer sees the drawing.
    await agent.getByRole('button', { name: 'Draw', exact: true }).click();
    const stage = await agent.locator('cobrowse-agent-view .stage').boundingBox();
    if (!stage) throw new Error('no stage');
    await agent.mouse.move(stage.x + 200, stage.y + 200);
    await agent.mouse.down();
    for (let i = 1; i <= 10; i += 1) await agent.mouse.move(stage.x + 200 + i * 20, stage.y + 200 + i * 8);
    await agent.mouse.up();
    await expect
      .poll(() =>
        customer.evaluate(
          () =>
            document.querySelector('cobrowse-session')?.shadowRoot?.querySelectorAll('[data-cobrowse-annotation]')
              .length ?? 0,
        ),
      )
      .toBe(1);
    await agent.getByRole('button', { name: 'Pointer' }).click();

    // The agent asks for control; the customer allows it.
    await agent.getByRole('button', { name: 'Request control' }).click();
    await customer.getByRole('button', { name: 'Allow control' }).click();
    await expect.poll(() => agent.getByRole('button', { name: 'Release control' }).isVisible()).toBe(true);
    await expect
      .poll(() => customer.locator('.indicator, .toast').getByText('Dana is controlling this tab').isVisible())
      .toBe(true);

    // With control, the agent types the address and clicks Next on the customer's page.
    await customer.evaluate(() => window.scrollTo(0, 0));
    await frame.locator('#address').fill('1 Main Street');
    await expect.poll(() => customer.locator('#address').inputValue()).toBe('1 Main Street');
    await frame.locator('#next').click({ force: true });
    await expect.poll(() => customer.locator('#status').textContent()).toBe('Next clicked with address: 1 Main Street');
    // ...and the page's reaction comes back into the mirror.
    await expect
      .poll(async () => (await mirrorElement(agent, '#status'))?.text)
      .toBe('Next clicked with address: 1 Main Street');

    // Typing into a masked field is refused on the customer's side, whatever the agent's UI does.
    const refused = await agent.evaluate(() => {
      const view = document.querySelector('cobrowse-agent-view');
      const doc = view?.mirror?.iframe.contentDocument;
      const id = view?.mirror?.idOf(doc!.querySelector('#card')!);
      return view?.session?.act({ kind: 'input', id: id!, value: '5555' }) ?? false;
    });
    expect(refused).toBe(true);
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customer.locator('#card').inputValue()).toBe(CARD);

    // Nothing sensitive went over the wire from this page, in any frame (the recorder resets per page).
    const wire = JSON.stringify(await decodeWire(customer));
    for (const secret of [CARD, CARD.replace(/ /g, ''), SSN, PASSWORD, '4111 1111', '45-6789', 'Hunter2']) {
      expect(wire).not.toContain(secret);
    }
    expect(wire).toContain('Ada Lovelace');

    // The customer moves to the next page: the session resumes without a new consent.
    await customer.locator('#to-shipping').click();
    await customer.waitForURL('**/shipping');
    await expect.poll(async () => (await mirrorElement(agent, '#title'))?.text, { timeout: 15_000 }).toBe('Shipping');
    expect(await customer.getByRole('dialog').count()).toBe(0);

    // One click on End: both sides show it ended.
    await customer.getByRole('button', { name: 'End sharing' }).click();
    await expect.poll(() => agentStatus(agent), { timeout: 3_000 }).toBe('Ended');
    await expect
      .poll(() => customer.locator('.indicator, .toast').getByText('You stopped sharing this page.').isVisible())
      .toBe(true);

    // The audit record has the whole story, in order, with a valid hash chain.
    const record = await audit(harness, session.sessionId);
    expect(record.verification.valid).toBe(true);
    const types = record.events.map((e) => e.type);
    for (const type of [
      'consent-shown',
      'consent-granted',
      'connected',
      'control-requested',
      'control-granted',
      'remote-action',
      'ended',
    ]) {
      expect(types).toContain(type);
    }
    expect(types.indexOf('consent-granted')).toBeLessThan(types.indexOf('connected'));
    const pages = record.events.filter((e) => e.type === 'page-visited').map((e) => String(e.data.url));
    expect(pages).toEqual([`${harness.shop.url}/checkout`, `${harness.shop.url}/shipping`]);
    expect(record.events.at(-1)).toMatchObject({ type: 'ended', actor: 'customer' });

    // The chat system was told, with a valid signature, the pages in order and the audit head hash.
    await expect
      .poll(() => deliveries.filter((d) => d.body.includes(session.sessionId)).length, { timeout: 5_000 })
      .toBe(1);
    const delivery = deliveries.find((d) => d.body.includes(session.sessionId))!;
    expect(
      verifyWebhookSignature({
        secret: WEBHOOK_SECRET,
        body: delivery.body,
        timestamp: delivery.timestamp,
        signature: delivery.signature,
      }),
    ).toBe(true);
    const payload = JSON.parse(delivery.body) as {
      pagesVisited: { url: string }[];
      endedBy: string;
      controlGranted: boolean;
      auditHeadHash: string;
      durationMs: number;
    };
    expect(payload.pagesVisited.map((p) => p.url)).toEqual(pages);
    expect(payload).toMatchObject({
      endedBy: 'customer',
      controlGranted: true,
      auditHeadHash: record.events.at(-1)?.hash,
    });
    expect(payload.durationMs).toBeGreaterThan(0);
    await customer.close();
    await agent.close();
  });

  it('tells a second console on the same link that another console has the session, and stops trying', async () => {
    const session = await newSession(harness);
    const first = await harness.agentBrowser.newPage();
    await first.goto(session.agentLink);
    await expect.poll(() => agentStatus(first), { timeout: 10_000 }).toBe('Waiting for the customer');
    const second = await harness.agentBrowser.newPage();
    await second.goto(session.agentLink);
    await expect
      .poll(() => second.getByText('This session is open in another console').first().isVisible(), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => agentStatus(second), { timeout: 20_000 }).toBe('Not joined');
    expect(await second.getByText('Close it there, then reload this page.').isVisible()).toBe(true);
    // The first console was never disturbed.
    expect(await agentStatus(first)).toBe('Waiting for the customer');
    await second.close();
    await first.close();
  });

  it('shows a clear message for a wrong agent link', async () => {
    const agent = await harness.agentBrowser.newPage();
    await agent.goto(`${harness.server.baseUrl}/agent/#token=${'x'.repeat(43)}`);
    await expect.poll(() => agentStatus(agent)).toBe('Invalid link');
    expect(await agent.getByText('This link is not valid').isVisible()).toBe(true);
    await agent.close();
  });
});
