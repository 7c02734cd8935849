/**
 * What happens while the remote-control chunk loads (issue #18, review s15b H1, M1, M2): the customer's answer to
 * the prompt and their keys in that time count as they do once it has loaded, and actions sent under a grant that
 * has since ended never run under a later one. The chunk request is held by routing, as in remote-control-lazy.
 * Real Chromium for each side, real WebRTC, the customer's real keys; the oracle is the customer's own fields, every
 * string their page put on the data channel, and the audit rows, never the product's focus rule.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { holdingPartOf } from './helpers/focus-hold-pages.js';
import {
  agentStatus,
  auditEvents,
  fileHarness,
  mirrorElement,
  mirrorFrame,
  RECORD_CHANNEL_BYTES,
} from './helpers/harness.js';
import { drained, liveSession, until, type LiveControl } from './helpers/live-control.js';
import { sent } from './helpers/masked-copy.js';
import { decodeWire } from './helpers/wire.js';

const h = fileHarness();

const CHUNK = /\/cobrowse-remote-control-chunk-[A-Z0-9]+\.js$/;
/** The customer's password, typed as its first part and its rest. */
const FIRST = 'Zq7h';
const REST = 'untQuoll9';

/** The checkout, its data channel recorded and the remote-control chunk held until `release` (or at once). */
async function checkout(held = true): Promise<LiveControl & { release(): void }> {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  if (!held) release();
  const live = await liveSession(h, '/checkout', 'Checkout', {
    beforeLoad: async (page: Page) => {
      await page.addInitScript(RECORD_CHANNEL_BYTES);
      await page.route(CHUNK, async (route) => {
        await released;
        await route.continue();
      });
    },
  });
  return { ...live, release };
}

async function askAndAllow({ customer, agent }: Pick<LiveControl, 'customer' | 'agent'>): Promise<void> {
  await agent.getByRole('button', { name: 'Request control' }).click();
  await customer.getByRole('button', { name: 'Allow control' }).click();
  await agent.getByRole('button', { name: 'Release control' }).waitFor();
}

/**
 * The customer leaves the field for #title after typing: once the mirror shows a clear mark typed in #address,
 * everything before it is on the wire.
 */
async function settled({ customer, agent }: Pick<LiveControl, 'customer' | 'agent'>): Promise<void> {
  await customer.locator('#address').click();
  await customer.keyboard.type('x');
  await until(async () => (await mirrorElement(agent, '#address'))?.value === 'x', 'the mark in the mirror');
}

/** The customer clicks `field` and types FIRST; the agent then clicks #name; the customer types REST. */
async function typeAroundAgentClick(
  live: LiveControl & { release(): void },
  field: string,
  release: 'before-click' | 'after-click',
): Promise<void> {
  const { customer, agent } = live;
  await customer.locator(field).click();
  await customer.keyboard.type(FIRST, { delay: 40 });
  if (release === 'before-click') {
    live.release();
    await customer.waitForResponse(CHUNK);
  }
  await (await mirrorFrame(agent)).locator('#name').click();
  if (release === 'after-click') live.release();
  await drained(agent);
  await customer.keyboard.type(REST, { delay: 40 });
}

/** The customer types in `field` around the agent's click on #name, with the chunk held or loaded (`held`). */
const CASES = [
  {
    title:
      'H1: allowed before the chunk loaded, the customer types a password; the agent’s queued click leaves it theirs',
    field: '#password',
    held: true,
    release: 'after-click',
  },
  {
    title:
      'H1: the same, the agent clicking once the chunk has loaded (the customer paused): the password stays theirs',
    field: '#password',
    held: true,
    release: 'before-click',
  },
  {
    title: 'control: the chunk loaded before the grant, the same steps: the password keeps its rest',
    field: '#password',
    held: false,
    release: 'after-click',
  },
  {
    title:
      'M1: the customer types in a clear field while the chunk loads; the agent’s queued click does not take focus mid-word',
    field: '#email',
    held: true,
    release: 'after-click',
  },
] as const;

describe('remote control: what the customer does while its chunk loads', () => {
  for (const { title, field, held, release } of CASES) {
    it(
      title,
      async () => {
        const live = await checkout(held);
        const { customer, agent } = live;
        await askAndAllow(live);
        await typeAroundAgentClick(live, field, release);
        expect(await customer.locator(field).inputValue()).toBe(FIRST + REST);
        expect(await customer.locator('#name').inputValue()).toBe('');
        await settled(live);
        // A password's characters are never on the wire (an email's are, in the email field's own value).
        if (field === '#password') expect(holdingPartOf(await sent(customer), FIRST + REST)).toEqual([]);
        expect((await mirrorElement(agent, '#name'))?.value).toBe('');
      },
      120_000,
    );
  }
});

/**
 * The agent's actions sent are unanswered (waiting for the chunk on the customer's side); the short pause lets the
 * last of them cross the data channel before the customer's next step.
 */
async function waiting({ customer, agent }: Pick<LiveControl, 'customer' | 'agent'>): Promise<void> {
  const unanswered = () =>
    agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.unansweredActions ?? 0);
  await until(async () => (await unanswered()) > 0, 'the agent’s actions sent');
  await customer.waitForTimeout(300);
  expect(await unanswered()).toBeGreaterThan(0);
}

/** Granted, revoked (taken back, or a new lead), asked and granted again: no remote action in between. */
const REGRANTED = ['control-requested', 'control-granted', 'control-revoked', 'control-requested', 'control-granted'];

/** The session's audit rows about control and remote actions, in order. */
async function controlRows(sessionId: string): Promise<string[]> {
  const types = (await auditEvents(h.server, sessionId)).map((event) => event.type);
  return types.filter((type) => type.startsWith('control-') || type === 'remote-action');
}

describe('remote control: actions waiting for the chunk under a grant that ended', () => {
  it('M2: keys sent before the customer took control back do not run under the grant that follows', async () => {
    const live = await checkout();
    const { customer, agent, session } = live;
    await askAndAllow(live);
    await (await mirrorFrame(agent)).locator('#address').click();
    await agent.keyboard.type('OLDGRANT', { delay: 15 });
    await waiting(live);
    await customer.getByRole('button', { name: 'Take back control' }).click();
    await askAndAllow(live);
    live.release();
    await drained(agent);
    expect(await customer.locator('#address').inputValue()).toBe('');
    const answers = (await decodeWire(customer)).filter((m) => m.t === 'action-ack' || m.t === 'action-refused');
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((m) => m.t !== 'action-refused' || m.reason !== 'no-control')).toEqual([]);
    expect(await controlRows(session.sessionId)).toEqual(REGRANTED);
  }, 120_000);

  it('M2: the old lead’s keys do not run once another agent is lead and allowed', async () => {
    const live = await checkout();
    const { customer, agent, session } = live;
    const res = await fetch(`${h.server.baseUrl}/api/sessions/${session.sessionId}/viewers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada', kind: 'agent' }),
    });
    expect(res.status).toBe(201);
    const ada = await h.agentBrowser.newPage();
    await ada.goto(((await res.json()) as { link: string }).link);
    await until(async () => (await agentStatus(ada)) === 'Live', 'Ada live', 60_000);
    await until(async () => (await mirrorElement(ada, '#title'))?.text === 'Checkout', 'Ada mirror', 60_000);
    await askAndAllow(live);
    await (await mirrorFrame(agent)).locator('#address').click();
    await agent.keyboard.type('DANA', { delay: 15 });
    await waiting(live);
    await agent.getByRole('button', { name: 'Make Ada lead' }).click();
    await expect.poll(() => ada.getByRole('button', { name: 'Request control' }).isDisabled()).toBe(false);
    await ada.getByRole('button', { name: 'Request control' }).click();
    await customer.getByRole('heading', { name: 'Ada asks to control this page' }).waitFor();
    await customer.getByRole('button', { name: 'Allow control' }).click();
    await ada.getByRole('button', { name: 'Release control' }).waitFor();
    live.release();
    // Dana's link: every action she sent is answered (refused) once the chunk is there.
    await drained(agent);
    expect(await customer.locator('#address').inputValue()).toBe('');
    expect(await controlRows(session.sessionId)).toEqual(REGRANTED);
    // Ada's own keys, under her grant, land.
    await (await mirrorFrame(ada)).locator('#address').click();
    await ada.keyboard.type('ADA', { delay: 15 });
    await drained(ada);
    expect(await customer.locator('#address').inputValue()).toBe('ADA');
  }, 180_000);
});
