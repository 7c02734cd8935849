/**
 * The remote navigation rule (client/session/navigation-guard.ts): http(s)
 * only, the page's own origin or an integrator-listed one. Every case here
 * fails if the guard is removed or reduced to the old origin comparison.
 */
import { describe, expect, it } from 'vitest';
import { allowedOrigins, checkNavigation } from '../../client/session/navigation-guard.js';

const HERE = 'https://shop.example/checkout?step=2';
const none = allowedOrigins([]);

describe('remote navigation guard', () => {
  it('follows paths and addresses on the page’s own origin', () => {
    for (const to of [
      '/shipping',
      'shipping',
      '?step=3',
      '#top',
      'https://shop.example/cart',
      'HTTPS://SHOP.EXAMPLE/cart',
    ]) {
      const verdict = checkNavigation(to, HERE, none);
      expect(verdict.ok, to).toBe(true);
      if (verdict.ok) expect(verdict.url.origin).toBe('https://shop.example');
    }
  });

  it('refuses every scheme but http and https, however it is written', () => {
    const schemes = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0000javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'blob:https://shop.example/1d5e',
      'file:///etc/passwd',
      'about:blank',
      'ftp://shop.example/file',
      'mailto:a@b.example',
      'chrome://settings',
    ];
    for (const to of schemes)
      expect(checkNavigation(to, HERE, none), JSON.stringify(to)).toEqual({ ok: false, reason: 'scheme' });
  });

  it('refuses other origins, including ones that look like paths', () => {
    for (const to of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example/x',
      'http://shop.example/',
      'https://shop.example:8443/',
      'https://sub.shop.example/',
      'http:evil.example',
    ]) {
      const verdict = checkNavigation(to, HERE, none);
      expect(verdict.ok, to).toBe(false);
      if (!verdict.ok) expect(verdict.reason, to).toBe('cross-origin');
    }
  });

  it('refuses credentials in the address and addresses that do not parse', () => {
    expect(checkNavigation('https://user:pw@shop.example/', HERE, none)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkNavigation('https://[::1', HERE, none)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('follows the integrator’s allowlist exactly: origin with port, no subdomains, never another scheme', () => {
    const allowed = allowedOrigins([
      'https://help.example',
      'http://127.0.0.1:8080/ignored/path',
      'javascript:alert(1)',
      'not a url',
      'data:text/html,x',
    ]);
    expect([...allowed].sort()).toEqual(['http://127.0.0.1:8080', 'https://help.example']);
    expect(checkNavigation('https://help.example/faq', HERE, allowed).ok).toBe(true);
    expect(checkNavigation('http://127.0.0.1:8080/x', HERE, allowed).ok).toBe(true);
    expect(checkNavigation('http://127.0.0.1:8081/x', HERE, allowed)).toEqual({ ok: false, reason: 'cross-origin' });
    expect(checkNavigation('https://www.help.example/', HERE, allowed)).toEqual({ ok: false, reason: 'cross-origin' });
    expect(checkNavigation('http://help.example/', HERE, allowed)).toEqual({ ok: false, reason: 'cross-origin' });
    expect(checkNavigation('javascript:alert(1)', HERE, allowed)).toEqual({ ok: false, reason: 'scheme' });
  });
});
