/** Which catalog the element speaks: its `lang` attribute, else the page's, else the browser's; English if none is supported. */
import { LANGUAGES, type Language } from './catalog.js';

function supported(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : null;
}

export function chooseLanguage(
  elementLang: string,
  pageLang: string | null,
  browserLangs: readonly string[],
): Language {
  return supported(elementLang) ?? supported(pageLang) ?? browserLangs.map(supported).find((l) => l !== null) ?? 'en';
}
