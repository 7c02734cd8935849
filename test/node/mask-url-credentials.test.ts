/**
 * A URL's user name and password (`https://agent-user:Hunter2@host/…`) never go out: attributes (src, srcset,
 * href, data-*), a style attribute and the page's URL. Oracle: plain searches for the user name and password;
 * control: the input holds them.
 */
import { describe, expect, it } from 'vitest';
import { maskAttributeByDecision, maskPageUrl } from '../../client/capture/mask.js';

const CREDS = 'https://agent-user:Hunter2@shop.example';

describe("a URL's user name and password", () => {
  it.each([
    ['src', `${CREDS}/img/a.png`],
    ['srcset', `${CREDS}/img/a.png 1x, ${CREDS}/img/a@2x.png 2x`],
    ['href', `${CREDS}/account?x=1`],
    ['data-url', `see ${CREDS}/y`],
    ['style', `background:url("${CREDS}/b.png")`],
  ])('are masked in %s, typing or not', (name, value) => {
    expect(value).toContain('Hunter2');
    for (const strict of [false, true]) {
      const out = maskAttributeByDecision('clear', name, value, strict, strict ? '12' : null);
      expect(out.value).not.toContain('Hunter2');
      expect(out.value).not.toContain('agent-user');
      expect(out.masked).toBe(true);
      expect(out.value).toContain('shop.example');
    }
  });

  it("are masked in the page's URL; a URL without them, or with an @ past its host, stays", () => {
    expect(maskPageUrl(`${CREDS}/checkout`)).toBe('https://••••••••••:•••••••@shop.example/checkout');
    for (const url of ['https://shop.example/u/@me', 'https://shop.example/x?mail=a@b.example', 'mailto:a@b.example'])
      expect(maskPageUrl(url)).toBe(url);
  });
});
