/**
 * Plurals by the language's own rules (Intl.PluralRules: Arabic has six
 * forms, Japanese one) and numbers in its own digits (Intl.NumberFormat).
 * `{n}` in a form stands for the formatted number.
 */
export type PluralForms = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

/** One pair per language (the catalogs' own, a handful), made once. */
const intlByLang = new Map<string, [Intl.PluralRules, Intl.NumberFormat]>();

function intlFor(lang: string): [Intl.PluralRules, Intl.NumberFormat] {
  let intl = intlByLang.get(lang);
  if (!intl) intlByLang.set(lang, (intl = [new Intl.PluralRules(lang), new Intl.NumberFormat(lang)]));
  return intl;
}

export function plural(lang: string, n: number, forms: PluralForms): string {
  const [rules, digits] = intlFor(lang);
  return (forms[rules.select(n)] ?? forms.other).replaceAll('{n}', digits.format(n));
}

/**
 * Makes the language's pair when the page is idle, as its catalog loads (the
 * prompt is showing): a page's first Intl.NumberFormat takes 11-27 ms
 * (Chromium 150, measured), which otherwise fell on the indicator's first
 * "N areas are hidden", in the middle of the first snapshot (28 ms of
 * `plural` self time in a CPU profile of bench/allow.mjs).
 */
export function warmPlurals(lang: string): void {
  (globalThis.requestIdleCallback ?? setTimeout)(() => intlFor(lang));
}
