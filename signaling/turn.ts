/**
 * Time-limited TURN credentials in coturn's REST-API scheme
 * (`use-auth-secret` + `static-auth-secret`): the username carries its expiry,
 * the password is HMAC-SHA1 of the username under the shared secret.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../shared/protocol.js';

export interface TurnCredentials {
  username: string;
  credential: string;
  /** Epoch ms after which coturn refuses the username. */
  expiresAt: number;
}

/** Make a coturn REST-API credential for `label` valid for `ttlSeconds`. */
export function turnCredentials(secret: string, label: string, ttlSeconds: number, now = Date.now()): TurnCredentials {
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiry}:${label}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: expiry * 1000 };
}

/** The ICE servers a peer of a session should use right now. */
export function iceServersFor(
  config: { turn: { secret: string | null; urls: string[]; ttlSeconds: number }; stunUrls: string[] },
  label: string,
  now = Date.now(),
): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turn.secret && config.turn.urls.length > 0) {
    const { username, credential } = turnCredentials(config.turn.secret, label, config.turn.ttlSeconds, now);
    servers.push({ urls: config.turn.urls, username, credential });
  }
  return servers;
}
