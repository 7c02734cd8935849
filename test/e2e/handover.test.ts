/**
 * An automated agent hands the session to a person: the customer in one real
 * Chromium process, the bot as the Node SDK in this process, the person's
 * console in a second Chromium process, against the real server. The
 * customer is told the agent is automated, and a person takes over without a
 * new consent prompt only when the customer allowed exactly that in the
 * prompt. Oracles: the customer's real DOM, the audit record, the SDK's end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { joinSession, type AgentSdkSession } from '../../sdk/index.js';
import { BOT, botSession, handOver } from './helpers/bot-session.js';
import {
  agentStatus,
  auditEvents,
  dialogsShown,
  indicator,
  mirrorElement,
  newSession,
  offer,
  startHarness,
  type Harness,
} from './helpers/harness.js';
import { untilMirrorShows } from './helpers/live-control.js';

let harness: Harness | undefined;
const bots: AgentSdkSession[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) bot.leave();
  await harness?.close();
  harness = undefined;
});

describe('hand-over from an automated agent to a person', () => {
  it('a person takes over without a new prompt when the customer allowed it: the bot leaves, the person sees the live page', async () => {
    harness = await startHarness();
    const h = harness;
    const { session, customer, bot } = await botSession(h, { allowPerson: true, bots });
    const botEnded = new Promise<string>((resolve) => bot.on('end', ({ detail }) => resolve(detail)));

    const res = await handOver(h.server, session.sessionId, 'Dana');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agent: { link: string; token: string } };
    expect(body.agent.token).not.toBe(session.agentToken);
    expect(await botEnded).toBe('HANDED_OVER: A person from support took over this session.');

    const person = await h.agentBrowser.newPage();
    await person.goto(body.agent.link);
    await untilMirrorShows(person, 'Checkout');
    // Live, not a copy: the customer's typing reaches the person.
    await customer.locator('#name').pressSequentially('Ada', { delay: 20 });
    await expect.poll(async () => (await mirrorElement(person, '#name'))?.value).toBe('Ada');

    // The customer was told who took over, and was never asked again.
    await expect.poll(() => indicator(customer)).toBe('Dana from support took over from the automated assistant');
    expect(await dialogsShown(customer)).toBe(0);
    // The bot's token opens nothing any more.
    await expect(
      joinSession({ server: h.server.baseUrl, token: session.agentToken, name: BOT, bot: true, timeoutMs: 5_000 }),
    ).rejects.toThrow(/UNAUTHORIZED|not valid/);

    const events = await auditEvents(h.server, session.sessionId);
    expect(events.filter((e) => e.type === 'consent-shown')).toHaveLength(1);
    expect(events.find((e) => e.type === 'consent-granted')?.data).toEqual({ handover: true });
    expect(events.find((e) => e.type === 'handed-over')?.data).toEqual({
      fromKind: 'bot',
      from: BOT,
      toKind: 'person',
      to: 'Dana',
    });
    // The bot's own events name it as a bot; the person's do not.
    const connected = events.filter((e) => e.type === 'connected' && e.actor === 'agent');
    expect(connected[0]?.data).toMatchObject({ agentKind: 'bot', agentName: BOT });
    expect(connected.at(-1)?.data).not.toHaveProperty('agentKind');
  });

  it('a customer away during the hand-over learns of it on the next page: control given to the bot is taken back', async () => {
    harness = await startHarness();
    const h = harness;
    const { session, customer, bot } = await botSession(h, { allowPerson: true, bots });
    const granted = bot.requestControl();
    await customer.getByRole('button', { name: 'Allow control' }).click();
    expect(await granted).toBe(true);
    await expect.poll(() => customer.getByRole('button', { name: 'Take back control' }).count()).toBe(1);

    // Between pages: the customer's tab is elsewhere while the person takes over, so the live notice is lost.
    await customer.goto('about:blank');
    await expect
      .poll(async () =>
        (await auditEvents(h.server, session.sessionId)).some(
          (e) => e.type === 'disconnected' && e.actor === 'customer',
        ),
      )
      .toBe(true);
    const res = await handOver(h.server, session.sessionId, 'Dana');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agent: { link: string } };
    await customer.goto(`${h.shop.url}/shipping`);
    const person = await h.agentBrowser.newPage();
    await person.goto(body.agent.link);
    await expect.poll(() => agentStatus(person), { timeout: 15_000 }).toBe('Live');

    // The next page learns from the server's welcome that a person is there now.
    await expect.poll(() => indicator(customer)).toBe('Dana from support took over from the automated assistant');
    expect(await customer.getByRole('button', { name: 'Take back control' }).count()).toBe(0);
    const events = await auditEvents(h.server, session.sessionId);
    const handedOver = events.findIndex((e) => e.type === 'handed-over');
    expect(handedOver).toBeGreaterThan(-1);
    expect(events.slice(handedOver).some((e) => e.type === 'control-revoked' && e.actor === 'customer')).toBe(true);
  });

  it('without the customer’s leave there is no hand-over: refused, and the bot stays', async () => {
    harness = await startHarness();
    const h = harness;
    const { session, customer, bot } = await botSession(h, { allowPerson: false, bots });
    let botEnded = false;
    bot.on('end', () => (botEnded = true));
    const res = await handOver(h.server, session.sessionId, 'Dana');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('HANDOVER_NOT_ALLOWED');
    // Control: the bot still guides the customer's page after the refusal.
    const address = await bot.field('Street address');
    bot.highlight(address.id, 'Here');
    await expect
      .poll(() =>
        customer.evaluate(
          () =>
            document
              .querySelector('cobrowse-session')
              ?.shadowRoot?.querySelector<HTMLElement>('[data-cobrowse-highlight]')?.style.display,
        ),
      )
      .toBe('block');
    expect(botEnded).toBe(false);
    expect(await indicator(customer)).toBe(`Sharing this tab with ${BOT} (automated assistant)`);
    expect((await auditEvents(h.server, session.sessionId)).some((e) => e.type === 'handed-over')).toBe(false);
  });

  it('a person who opens the bot’s session link in the console is refused and told why; the customer still shares with the bot only', async () => {
    harness = await startHarness();
    const h = harness;
    const session = await newSession(h, { agentName: BOT, agentBot: true });
    const customer = await h.customerBrowser.newPage();
    await customer.goto(`${h.shop.url}/checkout`);
    await offer(customer, session.inviteCode);
    await customer.getByRole('dialog').getByRole('button', { name: 'Allow sharing' }).click();
    const person = await h.agentBrowser.newPage();
    await person.goto(session.agentLink);
    await expect
      .poll(() => person.getByText(/shared this tab with the automated assistant only/).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await agentStatus(person)).not.toBe('Live');
    const agentRows = (await auditEvents(h.server, session.sessionId)).filter((e) => e.actor === 'agent');
    expect(agentRows).toEqual([]);
    // The customer's tab still waits for the assistant it allowed (the bot has not joined in this test).
    expect(await indicator(customer)).toBe(`Waiting for ${BOT} (automated assistant) to connect…`);
  });
});
