/**
 * The session bundle is fetched and evaluated while the consent prompt shows
 * (client/session-preload.ts), so Allow does not wait for it. Evaluating it
 * must do nothing the customer has not agreed to: from the page's load to the
 * Allow click, with the bundle evaluated, the page opens no connection but
 * the consent socket (which sends only its hello and the consent-shown
 * event), creates no peer connection, observer or worker, makes no request
 * but the bundle itself, writes no storage, patches no global or prototype
 * and changes nothing in the page's DOM. That holds with the capture
 * warm-up (client/capture/warm-up.ts) run to its end: it walks a made-up
 * detached document in idle slices and fetches nothing it names. A control
 * shows the watcher sees each kind of effect.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fileHarness, newSession, offer } from './helpers/harness.js';

/**
 * Runs before the page's scripts (so the loader's pristine copies are these
 * wrappers too): notes every effect of the kinds above in window.__effects.
 */
const WATCH_EFFECTS = `(() => {
  const effects = [];
  window.__effects = effects;
  const note = (what) => effects.push(what);
  for (const name of ['WebSocket', 'RTCPeerConnection', 'MutationObserver', 'ResizeObserver',
    'IntersectionObserver', 'PerformanceObserver', 'Worker', 'SharedWorker', 'EventSource', 'BroadcastChannel']) {
    const Native = window[name];
    if (typeof Native !== 'function') continue;
    window[name] = new Proxy(Native, {
      construct(target, args, newTarget) {
        note(name === 'WebSocket' || name === 'Worker' ? name + ' ' + String(args[0]) : name);
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  const wrapMethod = (owner, key, label, describe = () => '') => {
    const original = owner[key];
    owner[key] = function (...args) {
      note(label + describe(...args));
      return original.apply(this, args);
    };
  };
  wrapMethod(window, 'fetch', 'fetch ', (input) => String(input && input.url ? input.url : input));
  wrapMethod(XMLHttpRequest.prototype, 'open', 'xhr ', (_method, url) => String(url));
  wrapMethod(Navigator.prototype, 'sendBeacon', 'beacon ', (url) => String(url));
  wrapMethod(WebSocket.prototype, 'send', 'socket send ', (data) => String(data));
  wrapMethod(RTCDataChannel.prototype, 'send', 'channel send');
  wrapMethod(Storage.prototype, 'setItem', 'storage ', (key) => String(key));
  wrapMethod(window, 'postMessage', 'postMessage');
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    ...cookie,
    set(value) { note('cookie'); cookie.set.call(this, value); },
  });
  // Idle callbacks requested and run: the capture warm-up's slices (client/capture/warm-up.ts).
  window.__idle = { requested: 0, ran: 0 };
  const requestIdle = window.requestIdleCallback;
  window.requestIdleCallback = function (callback, options) {
    window.__idle.requested++;
    return requestIdle.call(this, (deadline) => {
      window.__idle.ran++;
      callback(deadline);
    }, options);
  };
  // The page's DOM (our element's shadow root is not part of it).
  window.__domChanges = 0;
  new MutationObserver((records) => { window.__domChanges += records.length; })
    .observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const watched = () => [
    ['window', window], ['EventTarget', EventTarget.prototype], ['Node', Node.prototype],
    ['Element', Element.prototype], ['HTMLElement', HTMLElement.prototype], ['Document', Document.prototype],
    ['History', History.prototype], ['ShadowRoot', ShadowRoot.prototype], ['CSSStyleSheet', CSSStyleSheet.prototype],
    ['HTMLInputElement', HTMLInputElement.prototype], ['HTMLCanvasElement', HTMLCanvasElement.prototype],
    ['Promise', Promise.prototype], ['JSON', JSON],
  ];
  /** Every own property of the watched objects, by its value or accessors (identity). */
  window.__globalsNow = () => {
    const out = new Map();
    for (const [name, object] of watched())
      for (const key of Reflect.ownKeys(object)) {
        const d = Object.getOwnPropertyDescriptor(object, key);
        if (d) out.set(name + '.' + String(key), [d.value, d.get, d.set]);
      }
    return out;
  };
  window.__globalsChangedSince = (before) => {
    const now = window.__globalsNow();
    const changed = [];
    for (const [key, parts] of now) {
      const old = before.get(key);
      if (!old || old.some((part, i) => !Object.is(part, parts[i]))) changed.push(key);
    }
    for (const key of before.keys()) if (!now.has(key)) changed.push(key);
    return changed;
  };
})();`;

interface Effects {
  effects: string[];
  domChanges: number;
  globalsChanged: string[];
}

/** Takes the baseline: every effect after this call counts. */
async function startWatching(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __effects: string[]; __since: number; __baseline: unknown; __domBase: number };
    const g = window as unknown as { __globalsNow(): unknown; __domChanges: number };
    w.__since = w.__effects.length;
    w.__baseline = g.__globalsNow();
    w.__domBase = g.__domChanges;
  });
}

async function effectsSinceBaseline(page: Page): Promise<Effects> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __effects: string[];
      __since: number;
      __baseline: unknown;
      __domBase: number;
      __domChanges: number;
      __globalsChangedSince(before: unknown): string[];
    };
    return {
      effects: w.__effects.slice(w.__since),
      domChanges: w.__domChanges - w.__domBase,
      globalsChanged: w.__globalsChangedSince(w.__baseline),
    };
  });
}

/** The watcher's own globals (set by this test) are not effects of our code. */
const WATCHER_GLOBALS = new Set(
  [
    '__idle',
    '__effects',
    '__since',
    '__baseline',
    '__domBase',
    '__domChanges',
    '__globalsNow',
    '__globalsChangedSince',
  ].map((name) => `window.${name}`),
);
function ownGlobals(changed: string[]): string[] {
  return changed.filter((key) => !WATCHER_GLOBALS.has(key));
}

const harness = fileHarness();

describe('the session bundle evaluated before consent', () => {
  it('is evaluated while the prompt shows, and until Allow nothing but the consent socket happens', async () => {
    const session = await newSession(harness, { agentName: 'Dana' });
    const customer = await harness.customerBrowser.newPage();
    await customer.addInitScript(WATCH_EFFECTS);
    await customer.goto(`${harness.shop.url}/checkout`);
    await customer.waitForFunction(() => customElements.get('cobrowse-session') !== undefined);
    await startWatching(customer);

    await offer(customer, session.inviteCode);
    await customer.getByRole('button', { name: 'Allow sharing' }).waitFor();
    // The bundle was evaluated while the prompt shows (its mark), before any Allow.
    await customer.waitForFunction(() => performance.getEntriesByName('cobrowse:session-evaluated').length === 1);
    // And the capture warm-up ran to its end in idle slices: every idle callback it asked for has run, and it
    // asks for the next one in the microtasks of the last, so between tasks no request pending means it is over.
    await customer.waitForFunction(() => {
      const idle = (window as unknown as { __idle: { requested: number; ran: number } }).__idle;
      return idle.requested >= 10 && idle.ran === idle.requested;
    });
    expect(await customer.evaluate(() => performance.getEntriesByName('cobrowse:allow').length)).toBe(0);

    const seen = await effectsSinceBaseline(customer);
    const serverWs = harness.server.baseUrl.replace(/^http/, 'ws');
    const expected = (effect: string): boolean =>
      effect.startsWith(`WebSocket ${serverWs}/`) ||
      effect.startsWith('socket send {"t":"hello",') ||
      effect === 'socket send {"t":"event","event":{"kind":"consent-shown"}}';
    expect(seen.effects.filter((effect) => !expected(effect))).toEqual([]);
    expect(seen.effects.filter((effect) => effect.startsWith('WebSocket '))).toHaveLength(1);
    expect(seen.domChanges).toBe(0);
    expect(ownGlobals(seen.globalsChanged)).toEqual([]);
    // The warm-up's made-up page names images and links under /img/ and /item/: nothing of it is fetched.
    const madeUpRequests = (): Promise<string[]> =>
      customer.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((entry) => entry.name)
          .filter((name) => /\/(img|item)\//.test(name)),
      );
    expect(await madeUpRequests()).toEqual([]);

    // Control: each kind of effect the bundle must not have is seen by the watcher.
    await customer.evaluate((ws) => {
      new MutationObserver(() => undefined).observe(document.body, { childList: true });
      new RTCPeerConnection({ iceServers: [] }).close();
      new WebSocket(`${ws}/ws`).close();
      sessionStorage.setItem('cobrowse-control', '1');
      void fetch('/control').catch(() => undefined);
      document.body.append(document.createElement('i'));
      new Image().src = '/img/control.png';
      (Element.prototype as unknown as { controlPatch: number }).controlPatch = 1;
    }, serverWs);
    const control = await effectsSinceBaseline(customer);
    expect(control.effects.filter((effect) => !expected(effect))).toEqual(
      expect.arrayContaining(['MutationObserver', 'RTCPeerConnection', 'storage cobrowse-control']),
    );
    expect(control.effects.filter((effect) => effect.startsWith('WebSocket '))).toHaveLength(2);
    expect(control.effects.some((effect) => effect.startsWith('fetch ') && effect.endsWith('/control'))).toBe(true);
    expect(control.domChanges).toBeGreaterThan(0);
    expect(ownGlobals(control.globalsChanged)).toEqual(['Element.controlPatch']);
    await customer.waitForFunction(() =>
      performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/img/control.png')),
    );
    expect(await madeUpRequests()).toHaveLength(1);
    await customer.close();
  });
});
