/**
 * Integrator wording: the consent title, an introduction, up to two bullet
 * points, the indicator and the control prompt, per language. Plain text
 * only (rendered as text, never parsed as HTML), whitespace collapsed,
 * control characters dropped, each field cut to its limit. The statements of
 * what is hidden and that sharing can be stopped at any time are not
 * overridable: applyWording() never touches them. `{agent}` stands for the
 * agent's name. Fetched by the loader only on pages that set wording.
 */
import type { Catalog } from './catalog.js';

export const WORDING_LIMITS = {
  consentTitle: 120,
  consentIntro: 400,
  bullet: 200,
  bullets: 2,
  indicator: 80,
  controlTitle: 120,
  controlText: 400,
} as const;

export interface Wording {
  consentTitle?: string;
  consentIntro?: string;
  /** In place of the two statements about what the agent sees and can do. */
  bullets?: string[];
  indicator?: string;
  controlTitle?: string;
  controlText?: string;
}

// Control and bidi-override characters are what this removes from integrator text, on purpose.
// oxlint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Plain text of at most `max` characters, or undefined for anything that is not a non-empty string. */
function plainText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value
    .slice(0, max * 4)
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** Validates untrusted wording (a JS object or parsed JSON from an attribute); unknown keys and bad values are dropped. */
export function parseWording(input: unknown): Wording {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  const raw = input as Record<string, unknown>;
  const wording: Wording = {};
  for (const key of ['consentTitle', 'consentIntro', 'indicator', 'controlTitle', 'controlText'] as const) {
    const text = plainText(raw[key], WORDING_LIMITS[key]);
    if (text !== undefined) wording[key] = text;
  }
  if (Array.isArray(raw.bullets)) {
    const bullets = raw.bullets
      .slice(0, WORDING_LIMITS.bullets)
      .map((b) => plainText(b, WORDING_LIMITS.bullet))
      .filter((b): b is string => b !== undefined);
    if (bullets.length > 0) wording.bullets = bullets;
  }
  return wording;
}

const withAgent = (text: string, agent: string, fallback: string): string =>
  text.replaceAll('{agent}', agent || fallback);

/** The catalog with the integrator's wording in place; the mandatory statements stay the catalog's. */
export function applyWording(catalog: Catalog, wording: Wording): Catalog {
  const { consentTitle, consentIntro, bullets, indicator, controlTitle, controlText } = wording;
  return {
    ...catalog,
    ...(consentTitle ? { consentTitle: (a: string) => withAgent(consentTitle, a, catalog.consentTitle('')) } : {}),
    ...(consentIntro ? { consentIntro } : {}),
    ...(bullets
      ? {
          consentTab: (a: string) => withAgent(bullets[0] ?? '', a, ''),
          consentPoint: (a: string) => withAgent(bullets[1] ?? '', a, ''),
        }
      : {}),
    ...(indicator ? { sharingWith: (a: string) => withAgent(indicator, a, '') } : {}),
    ...(controlTitle ? { controlTitle: (a: string) => withAgent(controlTitle, a, '') } : {}),
    ...(controlText ? { controlText } : {}),
    consentHidden: catalog.consentHidden,
    consentStop: catalog.consentStop,
  };
}
