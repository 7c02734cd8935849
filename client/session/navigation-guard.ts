/**
 * The rule for the agent's remote navigation, applied on the customer's side:
 * only http: and https: addresses, on the page's own origin or an origin the
 * integrator listed in `navigation-origins`. Everything else (javascript:,
 * data:, blob:, file:, about:, other sites) is refused with a reason the agent
 * is shown. Relative addresses resolve against the customer's page, so
 * "//evil.example" and "/\evil.example" are other origins, refused like any.
 */
export type NavigationVerdict = { ok: true; url: URL } | { ok: false; reason: 'scheme' | 'cross-origin' | 'invalid' };

const WEB_SCHEMES = new Set(['http:', 'https:']);

/** The origins an integrator allows besides the page's own, from the attribute's tokens (invalid ones are ignored). */
export function allowedOrigins(tokens: readonly string[]): Set<string> {
  const origins = new Set<string>();
  for (const token of tokens) {
    try {
      const url = new URL(token.trim());
      if (WEB_SCHEMES.has(url.protocol)) origins.add(url.origin);
    } catch {
      // Not a URL: allows nothing.
    }
  }
  return origins;
}

/** Whether the agent may send the customer's tab to `to` from `current`. */
export function checkNavigation(to: string, current: string, allowed: ReadonlySet<string>): NavigationVerdict {
  let target: URL;
  try {
    target = new URL(to, current);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!WEB_SCHEMES.has(target.protocol)) return { ok: false, reason: 'scheme' };
  if (target.username || target.password) return { ok: false, reason: 'invalid' };
  const here = new URL(current).origin;
  if (target.origin !== here && !allowed.has(target.origin)) return { ok: false, reason: 'cross-origin' };
  return { ok: true, url: target };
}
