/**
 * Viewer invites and who watches a session. An invite is a signed capability
 * ('vw.' + claims + HMAC under AGENT_AUTH_SECRET, its own purpose label) that
 * names one session and one viewer id; the viewer's name and kind live in the
 * 'viewer-invited' audit event, so the audit chain (tamper-evident, shared by
 * every instance) is the one record of who was invited, who watches now, who
 * was removed and who leads. Removing a viewer kills its invite for good.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { ErrorCode } from '../shared/errors.js';
import type { ServerMessage } from '../shared/protocol.js';
import {
  AGENT_SEAT,
  MAX_AGENTS,
  MAX_VIEWERS,
  type InviteViewerBody,
  type ParticipantId,
  type ViewerInfo,
  type ViewerKind,
} from '../shared/viewer-protocol.js';
import type { SessionLifecycle } from './sessions.js';
import type { Actor, AuditDataValue, AuditEvent, AuditEventType } from './store.js';

/** Viewer invites are recognisable by this prefix (session links are base64url, join tickets 'jt.'). */
export const VIEWER_INVITE_PREFIX = 'vw.';

const claims = z.strictObject({
  s: z.string().min(1).max(64),
  i: z.string().regex(/^v[A-Za-z0-9_-]{8,32}$/),
  e: z.number(),
});

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(`cobrowse-viewer-invite\n${body}`, 'utf8').digest();
}

export function mintViewerInvite(secret: string, sessionId: string, viewerId: string, expiresAt: number): string {
  const body = Buffer.from(JSON.stringify({ s: sessionId, i: viewerId, e: expiresAt }), 'utf8').toString('base64url');
  return `${VIEWER_INVITE_PREFIX}${body}.${mac(secret, body).toString('base64url')}`;
}

export type ViewerInviteCheck =
  { ok: true; sessionId: string; viewerId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** The invite's session and viewer if we signed it and it has not expired (never throws). */
export function checkViewerInvite(secret: string, token: string, now: number): ViewerInviteCheck {
  if (!token.startsWith(VIEWER_INVITE_PREFIX) || token.length > 512) return { ok: false, reason: 'invalid' };
  const rest = token.slice(VIEWER_INVITE_PREFIX.length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot !== rest.lastIndexOf('.')) return { ok: false, reason: 'invalid' };
  const body = rest.slice(0, dot);
  const given = Buffer.from(rest.slice(dot + 1), 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let parsed: z.infer<typeof claims>;
  try {
    parsed = claims.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (parsed.e <= now) return { ok: false, reason: 'expired' };
  return { ok: true, sessionId: parsed.s, viewerId: parsed.i };
}

/** Who was invited, who watches now (in joining order), who was removed, and who leads, from the audit. */
export interface Roster {
  invites: Map<string, ViewerInfo & { agentId: string | null }>;
  present: Map<string, ViewerInfo>;
  removed: Set<string>;
  lead: ParticipantId;
}

const text = (value: AuditDataValue | undefined): string => (typeof value === 'string' ? value : '');
const kindOf = (value: AuditDataValue | undefined): ViewerKind => (value === 'supervisor' ? 'supervisor' : 'agent');

/** The audit event types that change who watches or leads (viewer-room.ts keeps only these). */
export const ROSTER_EVENT_TYPES = [
  'viewer-invited',
  'viewer-joined',
  'viewer-left',
  'viewer-removed',
  'lead-handed',
] as const satisfies readonly AuditEventType[];
export type RosterEventType = (typeof ROSTER_EVENT_TYPES)[number];

export function isRosterEventType(type: AuditEventType): type is RosterEventType {
  return (ROSTER_EVENT_TYPES as readonly AuditEventType[]).includes(type);
}

/** What of an audit event the roster reads. */
export type RosterEvent = Pick<AuditEvent, 'type' | 'data'>;

export function emptyRoster(): Roster {
  return { invites: new Map(), present: new Map(), removed: new Set(), lead: AGENT_SEAT };
}

/**
 * Folded in order: the lead goes back to the agent seat when the viewer who
 * led leaves or is removed (a console that reloads joins again as a viewer).
 */
export function rosterFrom(events: readonly RosterEvent[]): Roster {
  const roster = emptyRoster();
  for (const event of events) applyRosterEvent(roster, event);
  return roster;
}

/** One more event, after every earlier one. */
export function applyRosterEvent(roster: Roster, event: RosterEvent): void {
  const id = text(event.data['viewerId']);
  switch (event.type) {
    case 'viewer-invited':
      roster.invites.set(id, {
        id,
        name: text(event.data['viewerName']),
        kind: kindOf(event.data['viewerKind']),
        agentId: typeof event.data['boundAgentId'] === 'string' ? event.data['boundAgentId'] : null,
      });
      break;
    case 'viewer-joined': {
      // A removed viewer's invite is void for good: a join recorded after the removal (an instance that had
      // not heard of it yet) does not bring it back.
      const invite = roster.invites.get(id);
      if (invite && !roster.removed.has(id)) roster.present.set(id, { id, name: invite.name, kind: invite.kind });
      break;
    }
    case 'viewer-left':
    case 'viewer-removed':
      roster.present.delete(id);
      if (event.type === 'viewer-removed') roster.removed.add(id);
      if (roster.lead === id) roster.lead = AGENT_SEAT;
      break;
    case 'lead-handed': {
      const to = text(event.data['to']);
      roster.lead = to === AGENT_SEAT || roster.present.has(to) ? (to as ParticipantId) : AGENT_SEAT;
      break;
    }
    default:
      break;
  }
}

/** What a removed viewer's socket is told as it is closed. */
export const REMOVED: ServerMessage = {
  t: 'error',
  code: 'VIEWER_REMOVED',
  message: 'The customer removed you from this session.',
};

/** Who watches and who leads, for everyone in the session. */
export function viewersMessage(roster: Roster): Extract<ServerMessage, { t: 'viewers' }> {
  return {
    t: 'viewers',
    lead: roster.lead,
    viewers: [...roster.present.values()].slice(0, MAX_VIEWERS),
    limit: MAX_AGENTS,
  };
}

/** Audit data naming a viewer. */
export function viewerData(viewer: ViewerInfo): Record<string, AuditDataValue> {
  return { viewerId: viewer.id, viewerName: viewer.name, viewerKind: viewer.kind };
}

export type InviteOutcome =
  | { ok: true; viewer: ViewerInfo; token: string; link: string; expiresAt: number }
  | { ok: false; code: ErrorCode; message: string };

/** Invite a viewer: recorded in the audit (by the API or by the lead), valid until the session expires. */
export async function inviteViewer(
  sessions: Pick<SessionLifecycle, 'get' | 'recordViewerEvent'>,
  options: { secret: string; publicUrl: string; now: number },
  sessionId: string,
  body: InviteViewerBody,
  by: { actor: Extract<Actor, 'api' | 'agent'>; data?: Record<string, AuditDataValue> },
): Promise<InviteOutcome> {
  const session = await sessions.get(sessionId);
  if (!session) return { ok: false, code: 'SESSION_NOT_FOUND', message: 'No such session.' };
  if (session.status === 'ended' || session.expiresAt <= options.now)
    return { ok: false, code: 'SESSION_ENDED', message: 'The session has ended: there is nothing to watch.' };
  const viewer: ViewerInfo = { id: `v${randomBytes(9).toString('base64url')}`, name: body.name, kind: body.kind };
  const recorded = await sessions.recordViewerEvent(sessionId, {
    type: 'viewer-invited',
    actor: by.actor,
    at: options.now,
    data: { ...viewerData(viewer), ...(body.agentId ? { boundAgentId: body.agentId } : {}), ...by.data },
  });
  if (!recorded)
    return { ok: false, code: 'SESSION_ENDED', message: 'The session has ended: there is nothing to watch.' };
  const token = mintViewerInvite(options.secret, sessionId, viewer.id, session.expiresAt);
  // The invite travels in the fragment, like the agent's link, so it never reaches server or proxy logs.
  return { ok: true, viewer, token, link: `${options.publicUrl}/agent/#token=${token}`, expiresAt: session.expiresAt };
}
