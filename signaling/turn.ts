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

type IceConfig = { turn: { secret: string | null; urls: string[]; ttlSeconds: number }; stunUrls: string[] };

/**
 * The ICE servers a socket's welcome carries: STUN only while the customer
 * has not consented (a relay is worth having to anyone, so a link or an
 * invite alone gets none; red team s11, F6), with the relay credential after.
 */
export function welcomeIceServers(
  config: IceConfig,
  label: string,
  now: number,
  session: { status: string; expiresAt: number },
): IceServer[] {
  return iceServersFor(config, label, now, session.status === 'pending' ? now : session.expiresAt);
}

/**
 * The ICE servers a peer of a session should use right now. A relay
 * credential cannot be revoked, so it lives no longer than the session may
 * (`until`, its expiry): TURN_TTL at most, none once the session is over.
 */
export function iceServersFor(config: IceConfig, label: string, now: number, until: number): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  const ttl = relayTtlSeconds(config.turn.ttlSeconds, now, until);
  if (config.turn.secret && config.turn.urls.length > 0 && ttl > 0) {
    const { username, credential } = turnCredentials(config.turn.secret, label, ttl, now);
    servers.push({ urls: config.turn.urls, username, credential });
  }
  return servers;
}

/** Seconds a relay credential issued at `now` may live: TURN_TTL, cut to what is left before `until`. */
export function relayTtlSeconds(ttlSeconds: number, now: number, until: number): number {
  return Math.max(0, Math.min(ttlSeconds, Math.floor((until - now) / 1000)));
}
