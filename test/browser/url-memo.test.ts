/**
 * The URL memo (client/capture/url-memo.ts) gives, for every call, the value the rewriting and
 * masking give without it: random sequences of attribute names, values (repeated, relative and
 * absolute, with card numbers, fragments, schemes, spaces) and bases (a <base> may change between
 * slices). The oracle computes each value afresh; its control, an oracle that keeps the first
 * base, must disagree on the same sequences.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { maskAttributeByDecision } from '../../client/capture/mask.js';
import { MAX_ATTR_VALUE, clip } from '../../client/capture/record-limits.js';
import { UrlMemo } from '../../client/capture/url-memo.js';
import { URL_ATTRIBUTES, absoluteAttributeValue } from '../../client/capture/urls.js';

const NAMES = [...URL_ATTRIBUTES, 'data', 'class', 'srcset', 'style'];
const VALUES = [
  '/',
  '/img.svg',
  '/c/4',
  'product/4111111111111111',
  '/pay?card=4111 1111 1111 1111',
  '#s12',
  ' /spaced ',
  'https://cdn.example.com/a/123456789.png',
  'javascript:void(0)',
  'data:image/png;base64,AAAA',
  '',
  '../up/../x?q=5555-5555-5555-4444',
  'ünï/cödé',
];
const BASES = ['https://shop.example.com/checkout/', 'https://shop.example.com:8443/a/b/c', 'http://127.0.0.1:40123/x'];

const call = fc.record({
  tag: fc.constantFrom('a', 'img', 'form', 'object', 'link'),
  name: fc.constantFrom(...NAMES),
  value: fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 12 })),
  base: fc.constantFrom(...BASES),
});

type Call = { tag: string; name: string; value: string; base: string };

/** What goes out of a clear, non-strict element, computed afresh. */
function fresh({ tag, name, value, base }: Call): string {
  return clip(
    maskAttributeByDecision('clear', name, absoluteAttributeValue(tag, name, value, base), false).value,
    MAX_ATTR_VALUE,
  );
}

describe('url memo', () => {
  it('gives what rewriting and masking give, call after call', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), (calls) => {
        const memo = new UrlMemo();
        for (const c of calls)
          if (memo.covers(c.name)) expect(memo.clearValue(c.tag, c.name, c.value, c.base)).to.equal(fresh(c));
      }),
      { numRuns: 300 },
    );
  });

  it('covers only the attributes whose whole value is one URL on any tag', () => {
    const memo = new UrlMemo();
    expect(memo.covers('href')).to.equal(true);
    expect(memo.covers('src')).to.equal(true);
    for (const name of ['data', 'srcset', 'style', 'class', 'HREF']) expect(memo.covers(name), name).to.equal(false);
  });

  it('control: an oracle that keeps the first base disagrees', () => {
    let disagreed = false;
    fc.assert(
      fc.property(fc.array(call, { minLength: 2, maxLength: 60 }), (calls) => {
        const memo = new UrlMemo();
        const firstBase = calls[0]?.base ?? '';
        for (const c of calls)
          if (
            memo.covers(c.name) &&
            memo.clearValue(c.tag, c.name, c.value, c.base) !== fresh({ ...c, base: firstBase })
          )
            disagreed = true;
      }),
      { numRuns: 100 },
    );
    expect(disagreed).to.equal(true);
  });
});
