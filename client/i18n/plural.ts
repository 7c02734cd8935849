/**
 * Plurals by the language's own rules (Intl.PluralRules: Arabic has six
 * forms, Japanese one) and numbers in its own digits (Intl.NumberFormat).
 * `{n}` in a form stands for the formatted number.
 */
export type PluralForms = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;

export function plural(lang: string, n: number, forms: PluralForms): string {
  const form = forms[new Intl.PluralRules(lang).select(n)] ?? forms.other;
  return form.replaceAll('{n}', new Intl.NumberFormat(lang).format(n));
}
