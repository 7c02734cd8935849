/**
 * More than one viewer in a session: the lead agent (who guides and asks for
 * control) plus invited agents and supervisors who watch read-only, each over
 * its own data channel from the customer. The signaling messages for them.
 *
 * A participant is named by an id: 'agent' is the seat of the session's agent
 * link (or join ticket); invited viewers have ids 'v' + random. The lead is
 * one of them, 'agent' until the lead hands it on.
 */
import * as z from 'zod/mini';
import { storedText } from './protocol/fields.js';

/** Agents watching one session at most: the lead and three viewers. The server refuses a fifth (VIEWERS_FULL). */
export const MAX_AGENTS = 4;
/** Invited viewers at once besides the agent seat. */
export const MAX_VIEWERS = MAX_AGENTS - 1;

/** The agent seat's participant id. */
export const AGENT_SEAT = 'agent';

export const viewerKind = z.enum(['agent', 'supervisor']);
export type ViewerKind = z.infer<typeof viewerKind>;

export const viewerId = z.string().check(z.regex(/^v[A-Za-z0-9_-]{8,32}$/, 'malformed viewer id'));
/** The agent seat or a viewer. */
export const participantId = z.union([z.literal(AGENT_SEAT), viewerId]);
export type ParticipantId = z.infer<typeof participantId>;

const viewerName = z.string().check(z.minLength(1), z.maxLength(128));
/** A name an invite gives a viewer: the audit stores and chains it (review U2, as REST bodies since f18f5a0). */
const invitedName = storedText(1, 128);

export const viewerInfo = z.strictObject({ id: viewerId, name: viewerName, kind: viewerKind });
export type ViewerInfo = z.infer<typeof viewerInfo>;

// ---------------------------------------------------------------------------
// client -> server

/** The lead invites a viewer (the console's Invite button); answered with viewer-invited. */
export const clientInviteViewer = z.strictObject({
  t: z.literal('invite-viewer'),
  kind: viewerKind,
  name: invitedName,
});
/** The customer removes a viewer: disconnected, told why, and the invite stops working. */
export const clientRemoveViewer = z.strictObject({ t: z.literal('remove-viewer'), viewer: viewerId });
/** The lead hands the lead (guidance and control requests) to another participant. */
export const clientHandLead = z.strictObject({ t: z.literal('hand-lead'), to: participantId });
/** A supervisor's private note to the lead; it never reaches the customer. */
export const clientWhisper = z.strictObject({
  t: z.literal('whisper'),
  text: z.string().check(z.minLength(1), z.maxLength(1_000)),
});

// ---------------------------------------------------------------------------
// server -> client

/** Who watches now (connected viewers) and who leads; sent to everyone in the session on every change. */
export const serverViewers = z.strictObject({
  t: z.literal('viewers'),
  lead: participantId,
  viewers: z.array(viewerInfo).check(z.maxLength(MAX_VIEWERS)),
  limit: z.number().check(z.int(), z.positive()),
});
export const serverViewerInvited = z.strictObject({
  t: z.literal('viewer-invited'),
  viewer: viewerInfo,
  /** The console link with the invite in its fragment. */
  link: z.string().check(z.maxLength(2_048)),
  expiresAt: z.number(),
});
export const serverWhisper = z.strictObject({
  t: z.literal('whisper'),
  from: viewerInfo,
  text: z.string().check(z.maxLength(1_000)),
  at: z.number(),
});

/** POST /api/sessions/:id/viewers (API key): the chat system invites a viewer for the session's agent. */
export const inviteViewerBody = z.strictObject({
  name: invitedName,
  kind: viewerKind,
  /** Only this signed-in agent's console may use the invite. */
  agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/))),
});
export type InviteViewerBody = z.infer<typeof inviteViewerBody>;
