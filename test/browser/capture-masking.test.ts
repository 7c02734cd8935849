import { expect } from '@open-wc/testing';
import { Packr } from 'msgpackr';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { MessageDecoder } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { capturePage, nextFrames, type TestPage } from './helpers/capture-page.js';
import { inflateStream } from '../../shared/inflate-stream.js';

const CARD = '4111 1111 1111 1111';
const SSN = '123-45-6789';
const PASSWORD = 'Hunter2-Secret!';
const SENTINELS = [CARD, SSN, PASSWORD];

/** Every 4+ character fragment of the sentinels, with and without separators. */
function forbiddenFragments(): string[] {
  const fragments = new Set<string>();
  for (const sentinel of [...SENTINELS, CARD.replace(/ /g, ''), SSN.replace(/-/g, '')]) {
    for (let i = 0; i + 4 <= sentinel.length; i++) {
      const fragment = sentinel.slice(i, i + 4);
      // "1111" and "111 " are the card's own digits, kept: they are what must not leak.
      if (fragment.trim().length === 4) fragments.add(fragment);
    }
  }
  return [...fragments];
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      strings(item, out);
    }
  }
  return out;
}

const PAGE = `<!DOCTYPE html><html><head><title>Checkout</title></head><body>
<form>
  <input id="pw" type="password" value="${PASSWORD}">
  <input id="cc" autocomplete="cc-number" value="${CARD}">
  <input id="ssn" name="ssn">
  <label for="card">Card number</label><input id="card">
  <input id="marked" data-cobrowse-mask>
  <input id="hidden" type="hidden" value="${PASSWORD}">
  <textarea id="ta" name="card_number">${CARD}</textarea>
  <select id="sel" name="ssn"><option>${SSN}</option><option value="${CARD}">other</option><option value="${PASSWORD}" selected>third</option></select>
</form>
<div id="blocked" data-cobrowse-block><p>${PASSWORD} ${CARD}</p><input value="${PASSWORD}"></div>
<div id="masked-div" data-cobrowse-mask><p>${PASSWORD}</p><span title="${PASSWORD}" data-x="${PASSWORD}">x</span></div>
<div id="ce" contenteditable="true"></div>
<div id="ce2" contenteditable="true" aria-label="Password"></div>
<p id="text">Your card ${CARD} and SSN ${SSN} are on file.</p>
<div id="attrs" data-card="${CARD}" title="SSN ${SSN}"></div>
<p id="later">plain</p>
<div id="host"></div>
<iframe id="frame" srcdoc="<input id=inner autocomplete=cc-number>"></iframe>
</body></html>`;

describe('capture: masking on the encoded bytes', () => {
  let page: TestPage | undefined;
  let engine: CaptureEngine | undefined;
  afterEach(() => {
    engine?.stop();
    page?.remove();
  });

  it('never lets a sentinel or a fragment of one out, typed, pasted or set by script', async () => {
    page = await capturePage(PAGE);
    const { doc, win } = page;
    const frameEl = doc.getElementById('frame') as HTMLIFrameElement;
    if (frameEl.contentDocument?.getElementById('inner') === null)
      await new Promise((r) => frameEl.addEventListener('load', r, { once: true }));
    const shadow = doc.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<input id="shadow-pw" type="password" value="${PASSWORD}">`;

    // Node lists' strings on their side streams from the first message (the product starts them after 8 KiB),
    // so the scan below reads what the decoder took from every stream.
    const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
    const packr = new Packr({ useRecords: true });
    const wire: Uint8Array[] = [];
    const rawTexts: string[] = [];
    const utf8 = new TextDecoder('utf-8', { fatal: false });
    engine = new CaptureEngine({
      window: win,
      send: (message: ChannelMessage) => {
        wire.push(encoder.encode(message));
        rawTexts.push(utf8.decode(packr.pack(message)));
        return true;
      },
    });
    await engine.start();

    const input = (el: Element, value: string): void => {
      (el as HTMLInputElement).value = value;
      el.dispatchEvent(
        new (el.ownerDocument.defaultView as Window & typeof globalThis).Event('input', {
          bubbles: true,
          composed: true,
        }),
      );
    };
    const typeInto = async (el: Element, value: string): Promise<void> => {
      (el as HTMLInputElement).value = '';
      for (let i = 1; i <= value.length; i++) {
        input(el, value.slice(0, i));
        await nextFrames(win, 1);
      }
    };
    const paste = (el: Element, value: string): void => {
      el.dispatchEvent(new win.Event('paste', { bubbles: true }));
      input(el, value);
    };

    const innerInput = frameEl.contentDocument!.getElementById('inner')!;
    const shadowInput = shadow.getElementById('shadow-pw')!;
    const fields = ['pw', 'cc', 'ssn', 'card', 'marked', 'ta'].map((id) => doc.getElementById(id)!);
    for (const field of [...fields, innerInput, shadowInput]) {
      await typeInto(field, PASSWORD);
      paste(field, CARD);
      await nextFrames(win, 1);
      paste(field, SSN);
      await nextFrames(win, 1);
      (field as HTMLInputElement).value = PASSWORD; // set by script: no event
      await nextFrames(win, 1);
      field.setAttribute('value', CARD);
      field.setAttribute('title', PASSWORD);
      field.setAttribute('data-card', PASSWORD);
      field.setAttribute('placeholder', SSN);
      await nextFrames(win, 1);
    }
    (doc.getElementById('sel') as HTMLSelectElement).selectedIndex = 1;
    doc.getElementById('sel')!.dispatchEvent(new win.Event('change'));
    (doc.getElementById('hidden') as HTMLInputElement).value = CARD;

    // contenteditable: typed text is DOM text; card and SSN are masked by pattern, the labelled one entirely.
    const ce = doc.getElementById('ce')!;
    ce.textContent = `card ${CARD}`;
    await nextFrames(win, 1);
    ce.append(doc.createTextNode(` ssn ${SSN}`));
    const ce2 = doc.getElementById('ce2')!;
    for (let i = 1; i <= PASSWORD.length; i++) {
      ce2.textContent = PASSWORD.slice(0, i);
      await nextFrames(win, 1);
    }
    // Script-made text, attributes and markers after the snapshot.
    doc.getElementById('later')!.textContent = `later ${CARD} / ${SSN}`;
    doc.getElementById('attrs')!.setAttribute('data-card', CARD);
    doc.getElementById('attrs')!.setAttribute('aria-label', `SSN ${SSN}`);
    const blocked = doc.getElementById('blocked')!;
    blocked.append(doc.createTextNode(PASSWORD));
    blocked.setAttribute('data-x', PASSWORD);
    const newlyMasked = doc.createElement('div');
    newlyMasked.textContent = 'plain for now';
    doc.body.append(newlyMasked);
    await nextFrames(win, 1);
    newlyMasked.setAttribute('data-cobrowse-mask', '');
    newlyMasked.firstChild!.textContent = PASSWORD;
    const added = doc.createElement('input');
    added.type = 'password';
    doc.body.append(added);
    added.value = PASSWORD;
    await nextFrames(win, 2);
    // And everything again in a fresh snapshot.
    await engine.resync();
    await nextFrames(win, 2);

    const decoder = new MessageDecoder({ inflater: inflateStream });
    const decoded: ChannelMessage[] = [];
    for (const bytes of wire) {
      const result = decoder.decode(bytes);
      expect(result.ok, JSON.stringify(result)).to.equal(true);
      if (result.ok) decoded.push(result.message);
    }
    expect(decoded.filter((m) => m.t === 'snapshot' && m.final)).to.have.length(2);
    // The snapshots' strings went on the side streams (and the decoder read them there).
    expect(wire.filter((bytes) => bytes[0] === 0xc1).length).to.be.greaterThan(1);
    expect(decoded.filter((m) => m.t === 'input').length).to.be.greaterThan(40);
    expect(decoded.filter((m) => m.t === 'input' && m.masked === true).length).to.be.greaterThan(40);

    const all = decoded.flatMap((m) => strings(m));
    const joined = all.join('\u0001');
    const digitsOnly = all.map((s) => s.replace(/[^0-9]/g, '')).join('|');
    for (const fragment of forbiddenFragments()) {
      expect(joined.includes(fragment), `fragment "${fragment}" in decoded frames`).to.equal(false);
      const digits = fragment.replace(/[^0-9]/g, '');
      if (digits.length >= 4)
        expect(digitsOnly.includes(digits), `digits "${digits}" in decoded frames`).to.equal(false);
    }
    // The capture did see these changes (so the absence above means masked, not missed).
    expect(joined).to.contain('plain for now');
    expect(joined).to.contain('later •••• •••• •••• •••• / •••-••-••••');
    expect(joined).to.contain('Card number');
    const raw = rawTexts.join('\u0001');
    for (const fragment of forbiddenFragments())
      expect(raw.includes(fragment), `fragment "${fragment}" in raw msgpack`).to.equal(false);

    // The page still works and the masked fields are visible as masked.
    expect((doc.getElementById('pw') as HTMLInputElement).value).to.equal(PASSWORD);
    const last = decoded.filter((m) => m.t === 'snapshot').flatMap((m) => (m.t === 'snapshot' ? m.nodes : []));
    const blockedRecord = last.find(
      (n) => n.kind === 'el' && n.attributes?.id === undefined && n.blocked !== undefined,
    );
    expect(blockedRecord).to.not.equal(undefined);
    expect(last.some((n) => n.kind === 'el' && n.tag === 'input' && n.masked === true)).to.equal(true);
  });
});
