/**
 * The SDK's DOM-free page model on hand-written frames (every one parsed with
 * the protocol's own schema first, as the channel does): ordering and resync
 * as the mirror does it, and the labels, values and visibility it derives.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { channelMessage, isDomFrame, type DomFrame } from '../../shared/protocol.js';
import { PageModel } from '../../sdk/page-model.js';
import { PageView } from '../../sdk/page-view.js';

function frame(value: unknown): DomFrame {
  const message = z.parse(channelMessage, value);
  if (!isDomFrame(message)) throw new Error('not a DOM frame');
  return message;
}

const el = (
  id: number,
  p: number,
  tag: string,
  a: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) => ({ kind: 'el', id, parent: p, tag, attributes: a, ...extra });
const text = (id: number, p: number, x: string) => ({ kind: 'text', id, parent: p, text: x });

function snapshot(seq: number) {
  return frame({
    t: 'snapshot',
    seq,
    part: 0,
    final: true,
    url: 'https://shop.example/checkout',
    title: 'Checkout',
    viewportWidth: 800,
    viewportHeight: 600,
    devicePixelRatio: 1,
    scrollX: 0,
    scrollY: 0,
    nodes: [
      el(1, 0, 'html'),
      el(2, 1, 'body'),
      el(3, 2, 'h1'),
      text(4, 3, 'Checkout'),
      el(5, 2, 'label', { for: 'zip' }),
      text(6, 5, 'Postcode'),
      el(7, 2, 'input', { id: 'zip', name: 'zip' }, { value: 'AB1' }),
      el(8, 2, 'label'),
      text(9, 8, 'Card number '),
      el(10, 8, 'input', { name: 'card', autocomplete: 'cc-number' }, { value: '••••', masked: true }),
      el(11, 2, 'span', { id: 'hint' }),
      text(12, 11, 'Your phone'),
      el(13, 2, 'input', { name: 'phone', 'aria-labelledby': 'hint' }),
      el(14, 2, 'input', { name: 'promo', 'aria-label': 'Promo code', style: 'display: none' }),
      el(15, 2, 'a', { href: 'https://shop.example/help' }),
      text(16, 15, 'Help'),
    ],
  });
}

describe('SDK page model', () => {
  it('derives labels, masked values, links, headings and visibility from a snapshot', () => {
    const model = new PageModel();
    expect(model.apply(snapshot(0))).toEqual({ status: 'applied', change: { kind: 'snapshot' } });
    const view = new PageView(model);
    expect(
      view.fields().map(({ name, label, value, masked, visible }) => ({ name, label, value, masked, visible })),
    ).toEqual([
      { name: 'zip', label: 'Postcode', value: 'AB1', masked: false, visible: true },
      { name: 'card', label: 'Card number', value: '••••', masked: true, visible: true },
      { name: 'phone', label: 'Your phone', value: '', masked: false, visible: true },
      { name: 'promo', label: 'Promo code', value: '', masked: false, visible: false },
    ]);
    expect(view.headings()).toEqual([{ id: 3, level: 1, text: 'Checkout' }]);
    expect(view.links()).toEqual([{ id: 15, text: 'Help', href: 'https://shop.example/help' }]);
    expect(view.getByText('Help').map((found) => found.id)).toEqual([15]);
    expect(view.getByRole('textbox', { name: 'phone' }).map((found) => found.id)).toEqual([13]);
  });

  it('applies mutations and input in order, asks for a resync on a gap and ignores frames until the next snapshot', () => {
    const model = new PageModel();
    const view = new PageView(model);
    model.apply(snapshot(0));
    model.apply(
      frame({
        t: 'mutations',
        seq: 1,
        removes: [16],
        adds: [text(17, 15, 'Support')],
        attrs: [{ id: 14, attributes: { style: null } }],
        texts: [],
      }),
    );
    model.apply(frame({ t: 'input', seq: 2, id: 7, value: 'CD2' }));
    expect(view.links()[0]?.text).toBe('Support');
    expect(view.field('Promo')?.visible).toBe(true);
    expect(view.field('Postcode')?.value).toBe('CD2');

    expect(model.apply(frame({ t: 'input', seq: 4, id: 7, value: 'lost' }))).toEqual({ status: 'resync', lastSeq: 2 });
    expect(model.apply(frame({ t: 'input', seq: 5, id: 7, value: 'later' }))).toEqual({ status: 'ignored' });
    expect(view.field('Postcode')?.value).toBe('CD2');
    expect(model.apply(snapshot(6)).status).toBe('applied');
    expect(model.apply(frame({ t: 'input', seq: 7, id: 7, value: 'EF3' })).status).toBe('applied');
    expect(view.field('Postcode')?.value).toBe('EF3');
  });

  it('asks for a resync when a frame names a node it does not have', () => {
    const model = new PageModel();
    model.apply(snapshot(0));
    expect(model.apply(frame({ t: 'input', seq: 1, id: 999, value: 'x' }))).toEqual({ status: 'resync', lastSeq: 0 });
  });
});
