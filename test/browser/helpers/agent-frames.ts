/**
 * The customer's page as hand-written DOM frames for the agent element tests:
 * a checkout form with a masked card field, tall enough to scroll. Every frame
 * is validated with channelMessage.parse (through mirror-frames' builders).
 */
import type { DomFrame } from '../../../shared/protocol.js';
import { NodeBuilder, mutationsFrame, parseFrame, snapshotFrame } from './mirror-frames.js';

export const PAGE_URL = 'https://shop.example/checkout?order=42#pay';
export const PAGE_TITLE = 'Checkout · Example Shop';
export const VIEWPORT = { w: 800, h: 600 };

/** Node ids of the parts of the page the tests aim at. */
export interface CheckoutIds {
  body: number;
  title: number;
  form: number;
  name: number;
  card: number;
  pay: number;
  far: number;
}

export interface CheckoutPage {
  ids: CheckoutIds;
  snapshot: DomFrame;
  /** The next free node id and seq, for frames after the snapshot. */
  nextId: number;
  nextSeq: number;
}

/** A snapshot of the checkout page: name field, masked card field, Pay button, a paragraph far down. */
export function checkoutPage(): CheckoutPage {
  const b = new NodeBuilder();
  const { head, body } = b.page();
  const style = b.el(head, 'style');
  b.text(
    style,
    `body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #f8fafc; height: 2000px; }
     main { padding: 24px 32px; }
     label { display: block; margin: 12px 0; }
     input { display: block; width: 320px; height: 32px; font-size: 16px; padding: 2px 8px; }
     button { width: 160px; height: 40px; font-size: 16px; }
     #far { position: absolute; top: 1200px; left: 32px; width: 300px; height: 40px; margin: 0; background: #fde68a; }`,
  );
  const main = b.el(body, 'main');
  const title = b.el(main, 'h1', { id: 'title' });
  b.text(title, 'Checkout');
  const form = b.el(main, 'form', { id: 'checkout', action: 'https://shop.example/pay', method: 'post' });
  const nameLabel = b.el(form, 'label');
  b.text(nameLabel, 'Name');
  const name = b.el(nameLabel, 'input', { id: 'name', name: 'name', type: 'text' }, { value: 'Ada' });
  const cardLabel = b.el(form, 'label');
  b.text(cardLabel, 'Card number');
  const card = b.el(
    cardLabel,
    'input',
    { id: 'card', name: 'card', autocomplete: 'cc-number' },
    { value: '•••• •••• •••• ••••', masked: true },
  );
  const pay = b.el(form, 'button', { id: 'pay', type: 'submit' });
  b.text(pay, 'Pay now');
  const far = b.el(body, 'p', { id: 'far' });
  b.text(far, 'Far down the page');
  const snapshot = snapshotFrame(b.nodes, {
    seq: 0,
    url: PAGE_URL,
    title: PAGE_TITLE,
    viewportWidth: VIEWPORT.w,
    viewportHeight: VIEWPORT.h,
  });
  return { ids: { body, title, form, name, card, pay, far }, snapshot, nextId: b.nextId, nextSeq: 1 };
}

/** Mutations after the snapshot: a status line appears under the form and the heading changes. */
export function checkoutMutations(page: CheckoutPage): DomFrame {
  const status = page.nextId;
  return mutationsFrame(page.nextSeq, {
    adds: [
      { kind: 'el', id: status, parent: page.ids.form, next: null, tag: 'p', attributes: { id: 'status' } },
      { kind: 'text', id: status + 1, parent: status, next: null, text: 'Address saved' },
    ],
    texts: [{ id: page.ids.title + 1, text: 'Checkout: review' }],
  });
}

/** The customer scrolled the window to (x, y). */
export function windowScroll(seq: number, x: number, y: number): DomFrame {
  return parseFrame({ t: 'scroll', seq, id: 0, x, y });
}
