/**
 * Page URLs as the audit keeps them (red team s11, F12): numbers are masked
 * in the host and port as in the path. Oracle: the digits a reader can still
 * see in the stored URL, against the secret's; controls: ordinary hosts,
 * ports and addresses stay as they are.
 */
import { describe, expect, it } from 'vitest';
import { auditablePageUrl } from '../../shared/page-privacy.js';

/** Longest run of the secret's digits, in order, readable in `text` (separators skipped). */
function readableDigits(secret: string, text: string): number {
  const digits = text.replace(/[^0-9]/g, '');
  let best = 0;
  for (let i = 0; i < secret.length; i += 1)
    for (let j = i + best + 1; j <= secret.length; j += 1) if (digits.includes(secret.slice(i, j))) best = j - i;
  return best;
}

describe('auditablePageUrl: host and port', () => {
  it.each([
    ['https://4111111111111111.cards.example/pay', '4111111111111111'],
    ['https://4111-1111-1111-1111.cards.example/', '4111111111111111'],
    ['https://123-45-6789.ssn.example/', '123456789'],
    ['https://pay.example/card/4111-1111/1111-1111', '4111111111111111'],
    ['https://user:4111111111111111@4111111111111111.example/', '4111111111111111'],
  ])('%s keeps at most 4 of the number readable', (url, secret) => {
    const kept = auditablePageUrl(url);
    expect(kept).not.toBeNull();
    expect(readableDigits(secret, kept!)).toBeLessThanOrEqual(4);
    expect(kept).not.toContain('user');
  });

  it.each([
    ['https://shop.example/cart', 'https://shop.example/cart'],
    ['https://shop.example:8443/cart?x=1#y', 'https://shop.example:8443/cart'],
    ['http://192.168.1.10:8080/admin', 'http://192.168.1.10:8080/admin'],
    ['https://www2.shop-24.example/p/2024/06', 'https://www2.shop-24.example/p/2024/06'],
    ['https://[2001:db8::1]:8443/x', 'https://[2001:db8::1]:8443/x'],
  ])('control: %s stays %s', (url, expected) => {
    expect(auditablePageUrl(url)).toBe(expected);
  });

  it('a port after a name with digits cannot end a number the name begins', () => {
    expect(auditablePageUrl('https://4111-1111-1111.example:1111/')).toBe('https://4111-1111-1111.example:••••/');
    expect(auditablePageUrl('https://www2.shop.example:8443/p')).toBe('https://www2.shop.example:••••/p');
  });

  it('control: the oracle sees a card in the host when nothing masks it', () => {
    expect(readableDigits('4111111111111111', 'https://4111111111111111.cards.example/pay')).toBe(16);
  });
});
