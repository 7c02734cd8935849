/**
 * Remote typing into real React 19 and Vue 3 controlled inputs (the page
 * re-renders the field on every input), between two real Chromium
 * processes, with the agent's real keystrokes (Playwright's keyboard: key
 * events per character; characters no key makes go in as text, as an
 * input method would) at 0, 20 and 60 ms per key: accents, CJK, emoji,
 * corrections, selection replace, a held key repeating, and the customer
 * typing into another field at the same time. The oracle is the text the
 * keys make (worked out by hand or by helpers/keyboard-model.ts, no product
 * code), read back from the page's own framework state (what the app will
 * submit), not only from the DOM. Control: a React field that drops every
 * fourth change is caught.
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorElement, mirrorFrame, startHarness, type Harness } from './helpers/harness.js';
import { expectedValue, type KeyStep } from './helpers/keyboard-model.js';
import { grantControl, liveSession } from './helpers/live-control.js';

let harness: Harness;
let customer: Page;
let agent: Page;

/** The app: React fields (plain, upper-casing, lossy control) and Vue fields (v-model input and textarea), state mirrored to window.__state. */
const APP = `
import { createElement as e, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createApp, h, ref } from 'vue';

const state = (window.__state = {});
function Field({ id, label, transform = (v) => v, dropEvery = 0 }) {
  const [value, setValue] = useState('');
  const [changes, setChanges] = useState(0);
  state[id] = value;
  return e('div', null,
    e('label', { htmlFor: id }, label),
    e('input', { id, value, onChange: (event) => {
      const next = changes + 1;
      setChanges(next);
      if (dropEvery > 0 && next % dropEvery === 0) return;
      setValue(transform(event.target.value));
    } }),
    e('p', { id: id + '-echo' }, value.length + ' characters'));
}
createRoot(document.getElementById('react-root')).render(e('div', null,
  e(Field, { id: 'r-name', label: 'Name on the parcel' }),
  e(Field, { id: 'r-code', label: 'Voucher', transform: (v) => v.toUpperCase() }),
  e(Field, { id: 'r-lossy', label: 'Lossy (control)', dropEvery: 4 }),
  e(Field, { id: 'r-phone', label: 'Phone', transform: (v) => {
    const d = v.replace(/[^0-9]/g, '').slice(0, 10);
    if (d.length < 4) return d;
    if (d.length < 7) return '(' + d.slice(0, 3) + ') ' + d.slice(3);
    return '(' + d.slice(0, 3) + ') ' + d.slice(3, 6) + '-' + d.slice(6);
  } })));

createApp({
  setup() {
    const city = ref('');
    const notes = ref('');
    return () => {
      state['v-city'] = city.value;
      state['v-notes'] = notes.value;
      return h('div', null, [
        h('label', { for: 'v-city' }, 'City'),
        h('input', { id: 'v-city', value: city.value, onInput: (event) => { city.value = event.target.value; } }),
        h('label', { for: 'v-notes' }, 'Notes for the driver'),
        h('textarea', { id: 'v-notes', value: notes.value, onInput: (event) => { notes.value = event.target.value; } }),
        h('p', { id: 'v-echo' }, city.value.length + notes.value.length + ' characters'),
      ]);
    };
  },
}).mount('#vue-root');

// A design-system field: an input inside an open shadow root, its value mirrored into the app's state.
class ShopField extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = '<label for="inner">Gift message</label><input id="inner">';
    const input = root.getElementById('inner');
    input.addEventListener('input', () => { state['s-gift'] = input.value; });
  }
}
customElements.define('shop-field', ShopField);
document.getElementById('vue-root').after(Object.assign(document.createElement('shop-field'), { id: 's-gift' }));
`;

async function bundleApp(): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents: APP, resolveDir: join(import.meta.dirname, '..', '..'), loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'error',
  });
  return result.outputFiles[0]?.text ?? '';
}

beforeAll(async () => {
  harness = await startHarness();
  const script = await bundleApp();
  // The shop's delivery page, with the apps added to it once the session is live (a page fulfilled by a
  // Playwright route counts as public, and Chromium then refuses it the loopback signaling server).
  const live = await liveSession(harness, '/form', 'Delivery details');
  ({ customer, agent } = live);
  await customer.evaluate(() => {
    const main = document.querySelector('main') as HTMLElement;
    for (const id of ['react-root', 'vue-root']) main.prepend(Object.assign(document.createElement('div'), { id }));
  });
  await customer.addScriptTag({ content: script, type: 'module' });
  await customer.locator('#v-notes').waitFor();
  await grantControl(live);
}, 90_000);

afterAll(async () => {
  await harness?.close();
});

async function drained(): Promise<void> {
  await agent.evaluate(() => document.querySelector('cobrowse-agent-view')?.session?.drained());
}

/** What the app holds for `id` (its framework state) and what its field shows. */
async function customerState(id: string): Promise<{ state: string; field: string }> {
  return customer.evaluate((fieldId) => {
    const state = (window as unknown as { __state: Record<string, string> }).__state;
    const field = document.getElementById(fieldId) as HTMLInputElement | HTMLTextAreaElement;
    return { state: state[fieldId] ?? '', field: field.value };
  }, id);
}

async function typeSteps(id: string, steps: readonly KeyStep[], delay: number): Promise<void> {
  await (await mirrorFrame(agent)).locator(`#${id}`).click();
  for (const step of steps) {
    if ('type' in step) await agent.keyboard.type(step.type, { delay });
    else
      for (let i = 0; i < (step.times ?? 1); i++) {
        await agent.keyboard.press(step.press, { delay: Math.min(delay, 30) });
        if (delay > 0) await agent.waitForTimeout(delay);
      }
  }
  await drained();
}

const SCRIPTS: Record<'r-name' | 'v-city' | 'v-notes', KeyStep[]> = {
  'r-name': [
    { press: 'Control+A' },
    { type: 'Zoë Ångström-Nuñez' },
    { press: 'Backspace', times: 2 },
    { type: 'ez' },
    { press: 'Home' },
    { type: 'Ms ' },
    { press: 'End' },
  ],
  'v-city': [
    { press: 'Control+A' },
    { type: 'São Paulo, Kraków' },
    { press: 'Shift+ArrowLeft', times: 6 },
    { type: 'Łódź' },
    { type: ' 東京' },
  ],
  'v-notes': [
    { press: 'Control+A' },
    { type: 'Café crème ☕\nRing twice — merci' },
    { press: 'Backspace' },
    { type: 'I' },
  ],
};

describe('remote typing into React and Vue controlled inputs', () => {
  for (const delay of [0, 20, 60]) {
    it(`${delay} ms per key: the app's state and the field hold exactly what the agent typed`, async () => {
      for (const [id, steps] of Object.entries(SCRIPTS)) {
        await typeSteps(id, steps, delay);
        const expected = expectedValue(steps, '', id === 'v-notes');
        expect(await customerState(id), `${id} at ${delay} ms`).toEqual({ state: expected, field: expected });
        await expect.poll(async () => (await mirrorElement(agent, `#${id}`))?.value).toBe(expected);
      }
    }, 120_000);
  }

  it('an upper-casing field, emoji and a held key that repeats', async () => {
    await typeSteps('r-code', [{ press: 'Control+A' }, { type: 'summer-' }], 20);
    // A held key: keydown repeats (repeat: true) before its keyup, each repeat types a character.
    for (let i = 0; i < 8; i++) await agent.keyboard.down('x');
    await agent.keyboard.up('x');
    await agent.keyboard.type('😀🎉', { delay: 20 });
    await drained();
    expect(await customerState('r-code')).toEqual({ state: 'SUMMER-XXXXXXXX😀🎉', field: 'SUMMER-XXXXXXXX😀🎉' });
  }, 60_000);

  it('the customer types into another field while the agent types: each text lands whole in its own field', async () => {
    await (await mirrorFrame(agent)).locator('#r-name').click();
    await agent.keyboard.press('Control+A');
    await agent.keyboard.press('Backspace');
    await drained();
    await customer.locator('#v-city').click();
    await customer.keyboard.press('Control+A');
    await customer.keyboard.press('Backspace');
    // Both at once, at a person's pace: the agent in the React field, the customer in the Vue field.
    const agentText = 'Dana from support';
    const customerText = 'Lisbon';
    await Promise.all([
      agent.keyboard.type(agentText, { delay: 45 }),
      customer.keyboard.type(customerText, { delay: 70 }),
    ]);
    await drained();
    expect(await customerState('v-city')).toEqual({ state: customerText, field: customerText });
    expect(await customerState('r-name')).toEqual({ state: agentText, field: agentText });
  }, 60_000);

  it('a field the page formats as it is typed (a phone number): the digits land in order', async () => {
    for (const delay of [60, 20, 0]) {
      await typeSteps('r-phone', [{ press: 'Control+A' }, { press: 'Backspace' }, { type: '5551234567' }], delay);
      expect(await customerState('r-phone'), `${delay} ms per key`).toEqual({
        state: '(555) 123-4567',
        field: '(555) 123-4567',
      });
      // A correction at the end, and one in the middle after moving the caret (its position is the agent's copy's).
      await typeSteps('r-phone', [{ press: 'Backspace', times: 2 }, { type: '89' }], delay);
      expect((await customerState('r-phone')).state, `${delay} ms per key`).toBe('(555) 123-4589');
      await typeSteps('r-phone', [{ press: 'ArrowLeft', times: 4 }, { press: 'Backspace' }, { type: '7' }], delay);
      expect((await customerState('r-phone')).state, `${delay} ms per key`).toBe('(555) 127-4589');
    }
  }, 60_000);

  it('a field inside an open shadow root (a design-system component)', async () => {
    const frame = await mirrorFrame(agent);
    await frame.locator('#s-gift').locator('#inner').click();
    // Characters typed as text (insertText: 'ë', 'Ç', 'ñ') as well as keys: the mirror took the shadow field for
    // no editing focus and applied the customer's selection frames under the agent's caret, so text typed as text
    // replaced what that selection covered ('Hë! Ça va…' in 2 runs of 7 before the fix, 0 of 9 after).
    const steps: KeyStep[] = [
      { press: 'Control+A' },
      { type: 'Happy birthday, Zoë! Ça va, señor Müller? À bientôt' },
      { press: 'Backspace' },
      { type: ' x' },
    ];
    for (const step of steps) {
      if ('type' in step) await agent.keyboard.type(step.type, { delay: 25 });
      else await agent.keyboard.press(step.press);
    }
    await drained();
    const held = await customer.evaluate(() => ({
      state: (window as unknown as { __state: Record<string, string> }).__state['s-gift'],
      field: (document.getElementById('s-gift')?.shadowRoot?.getElementById('inner') as HTMLInputElement | null)?.value,
    }));
    expect(held).toEqual({
      state: 'Happy birthday, Zoë! Ça va, señor Müller? À bientô x',
      field: 'Happy birthday, Zoë! Ça va, señor Müller? À bientô x',
    });
  }, 60_000);

  it('control: a React field that drops every fourth change is caught by the oracle', async () => {
    const steps: KeyStep[] = [{ press: 'Control+A' }, { type: 'abcdefgh' }];
    await typeSteps('r-lossy', steps, 20);
    const expected = expectedValue(steps, '', false);
    const held = await customerState('r-lossy');
    expect(held.state).not.toBe(expected);
    expect(held.state.length).toBeLessThan(expected.length);
  }, 60_000);
});
