/**
 * OpenID Connect sign-in for agents (openid-client): authorization code flow
 * with PKCE. The provider is discovered on the first sign-in (and again after
 * a failed discovery), so the server starts even while the provider is down.
 */
import * as client from 'openid-client';
import type { ServerConfig } from './config.js';

type OidcSettings = NonNullable<ServerConfig['oidc']>;

export interface OidcLogin {
  /** Where to send the agent's browser, and what to keep until it comes back. */
  start(redirectUri: string): Promise<{ url: string; verifier: string; state: string }>;
  /** The agent's subject and display name from the provider's answer at the redirect URI. */
  finish(callbackUrl: URL, checks: { verifier: string; state: string }): Promise<{ id: string; name: string }>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A display name from ID token or userinfo claims: name, then preferred_username, then email. */
function displayName(claims: Record<string, unknown>): string | null {
  for (const key of ['name', 'preferred_username', 'email'] as const) {
    const value = claims[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 128);
  }
  return null;
}

export function createOidcLogin(settings: OidcSettings): OidcLogin {
  const issuer = new URL(settings.issuer);
  // Plain http only for a provider on this machine (tests, a local provider); openid-client refuses it otherwise.
  const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        undefined,
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = null;
        throw error;
      });
    return discovered;
  };

  return {
    async start(redirectUri) {
      const config = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      return { url: url.href, verifier, state };
    },
    async finish(callbackUrl, checks) {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider returned no ID token');
      // Providers that follow the spec to the letter put profile claims only in userinfo when an access token is issued.
      let name = displayName(claims);
      if (name === null && config.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        name = displayName(info);
      }
      return { id: claims.sub, name: name ?? claims.sub };
    },
  };
}
