/**
 * What the server accepts of a peer's audit events, beyond the role that may
 * report each kind (AUDIT_KIND_ROLES): nothing but the consent answer before
 * the customer consented, and "what the agent did with control"
 * (remote-action, reported by the customer's page) only while control is
 * granted and the lead is connected. Whether control is granted now is a
 * mark shared by every instance (session-bus.ts), set by control-granted and
 * cleared by control-revoked, a hand of the lead and a hand-over, so a page
 * that changed instance in between still finds it. Red team s11, F5 and F8.
 */
import type { PeerEvent, PeerEventKind, Role } from '../shared/protocol.js';
import { AGENT_SEAT, type ParticipantId } from '../shared/viewer-protocol.js';
import type { ErrorCode } from '../shared/errors.js';
import type { SessionBus } from './session-bus.js';
import type { SessionRecord } from './store.js';

/** What the customer may report while the session is pending: the consent prompt and its answer. */
const BEFORE_CONSENT: ReadonlySet<PeerEventKind> = new Set<PeerEventKind>([
  'consent-shown',
  'consent-granted',
  'consent-declined',
]);

export type Refusal = { code: ErrorCode; message: string };

const NOT_CONSENTED: Refusal = { code: 'FORBIDDEN', message: 'The customer has not consented yet.' };

/** Whether control is granted now, across instances. */
export class ControlMarks {
  readonly #bus: Pick<SessionBus, 'setMark' | 'getMark'>;
  readonly #now: () => number;

  constructor(bus: Pick<SessionBus, 'setMark' | 'getMark'>, now: () => number) {
    this.#bus = bus;
    this.#now = now;
  }

  async set(session: Pick<SessionRecord, 'id' | 'expiresAt'>, granted: boolean): Promise<void> {
    const ttl = Math.max(1, session.expiresAt - this.#now());
    await this.#bus.setMark(`control:${session.id}`, granted ? 'granted' : 'off', ttl);
  }

  async granted(sessionId: string): Promise<boolean> {
    return (await this.#bus.getMark(`control:${sessionId}`)) === 'granted';
  }
}

export interface PeerEventRulesOptions {
  control: ControlMarks;
  /** Who leads now, and whether they are connected. */
  leadOf(sessionId: string): Promise<ParticipantId>;
  leadConnected(sessionId: string, lead: ParticipantId): Promise<boolean>;
}

/** Why this event from a customer or agent seat is refused, or null (its role was checked before). */
export async function peerEventRefusal(
  options: PeerEventRulesOptions,
  session: SessionRecord,
  role: Role,
  event: PeerEvent,
): Promise<Refusal | null> {
  if (session.status === 'pending') {
    // A second line behind the loader, which sends nothing else before consent.
    if (role === 'agent' || !BEFORE_CONSENT.has(event.kind)) return NOT_CONSENTED;
    return null;
  }
  if (event.kind === 'control-requested' && (await options.leadOf(session.id)) !== AGENT_SEAT)
    return { code: 'FORBIDDEN', message: 'You handed the lead on: only the lead asks for control.' };
  if (event.kind === 'remote-action') {
    if (!(await options.control.granted(session.id)))
      return { code: 'FORBIDDEN', message: 'Control is not granted: there is no remote action to report.' };
    const lead = await options.leadOf(session.id);
    if (!(await options.leadConnected(session.id, lead)))
      return { code: 'FORBIDDEN', message: 'Nobody who leads is connected: there is no remote action to report.' };
  }
  return null;
}

/** After an event was recorded: keep the control mark. */
export async function afterPeerEvent(control: ControlMarks, session: SessionRecord, event: PeerEvent): Promise<void> {
  if (event.kind === 'control-granted') await control.set(session, true);
  else if (event.kind === 'control-revoked') await control.set(session, false);
}
