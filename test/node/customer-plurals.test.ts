/**
 * Plurals and names in the customer catalogs: each language's own plural
 * rules (Arabic's six forms, French 0 as singular, Japanese one form) and
 * digits. Expected sentences are written out here, not derived from the
 * catalogs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalog as ar } from '../../client/i18n/ar.js';
import { en } from '../../client/i18n/en.js';
import { catalog as fr } from '../../client/i18n/fr.js';
import { catalog as ja } from '../../client/i18n/ja.js';
import { catalog as pt } from '../../client/i18n/pt.js';

describe('customer catalog plurals', () => {
  it('English: one and other', () => {
    expect(en.hiddenCount(1, 'Dana')).toBe('1 area is hidden from Dana');
    expect(en.hiddenCount(3, 'Dana')).toBe('3 areas are hidden from Dana');
    expect(en.hiddenCount(1200, '')).toBe('1,200 areas are hidden from support');
  });

  it('French: zero takes the singular', () => {
    expect(fr.hiddenCount(0, 'Dana')).toBe('0 zone est masquée pour Dana');
    expect(fr.hiddenCount(1, 'Dana')).toBe('1 zone est masquée pour Dana');
    expect(fr.hiddenCount(2, 'Dana')).toBe('2 zones sont masquées pour Dana');
  });

  it('Arabic: six forms, digits as CLDR writes them for ar', () => {
    const forms = [0, 1, 2, 3, 11, 100].map((n) => ar.hiddenCount(n, 'Dana'));
    expect(forms[0]).toBe('لا توجد مناطق مخفية عن Dana');
    expect(forms[1]).toBe('منطقة واحدة مخفية عن Dana');
    expect(forms[2]).toBe('منطقتان مخفيتان عن Dana');
    expect(forms[3]).toBe('3 مناطق مخفية عن Dana');
    expect(forms[4]).toBe('11 منطقة مخفية عن Dana');
    expect(forms[5]).toBe('100 منطقة مخفية عن Dana');
  });

  it('Japanese: one form for every count', () => {
    expect(ja.hiddenCount(1, 'Dana')).toBe('1か所がDanaさんには非表示です');
    expect(ja.hiddenCount(5, 'Dana')).toBe('5か所がDanaさんには非表示です');
  });

  it('names are placed by each language, and the guidance says who did what', () => {
    expect(en.highlighted('Dana', 'Postcode')).toBe('Dana highlighted: Postcode');
    expect(fr.pointingAt('Dana', 'Payer')).toBe('Dana montre : Payer');
    expect(ja.highlighted('Dana', '郵便番号')).toBe('Danaさんが強調表示しました: 郵便番号');
    expect(ar.pointingAt('Dana', 'ادفع')).toBe('يشير Dana إلى: ادفع');
  });

  describe('Intl objects', () => {
    afterEach(() => vi.restoreAllMocks());

    /** Counts the Intl objects made from now on, as "rules <lang>" and "digits <lang>". */
    function countIntl(): string[] {
      const made: string[] = [];
      const Rules = Intl.PluralRules;
      const Digits = Intl.NumberFormat;
      vi.spyOn(Intl, 'PluralRules').mockImplementation(function (this: unknown, ...args) {
        made.push(`rules ${String(args[0])}`);
        return new Rules(...args);
      } as typeof Intl.PluralRules);
      vi.spyOn(Intl, 'NumberFormat').mockImplementation(function (this: unknown, ...args) {
        made.push(`digits ${String(args[0])}`);
        return new Digits(...args);
      } as typeof Intl.NumberFormat);
      return made;
    }

    it('are made ahead when a catalog loads (the prompt shows), not at its first sentence mid-snapshot', async () => {
      const made = countIntl();
      vi.resetModules();
      const { catalog: de } = await import('../../client/i18n/de.js');
      expect(made, 'while importing').toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(made, 'once idle').toEqual(['rules de', 'digits de']);
      expect(de.hiddenCount(2, 'Dana')).toContain('2');
      expect(made, 'the first sentence makes none').toHaveLength(2);
    });

    it('are made once per language, not on every sentence (each render of the indicator makes one)', () => {
      const made = countIntl();
      // Portuguese: no test above used it; its catalog may have made the pair already (warmPlurals, on a timer here).
      const sentences = Array.from({ length: 50 }, (_, n) => pt.hiddenCount(n, 'Dana'));
      expect(made.length, made.join()).toBeLessThanOrEqual(2);
      expect(new Set(made).size).toBe(made.length);
      // The sentences are still right (control: the counting wrappers do not change them).
      expect(sentences[1]).toBe(pt.hiddenCount(1, 'Dana'));
      expect(sentences[12]).toContain('12');
    });
  });
});
