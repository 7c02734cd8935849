/**
 * Page bundle of bench/snapshot-same.ts: one snapshot with the tree's own capture engine and
 * packer (wire layout and msgpack, no deflate), as messages (structured clones) and packed bytes.
 * Slices without a time limit, so parts end only at the part size and two trees' parts line up.
 * With a seed, the page is first replaced by a random one built from it.
 */
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { MessagePacker } from '../../shared/codec.js';
import type { ChannelMessage } from '../../shared/protocol.js';

/** A deterministic PRNG (mulberry32): both trees build the same random page from one seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [
  'Card 4111 1111',
  ' 1111 1111',
  'SSN 078-05-1120',
  'total $12.50',
  'hello',
  '#12',
  '4111111111111111',
  ' ',
  'order 55 items',
];
const VALUES = ['4111 1111 1111 1111', 'Ada', '078-05-1120', '12', ''];
const HREFS = ['/', '/c/4', '#s1', 'https://example.com/4111111111111111', '/img.svg', 'javascript:void(0)'];

/**
 * Replaces the body with a random page from `seed`: nested elements, open shadow roots with slots and
 * their own styles, custom elements, scrolled boxes (in the page, in shadow trees, slotted), form fields
 * with numbers, masked and blocked regions, links and images, numbers split over text nodes.
 */
async function buildRandomPage(seed: number): Promise<void> {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const scrolled: Element[] = [];
  const grow = (parent: Element | ShadowRoot, depth: number): void => {
    const count = depth > 5 ? 0 : Math.floor(random() * 5);
    for (let i = 0; i < count; i++) {
      const roll = random();
      if (roll < 0.2) {
        parent.appendChild(document.createTextNode(pick(TEXTS)));
        continue;
      }
      const tag = pick(['div', 'span', 'p', 'a', 'img', 'input', 'textarea', 'section', 'x-card', 'label', 'ul', 'li']);
      const el = document.createElement(tag);
      if (tag === 'a') el.setAttribute('href', pick(HREFS));
      // Images from this site only, loaded or failed before the snapshot: a blocked image's box follows its load.
      if (tag === 'img') el.setAttribute('src', pick(['/img.svg', '/c/4', '#s1', '']));
      if (tag === 'input') {
        el.setAttribute('type', pick(['text', 'password', 'number', 'email']));
        el.setAttribute('value', pick(VALUES));
        if (random() < 0.3) el.setAttribute('name', pick(['card', 'cc-number', 'q', 'ssn']));
      }
      if (tag === 'textarea') el.textContent = pick(VALUES);
      const marker = random();
      if (marker < 0.06) el.setAttribute('data-cobrowse-mask', '');
      else if (marker < 0.1) el.setAttribute('data-cobrowse-block', '');
      if (random() < 0.3) el.className = pick(['a', 'b c', 'card c3', 'secure']);
      if (random() < 0.25) {
        el.setAttribute('style', 'overflow:auto;height:24px;display:block');
        scrolled.push(el);
      }
      parent.appendChild(el);
      if (tag !== 'input' && tag !== 'img' && tag !== 'textarea') {
        if (
          random() < 0.15 &&
          el.shadowRoot === null &&
          tag !== 'a' &&
          tag !== 'label' &&
          tag !== 'li' &&
          tag !== 'ul' &&
          tag !== 'p'
        ) {
          const shadow = el.attachShadow({ mode: 'open' });
          const style = document.createElement('style');
          // Boxes only the shadow tree's own sheet makes scrollers: one nested in the shadow tree, and a
          // light child of the host through ::slotted (the page's sheets know of neither).
          style.textContent =
            ':host { display: block } .s { overflow: auto; height: 20px } ::slotted(.t) { overflow: auto; height: 20px; display: block }';
          shadow.appendChild(style);
          grow(shadow, depth + 1);
          shadow.appendChild(document.createElement('slot'));
          const wrap = document.createElement('div');
          const box = document.createElement('div');
          box.className = 's';
          box.textContent = pick(TEXTS).repeat(20);
          wrap.appendChild(box);
          shadow.appendChild(wrap);
          scrolled.push(box);
          const slotted = document.createElement('div');
          slotted.className = 't';
          slotted.textContent = pick(TEXTS).repeat(20);
          el.appendChild(slotted);
          scrolled.push(slotted);
        }
        grow(el, depth + 1);
      }
    }
  };
  document.body.replaceChildren();
  const root = document.createElement('main');
  document.body.appendChild(root);
  for (let i = 0; i < 30; i++) grow(root, 0);
  await Promise.all(
    Array.from(document.images)
      .filter((img) => !img.complete)
      .map((img) => img.decode().catch(() => undefined)),
  );
  for (const el of scrolled) {
    el.appendChild(document.createTextNode(' filler '.repeat(40)));
    el.scrollTop = 5 + Math.floor(random() * 9);
    el.scrollLeft = Math.floor(random() * 3);
  }
}

/** `seed`: the page is first replaced by a random one (buildRandomPage). */
async function snapshot(seed?: number): Promise<{ messages: ChannelMessage[]; packed: string[] }> {
  if (seed !== undefined) await buildRandomPage(seed);
  // The two trees' bundles are served as rec=ours and rec=rrweb: the page's URL (sent) made alike.
  history.replaceState(null, '', location.href.replace('rec=rrweb', 'rec=ours'));
  const messages: ChannelMessage[] = [];
  const packed: string[] = [];
  const packer = new MessagePacker();
  const send = (message: ChannelMessage): boolean => {
    // Asset messages follow fetches that finish when they will: neither kept nor packed.
    if (message.t === 'asset' || message.t === 'asset-data') return true;
    messages.push(structuredClone(message));
    let text = '';
    for (const byte of packer.pack(message)) text += String.fromCharCode(byte);
    packed.push(btoa(text));
    return true;
  };
  const engine = new CaptureEngine({ window, send, sliceBudgetMs: 1e9 });
  await engine.start();
  engine.stop();
  return { messages, packed };
}

Object.assign(window, { __same: { snapshot } });
