/**
 * Remote typing between two real Chromium processes, with real keystrokes
 * (Playwright's keyboard: keydown, input, keyup per key) at 0, 15, 40, 100 and
 * 400 ms per key, into five fields of a page that re-renders on every input
 * (framework-style controlled inputs), with corrections, selections and
 * repeated letters. The oracle is a model of a text field fed the same keys
 * (helpers/keyboard-model.ts); the customer's field is read on the customer's
 * page and the mirror's from the agent's console. A field that drops every
 * third key shows the oracle catches a lost keystroke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mirrorElement, mirrorFrame, startHarness, type Harness } from './helpers/harness.js';
import { expectedValue, type KeyStep } from './helpers/keyboard-model.js';
import { liveWithControl, until } from './helpers/live-control.js';

let harness: Harness;
let customer: Page;
let agent: Page;

beforeAll(async () => {
  harness = await startHarness();
  ({ customer, agent } = await liveWithControl(harness, '/form', 'Delivery details'));
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

const FIELDS = ['fullname', 'street', 'borough', 'postcode', 'help', 'notes'] as const;
type Field = (typeof FIELDS)[number] | 'lossy';

/** Long scripts: corrections, arrows, Shift selections, select-all, repeated letters. Every script starts with select-all. */
const LONG: Record<(typeof FIELDS)[number], KeyStep[]> = {
  fullname: [
    { press: 'Control+A' },
    { type: 'Anna Hannah Abbott' },
    { press: 'Backspace', times: 3 },
    { type: 'ott' },
    { press: 'Home' },
    { type: 'Dr ' },
    { press: 'End' },
  ],
  street: [
    { press: 'Control+A' },
    { type: '221B Bker Street' },
    { press: 'Home' },
    { press: 'ArrowRight', times: 6 },
    { type: 'a' },
    { press: 'End' },
    { type: ', Flat 1' },
  ],
  borough: [
    { press: 'Control+A' },
    { type: 'London Borough of Camdem' },
    { press: 'Shift+ArrowLeft', times: 6 },
    { type: 'Camden' },
  ],
  postcode: [
    { press: 'Control+A' },
    { type: 'NW1 6XX' },
    { press: 'Backspace' },
    { type: 'E' },
    { press: 'ArrowLeft', times: 4 },
    { press: 'Delete' },
    { press: 'ArrowRight' },
  ],
  help: [
    { press: 'Control+A' },
    { type: 'Mississippi parcel' },
    { press: 'Shift+ArrowLeft', times: 6 },
    { press: 'Backspace' },
    { type: 'lockers' },
  ],
  notes: [
    { press: 'Control+A' },
    { type: 'Leave it at the dooor\nRing twice' },
    { press: 'ArrowLeft', times: 11 },
    { press: 'Backspace' },
    { press: 'ArrowRight', times: 11 },
    { type: '!' },
  ],
};

/** Short scripts for the slow speeds: a few keys with a correction. */
const SHORT: Record<(typeof FIELDS)[number], KeyStep[]> = {
  fullname: [{ press: 'Control+A' }, { type: 'Abb' }, { press: 'Backspace' }, { type: 'e' }],
  street: [{ press: 'Control+A' }, { type: '221' }, { press: 'ArrowLeft' }, { type: 'B' }],
  borough: [{ press: 'Control+A' }, { type: 'Kew' }, { press: 'Shift+ArrowLeft' }, { type: 'y' }],
  postcode: [{ press: 'Control+A' }, { type: 'NW1' }],
  help: [{ press: 'Control+A' }, { type: 'ss' }, { press: 'Backspace' }, { type: 's' }],
  notes: [{ press: 'Control+A' }, { type: 'a\nb' }],
};

const SPEEDS = [0, 15, 40, 100, 400] as const;

interface Outcome {
  expected: string;
  customer: string;
  mirror: string | null;
  /** Customer echoes written into the field while the agent had focus in it (each one a flicker, or a lost key). */
  echoesWhileTyping: number;
}

/** Counts the customer's form state written into `field` of the mirror while the agent's focus is in it; records every value written into any field. */
async function watchEchoes(field: Field): Promise<void> {
  await agent.evaluate((selector) => {
    const view = document.querySelector('cobrowse-agent-view');
    const mirror = view?.mirror;
    if (!mirror) throw new Error('no mirror');
    const spy = window as unknown as {
      __echoes: number;
      __written: { id: string; v: string }[];
      __applyInput?: typeof mirror.applyInput;
    };
    spy.__echoes = 0;
    spy.__written ??= [];
    spy.__applyInput ??= mirror.applyInput.bind(mirror);
    const original = spy.__applyInput;
    mirror.applyInput = (frame) => {
      const target = mirror.nodeById(frame.id);
      const doc = mirror.iframe.contentDocument;
      if (target && doc && target === doc.querySelector(selector) && doc.activeElement === target) spy.__echoes += 1;
      if (target && 'id' in target) spy.__written.push({ id: String(target.id), v: frame.value ?? '' });
      original(frame);
    };
  }, `#${field}`);
}

/** Values the mirror wrote into fields since the last call (the agent's copy must only ever show the typed result). */
async function takeWritten(): Promise<{ id: string; v: string }[]> {
  return agent.evaluate(() => {
    const spy = window as unknown as { __written?: { id: string; v: string }[] };
    const written = spy.__written ?? [];
    spy.__written = [];
    return written;
  });
}

/** The oracle's own comparison: equal, or equal with some digits shown as • (the customer's masking while it types). */
function sameShown(shown: string, typed: string): boolean {
  return (
    shown.length === typed.length &&
    [...shown].every((char, i) => char === typed[i] || (char === '•' && /[0-9]/.test(typed[i] ?? '')))
  );
}

async function customerValue(field: Field): Promise<string> {
  return customer.locator(`#${field}`).inputValue();
}

/** Types `steps` into `field` of the mirror at `delay` ms per key; returns what each side holds once the customer has answered every key. */
async function typeInto(field: Field, steps: readonly KeyStep[], delay: number): Promise<Outcome> {
  const frame = await mirrorFrame(agent);
  await frame.locator(`#${field}`).click();
  await watchEchoes(field);
  for (const step of steps) {
    if ('type' in step) await agent.keyboard.type(step.type, { delay });
    else
      for (let i = 0; i < (step.times ?? 1); i++) {
        await agent.keyboard.press(step.press, { delay: Math.min(delay, 40) });
        if (delay > 0) await agent.waitForTimeout(delay);
      }
  }
  // The acknowledgement: every action sent has been applied (or refused) by the customer.
  await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
  return {
    expected: expectedValue(steps, '', field === 'notes'),
    customer: await customerValue(field),
    mirror: (await mirrorElement(agent, `#${field}`))?.value ?? null,
    echoesWhileTyping: await agent.evaluate(() => (window as unknown as { __echoes: number }).__echoes),
  };
}

describe('remote typing with real keystrokes', () => {
  const matrix: string[] = [];

  for (const delay of SPEEDS) {
    it(`${delay} ms per key into ${FIELDS.length} fields: the customer's and the mirror's values are what was typed`, async () => {
      const scripts = delay >= 100 ? SHORT : LONG;
      await takeWritten();
      for (const field of FIELDS) {
        const outcome = await typeInto(field, scripts[field], delay);
        const ok = outcome.customer === outcome.expected && outcome.mirror === outcome.expected;
        matrix.push(
          `${delay} ms | ${field} | ${ok ? 'equal' : `customer ${JSON.stringify(outcome.customer)} mirror ${JSON.stringify(outcome.mirror)}`} | ${JSON.stringify(outcome.expected)}`,
        );
        // Equal values, and no echo ever overwrote the field while the agent typed in it (no flicker).
        expect(outcome, `${field} at ${delay} ms`).toEqual({
          expected: outcome.expected,
          customer: outcome.expected,
          mirror: outcome.expected,
          echoesWhileTyping: 0,
        });
      }
      // Echoes of the last keys arrive after the acknowledgements: once the agent is elsewhere, they must not undo anything.
      await (await mirrorFrame(agent)).locator('#title').click();
      await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
      await customer.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      for (const field of FIELDS) {
        const expected = expectedValue(scripts[field], '', field === 'notes');
        await expect.poll(async () => (await mirrorElement(agent, `#${field}`))?.value).toBe(expected);
        expect(await customerValue(field)).toBe(expected);
      }
      // Whatever the customer's echoes wrote into the agent's copy during the round was the typed result, never a stale one.
      const written = await takeWritten();
      for (const field of FIELDS) {
        const expected = expectedValue(scripts[field], '', field === 'notes');
        const wrong = written.filter((w) => w.id === field && !sameShown(w.v, expected));
        expect(wrong, `${field} at ${delay} ms`).toEqual([]);
      }
    }, 120_000);
  }

  it('control: a field that drops every third key is caught by the oracle', async () => {
    const steps: KeyStep[] = [{ press: 'Control+A' }, { type: 'abcdef' }];
    const outcome = await typeInto('lossy', steps, 15);
    expect(outcome.expected).toBe('abcdef');
    expect(outcome.customer).not.toBe(outcome.expected);
    expect(outcome.customer.length).toBeLessThan(outcome.expected.length);
    // ...and once the agent leaves, the customer's different text is written into the agent's copy (the spy sees it).
    await takeWritten();
    await (await mirrorFrame(agent)).locator('#title').click();
    await expect.poll(async () => (await mirrorElement(agent, '#lossy'))?.value).toBe(outcome.customer);
    expect((await takeWritten()).some((w) => w.id === 'lossy' && !sameShown(w.v, outcome.expected))).toBe(true);
  }, 60_000);

  it('cut, copy and paste of what the agent typed; Tab to the next field; Enter in a field submits the customer’s form', async () => {
    const steps: KeyStep[] = [
      { press: 'Control+A' },
      { type: 'Baker' },
      { press: 'Shift+Home' },
      { press: 'Control+C' },
      { press: 'End' },
      { type: ' & ' },
      { press: 'Control+V' },
      { press: 'Shift+ArrowLeft', times: 5 },
      { press: 'Control+X' },
      { type: 'Sons' },
    ];
    const outcome = await typeInto('fullname', steps, 15);
    expect(outcome).toEqual({
      expected: 'Baker & Sons',
      customer: 'Baker & Sons',
      mirror: 'Baker & Sons',
      echoesWhileTyping: 0,
    });

    // Tab moves the agent to the next field; what is typed there lands there on the customer's page.
    await agent.keyboard.press('Tab');
    await agent.keyboard.press('Control+A');
    await agent.keyboard.type('10 Downing St', { delay: 15 });
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customerValue('street')).toBe('10 Downing St');
    expect(await customerValue('fullname')).toBe('Baker & Sons');

    // Enter submits the form the way the customer's own Enter would (to /shipping).
    await agent.keyboard.press('Enter');
    await customer.waitForURL('**/shipping?**');
    expect(new URL(customer.url()).searchParams.get('street')).toBe('10 Downing St');
    await customer.goBack();
    await until(async () => (await mirrorElement(agent, '#title'))?.text === 'Delivery details', 'the form again');
    await agent.getByRole('button', { name: 'Release control' }).waitFor();
  }, 60_000);

  it('composition (IME) through CDP reaches the customer as the composed text, in one input', async () => {
    const frame = await mirrorFrame(agent);
    await frame.locator('#fullname').click();
    await agent.keyboard.press('Control+A');
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    await customer.evaluate(() => {
      const field = document.getElementById('fullname') as HTMLInputElement;
      const seen: string[] = [];
      (window as unknown as { __fullnameInputs: string[] }).__fullnameInputs = seen;
      field.addEventListener('input', () => seen.push(field.value));
    });
    const cdp = await agent.context().newCDPSession(agent);
    await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
    await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
    await cdp.send('Input.insertText', { text: '日本' });
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customerValue('fullname')).toBe('日本');
    // The customer's page saw the composed text once, never the syllables in between.
    expect(
      await customer.evaluate(() => (window as unknown as { __fullnameInputs: string[] }).__fullnameInputs),
    ).toEqual(['日本']);
    expect((await mirrorElement(agent, '#fullname'))?.value).toBe('日本');
    // Typing on after the composition goes on from the composed text.
    await agent.keyboard.type(' san', { delay: 15 });
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customerValue('fullname')).toBe('日本 san');
    await cdp.detach();
  }, 60_000);

  it('a concurrent edit: the customer’s typing wins, the agent is told, and the agent types again after clicking back in', async () => {
    const frame = await mirrorFrame(agent);
    await frame.locator('#borough').click();
    await agent.keyboard.press('Control+A');
    await agent.keyboard.type('Camden', { delay: 15 });
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customerValue('borough')).toBe('Camden');

    // Both type at once: the agent goes on at 40 ms per key while the customer types into the same field.
    await watchEchoes('borough');
    const agentTyping = agent.keyboard.type(' Town Hall', { delay: 40 });
    await customer.locator('#borough').focus();
    await customer.keyboard.press('End');
    await customer.keyboard.type('ZZ', { delay: 40 });
    await agentTyping;
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());

    // No agent key lands after the customer's first key: the customer's text is whole, at the end.
    const value = await customerValue('borough');
    const agentPart = value.slice('Camden'.length, -2);
    expect(value.startsWith('Camden') && value.endsWith('ZZ'), value).toBe(true);
    expect(' Town Hall'.startsWith(agentPart), value).toBe(true);
    await expect
      .poll(() => agent.locator('cobrowse-agent-view .toast').textContent())
      .toMatch(/customer is typing in this field/);
    // The agent's copy shows the customer's text.
    await expect.poll(async () => (await mirrorElement(agent, '#borough'))?.value).toBe(value);
    // The echo spy's control: here the customer's text was written into the field the agent had focus in.
    expect(await agent.evaluate(() => (window as unknown as { __echoes: number }).__echoes)).toBeGreaterThan(0);

    // Keys while the customer has the field stay local; a click back into it gives it back.
    await agent.keyboard.type('Q');
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customerValue('borough')).toBe(value);
    await frame.locator('#borough').click();
    await agent.keyboard.press('End');
    await agent.keyboard.type('!', { delay: 15 });
    await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
    expect(await customerValue('borough')).toBe(`${value}!`);
  }, 60_000);

  afterAll(() => {
    console.log(`typing matrix (speed | field | result | expected):\n${matrix.join('\n')}`);
  });
});
