/**
 * Which attributes hold fetched URLs (shared/asset-urls.ts), for names the
 * page chooses freely: Object.prototype's member names are attribute names
 * like any other (`<img constructor>`), not table entries. On the old object
 * table `constructor` and `__proto__` made both functions throw.
 */
import { describe, expect, it } from 'vitest';
import { isFetchedUrlAttribute, isSentUrlAttribute } from '../../shared/asset-urls.js';

describe('asset URL attributes', () => {
  it('answers no, without throwing, for attribute names that are Object.prototype members', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      for (const tag of ['img', 'link', 'div']) {
        expect(isFetchedUrlAttribute(tag, name), `${tag} ${name}`).toBe(false);
        expect(isSentUrlAttribute(tag, name), `${tag} ${name}`).toBe(false);
      }
    }
  });

  it('still knows the fetched ones, in any case, and leaves documents unsent', () => {
    expect(isFetchedUrlAttribute('img', 'src')).toBe(true);
    expect(isFetchedUrlAttribute('IMG', 'SRC')).toBe(true);
    expect(isFetchedUrlAttribute('a', 'href')).toBe(false);
    expect(isFetchedUrlAttribute('object', 'data')).toBe(true);
    expect(isSentUrlAttribute('object', 'data')).toBe(false);
    expect(isSentUrlAttribute('video', 'poster')).toBe(true);
  });
});
