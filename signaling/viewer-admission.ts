/**
 * A viewer's admission: its invite checked (signed by us, not removed, for the
 * signed-in agent it names), one console per invite and one of the session's
 * viewer places (MAX_VIEWERS, held through the bus so the limit holds across
 * instances), then the welcome, the 'viewer-joined' event and the roster sent
 * to everyone; a consent handled meanwhile is caught up.
 */
import type { ErrorCode } from '../shared/errors.js';
import { PROTOCOL_VERSION } from '../shared/protocol.js';
import { MAX_AGENTS, MAX_VIEWERS, type ViewerInfo } from '../shared/viewer-protocol.js';
import { stopAuthTimer, type Connection } from './hub-connection.js';
import type { PresenceKey } from './session-bus.js';
import { welcomeIceServers } from './turn.js';
import { consentSinceWelcome } from './consent-catch-up.js';
import { checkViewerInvite, viewerData, type Roster } from './viewer-invites.js';
import { viewerTarget, type ViewerRoomParts } from './viewer-sockets.js';
import type { ViewerRoomOptions } from './viewer-room.js';

/** A socket whose hello carries a viewer invite. */
export async function admitViewer(room: ViewerRoomParts, connection: Connection, token: string): Promise<void> {
  const { options, rosters } = room;
  const { config, sessions, bus, now } = options;
  const checked = checkViewerInvite(config.agentAuth.secret, token, now());
  if (!checked.ok) {
    const why = checked.reason === 'expired' ? 'has expired' : 'is not valid';
    options.refuse(connection, 'UNAUTHORIZED', `This viewer invite ${why}. Ask the lead agent for a new one.`);
    return;
  }
  const { sessionId, viewerId } = checked;
  const session = await sessions.get(sessionId);
  if (connection.closed) return;
  if (!session || session.status === 'ended') {
    options.refuse(connection, 'SESSION_ENDED', 'This co-browsing session has already ended.');
    return;
  }
  if (session.expiresAt <= now()) {
    options.refuse(connection, 'SESSION_EXPIRED');
    return;
  }
  let roster = await rosters.roster(sessionId);
  // Signed by us but not heard of: its 'viewer-invited' note may still be on its way from another instance.
  if (!roster.invites.has(viewerId)) roster = await rosters.reload(sessionId);
  if (connection.closed) return;
  const invite = roster.invites.get(viewerId);
  const refusal = inviteRefusal(connection, roster, viewerId);
  if (refusal || !invite) {
    options.refuse(connection, refusal?.code ?? 'UNAUTHORIZED', refusal?.message);
    return;
  }
  const viewer: ViewerInfo = { id: invite.id, name: invite.name, kind: invite.kind };
  const ttl = session.expiresAt - now();
  if (!(await bus.claim(sessionId, viewerTarget(viewerId), connection.id, ttl))) {
    options.refuse(connection, 'ROLE_TAKEN', 'This invite is open in another console. Close it there first.');
    return;
  }
  const slot = await claimSlot(options, sessionId, connection.id, ttl);
  if (slot === null) {
    await bus.release(sessionId, viewerTarget(viewerId), connection.id);
    options.refuse(
      connection,
      'VIEWERS_FULL',
      `${MAX_AGENTS} agents already watch this session, its limit. Ask one to leave, then try again.`,
    );
    return;
  }
  if (connection.closed) {
    await releaseViewerPlaces(options, sessionId, viewerId, slot, connection.id);
    return;
  }
  await bus.listen(sessionId);
  const customerPresent = await options.connected(sessionId, 'customer');
  if (connection.closed) {
    await releaseViewerPlaces(options, sessionId, viewerId, slot, connection.id);
    return;
  }
  stopAuthTimer(connection);
  connection.auth = { stage: 'viewer', sessionId, viewer, slot };
  room.sockets.add(sessionId, viewerId, connection);
  options.send(connection, {
    t: 'welcome',
    v: PROTOCOL_VERSION,
    role: 'agent',
    sessionId,
    status: session.status,
    peerPresent: customerPresent,
    consented: session.status !== 'pending',
    ...(session.agentName ? { agentName: session.agentName } : {}),
    ...(session.agentBot ? { agentBot: true } : {}),
    iceServers: welcomeIceServers(config, `${sessionId}-${viewerId}`, now(), session),
    expiresAt: session.expiresAt,
    viewer,
  });
  const agent = connection.agent;
  await sessions.recordViewerEvent(sessionId, {
    type: 'viewer-joined',
    actor: 'agent',
    at: now(),
    data: { ...viewerData(viewer), ...(agent ? { agentId: agent.id, agentName: agent.name } : {}) },
  });
  options.log.info({ sessionId, viewerKind: viewer.kind }, 'viewer joined');
  await room.announce(sessionId);
  // Now in the roster: a consent handled since the session read reached it only if sent here (review s12 T1).
  const missed = await consentSinceWelcome(sessions, config, session, viewerId, now);
  for (const message of connection.closed ? [] : missed) options.send(connection, message);
}

function inviteRefusal(
  connection: Connection,
  roster: Roster,
  viewerId: string,
): { code: ErrorCode; message: string } | null {
  const invite = roster.invites.get(viewerId);
  if (!invite) return { code: 'UNAUTHORIZED', message: 'This viewer invite is not valid.' };
  if (roster.removed.has(viewerId))
    return { code: 'VIEWER_REMOVED', message: 'The customer removed you from this session; this invite is void.' };
  if (invite.agentId !== null && !connection.agent)
    return { code: 'SIGNED_OUT', message: 'You are signed out. Sign in again to use this invite.' };
  if (invite.agentId !== null && connection.agent?.id !== invite.agentId)
    return { code: 'FORBIDDEN', message: 'This invite is for another agent.' };
  return null;
}

async function claimSlot(
  options: Pick<ViewerRoomOptions, 'bus'>,
  sessionId: string,
  holder: string,
  ttl: number,
): Promise<PresenceKey | null> {
  for (let k = 1; k <= MAX_VIEWERS; k += 1) {
    const slot: PresenceKey = `viewer-slot-${k}`;
    if (await options.bus.claim(sessionId, slot, holder, ttl)) return slot;
  }
  return null;
}

/** Let go of the viewer's console and its place. */
export async function releaseViewerPlaces(
  options: Pick<ViewerRoomOptions, 'bus'>,
  sessionId: string,
  viewerId: string,
  slot: PresenceKey,
  holder: string,
): Promise<void> {
  await options.bus.release(sessionId, viewerTarget(viewerId), holder);
  await options.bus.release(sessionId, slot, holder);
}
