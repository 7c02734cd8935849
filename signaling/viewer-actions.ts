/**
 * What a participant does about the viewers: the lead invites one or hands the
 * lead on, a supervisor whispers to the lead (the lead's socket only, never the
 * customer's), and the customer removes a viewer (recorded, told why and
 * disconnected; its invite stops working). Each checks who may, records the
 * event in the audit, then tells whom it concerns.
 */
import type { ClientMessage, ServerMessage } from '../shared/protocol.js';
import { AGENT_SEAT, type ParticipantId, type ViewerInfo } from '../shared/viewer-protocol.js';
import type { Connection } from './hub-connection.js';
import type { SessionRecord } from './store.js';
import { REMOVED, inviteViewer, viewerData } from './viewer-invites.js';
import type { ViewerRoomParts } from './viewer-sockets.js';

export type ViewerMessage = Extract<
  ClientMessage,
  { t: 'viewer-signal' | 'invite-viewer' | 'remove-viewer' | 'hand-lead' | 'whisper' }
>;

export function isViewerMessage(message: ClientMessage): message is ViewerMessage {
  return (
    message.t === 'viewer-signal' ||
    message.t === 'invite-viewer' ||
    message.t === 'remove-viewer' ||
    message.t === 'hand-lead' ||
    message.t === 'whisper'
  );
}

/** Invite, hand the lead on or whisper: from the agent seat or a viewer. */
export async function participantAction(
  room: ViewerRoomParts,
  connection: Connection,
  session: SessionRecord,
  self: ParticipantId,
  viewer: ViewerInfo | null,
  message: ViewerMessage,
): Promise<void> {
  const { options, rosters, sockets } = room;
  const { sessions, now, config } = options;
  const forbid = (text: string) => options.reject(connection, 'FORBIDDEN', text);
  const roster = await rosters.roster(session.id);
  const name = (id: ParticipantId) =>
    id === AGENT_SEAT ? (session.agentName ?? 'agent') : (roster.present.get(id)?.name ?? id);
  switch (message.t) {
    case 'viewer-signal':
      return forbid('Only the customer connects to viewers.');
    case 'remove-viewer':
      return forbid('Only the customer can remove a viewer.');
    case 'invite-viewer': {
      if (roster.lead !== self) return forbid('Only the lead can invite.');
      const agent = connection.agent;
      const invited = await inviteViewer(
        sessions,
        { secret: config.agentAuth.secret, publicUrl: config.publicUrl, now: now() },
        session.id,
        { name: message.name, kind: message.kind },
        { actor: 'agent', data: { by: self, ...(agent ? { agentId: agent.id, agentName: agent.name } : {}) } },
      );
      if (!invited.ok) return options.reject(connection, invited.code, invited.message);
      options.send(connection, {
        t: 'viewer-invited',
        viewer: invited.viewer,
        link: invited.link,
        expiresAt: invited.expiresAt,
      });
      return;
    }
    case 'hand-lead': {
      if (roster.lead !== self) return forbid('Only the lead can hand the lead on.');
      if (message.to === self) return forbid('You already lead this session.');
      if (message.to !== AGENT_SEAT && !roster.present.has(message.to))
        return forbid('The lead goes only to someone watching now.');
      if (message.to === AGENT_SEAT && !(await options.connected(session.id, 'agent')))
        return forbid('The session’s agent is not connected.');
      const recorded = await sessions.recordViewerEvent(session.id, {
        type: 'lead-handed',
        actor: 'agent',
        at: now(),
        data: { from: self, fromName: name(self), to: message.to, toName: name(message.to) },
      });
      if (!recorded) return options.reject(connection, 'SESSION_ENDED');
      // The customer's page takes control back from the former lead; the server stops counting it at once.
      await options.control.set(session, false);
      options.log.info({ sessionId: session.id }, 'lead handed on');
      await room.announce(session.id);
      return;
    }
    case 'whisper': {
      if (viewer?.kind !== 'supervisor') return forbid('Only a supervisor can whisper to the lead.');
      if (roster.lead === self) return forbid('You lead this session: there is nobody to whisper to.');
      const at = now();
      // Who whispered to whom and when, in the keyed chain; never the text (README, More than one viewer).
      const recorded = await sessions.recordViewerEvent(session.id, {
        type: 'whisper',
        actor: 'agent',
        at,
        data: { ...viewerData(viewer), to: roster.lead, toName: name(roster.lead) },
      });
      if (!recorded) return options.reject(connection, 'SESSION_ENDED');
      const whisper: ServerMessage = { t: 'whisper', from: viewer, text: message.text, at };
      // To the lead's socket only; nothing of it goes towards the customer.
      if (roster.lead === AGENT_SEAT) options.deliver(session.id, 'agent', whisper);
      else sockets.deliver(session.id, roster.lead, whisper);
      return;
    }
  }
}

/** The customer removes a viewer: recorded, told why and disconnected; its invite stops working. */
export async function removeViewer(
  room: ViewerRoomParts,
  connection: Connection,
  session: SessionRecord,
  viewerId: string,
): Promise<void> {
  const { options, rosters, sockets } = room;
  const { sessions, now } = options;
  const roster = await rosters.roster(session.id);
  const viewer = roster.invites.get(viewerId);
  if (!viewer || roster.removed.has(viewerId))
    return options.reject(connection, 'FORBIDDEN', 'There is no such viewer in this session.');
  const recorded = await sessions.recordViewerEvent(session.id, {
    type: 'viewer-removed',
    actor: 'customer',
    at: now(),
    data: viewerData({ id: viewer.id, name: viewer.name, kind: viewer.kind }),
  });
  if (!recorded) return options.reject(connection, 'SESSION_ENDED');
  options.log.info({ sessionId: session.id }, 'viewer removed by the customer');
  sockets.deliver(session.id, viewerId, REMOVED);
  await room.announce(session.id);
}
