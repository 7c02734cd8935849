/**
 * Consent that landed while a socket was joining (review s12, T1). A seat or
 * a viewer is welcomed from the session it read before it was registered
 * (attached, or in the roster); the customer's consent handled meanwhile
 * sent its relay credential and consent event to everyone registered then,
 * which this socket was not yet, so it stayed STUN only with consented: false
 * until it reconnected. Once registered, the joining side reads the session
 * again and, if the consent came in between, sends it what it missed. Either
 * it or the consent's own delivery reaches the socket (whichever came second
 * saw the other's write); both may, which repeats a credential and the
 * consent event, as a welcome after consent followed by the consent event
 * always could.
 */
import type { ServerMessage } from '../shared/protocol.js';
import type { SessionLifecycle } from './sessions.js';
import type { SessionRecord } from './store.js';
import { iceServersFor } from './turn.js';

/** What a socket welcomed as pending (`welcomed`) missed if the customer consented since; none otherwise. */
export async function consentSinceWelcome(
  sessions: Pick<SessionLifecycle, 'get'>,
  config: Parameters<typeof iceServersFor>[0],
  welcomed: SessionRecord,
  label: string,
  now: () => number,
): Promise<ServerMessage[]> {
  if (welcomed.status !== 'pending') return [];
  const fresh = await sessions.get(welcomed.id);
  if (!fresh || fresh.status === 'pending' || fresh.status === 'ended') return [];
  return [
    { t: 'ice-servers', iceServers: iceServersFor(config, `${welcomed.id}-${label}`, now(), fresh.expiresAt) },
    { t: 'event', from: 'customer', event: { kind: 'consent-granted' } },
  ];
}
