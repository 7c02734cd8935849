/**
 * The rule-based support bot's policy on a page model built from
 * schema-parsed frames: where-questions find the labelled field, a request
 * for a person hands over, anything else gets a plain reply.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { channelMessage, isDomFrame, type DomFrame } from '../../shared/protocol.js';
import { RuleBasedPolicy } from '../../sdk/guidance.js';
import { PageModel } from '../../sdk/page-model.js';
import { PageView } from '../../sdk/page-view.js';

function frame(value: unknown): DomFrame {
  const message = z.parse(channelMessage, value);
  if (!isDomFrame(message)) throw new Error('not a DOM frame');
  return message;
}

const el = (id: number, p: number, tag: string, a: Record<string, string> = {}) => ({
  kind: 'el',
  id,
  parent: p,
  tag,
  attributes: a,
});
const text = (id: number, p: number, x: string) => ({ kind: 'text', id, parent: p, text: x });

function checkout(): PageView {
  const model = new PageModel();
  model.apply(
    frame({
      t: 'snapshot',
      seq: 0,
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
        el(3, 2, 'label', { for: 'name' }),
        text(4, 3, 'Full name'),
        el(5, 2, 'input', { id: 'name', name: 'name' }),
        el(6, 2, 'label', { for: 'postcode' }),
        text(7, 6, 'Postcode'),
        el(8, 2, 'input', { id: 'postcode', name: 'postcode' }),
        el(9, 2, 'label', { for: 'old' }),
        text(10, 9, 'Old postcode'),
        el(11, 2, 'input', { id: 'old', name: 'old', hidden: '' }),
        el(12, 2, 'label', { for: 'email' }),
        text(13, 12, 'Email'),
        el(14, 2, 'input', { id: 'email', name: 'email', type: 'email' }),
      ],
    }),
  );
  return new PageView(model);
}

describe('rule-based support bot policy', () => {
  const policy = new RuleBasedPolicy();

  it('finds the visible field a where-question asks about', () => {
    expect(policy.plan('Where do I put my postcode?', checkout())).toMatchObject({
      kind: 'highlight',
      targetId: 8,
      label: 'Postcode',
    });
    expect(policy.plan('where should I enter my e-mail', checkout())).toMatchObject({
      kind: 'highlight',
      targetId: 14,
    });
    expect(policy.plan('Which field is for my name?', checkout())).toMatchObject({ kind: 'highlight', targetId: 5 });
  });

  it('hands over on request, and otherwise answers without acting', () => {
    expect(policy.plan('Can I talk to a person please', checkout()).kind).toBe('hand-over');
    expect(policy.plan('Where do I put my passport number?', checkout()).kind).toBe('reply');
    expect(policy.plan('Hello', checkout()).kind).toBe('reply');
  });
});
