/**
 * A customer socket's join (seat-room.ts authenticate), beyond the token: what the server recorded of control and
 * pause, for the welcome (a resuming page takes the stricter of that and its tab's record, which the page's own
 * scripts can edit: review s13 B8), and whether this page may resume at all (review s13 B10).
 *
 * The tab's record cannot tell the tab from a copy of it (a duplicated tab, a popup whose opener was severed, taken
 * while the tab showed a page without the session). So each resuming page names a fresh key of its own (`next`) and
 * the keys its tab's record holds: the server keeps the latest page's key, and a page that does not hold it is
 * refused. Of two windows holding the same record, the first to resume moves the key on to its own, which the other
 * never saw. A record carries the key the server last confirmed (it welcomed the page naming it) and the last one a
 * page named since (its hello may or may not have arrived), so pages that went before connecting cost nothing
 * (review K1/F5). Left: a page whose hello arrived but whose welcome did not, then a next page whose hello did not
 * arrive either, drops the key the first one gave the server. Sessions whose pages never name a key (the consent
 * socket, SDK customers) are held to none.
 */
import type { ClientMessage } from '../shared/protocol.js';
import type { SessionBus } from './session-bus.js';
import type { ControlMarks } from './peer-events.js';
import type { SessionLifecycle } from './sessions.js';
import type { SessionRecord } from './store.js';

type Resume = Extract<ClientMessage, { t: 'hello' }>['resume'];

export interface CustomerJoinDeps {
  bus: Pick<SessionBus, 'setMark' | 'getMark'>;
  control: ControlMarks;
  sessions: Pick<SessionLifecycle, 'pausedNow'>;
  now: () => number;
}

/** What the customer's welcome says of control and pause. */
export interface CustomerRecorded {
  controlGranted: boolean;
  paused: boolean;
}

/**
 * Whether this page holds the latest resume key (or none was named yet). Asked before the seat is claimed too, so a
 * stale copy is refused at once rather than told ROLE_TAKEN while the tab's page holds the seat.
 */
export async function holdsResumeKey(
  bus: Pick<SessionBus, 'getMark'>,
  session: Pick<SessionRecord, 'id'>,
  resume: Resume,
): Promise<boolean> {
  const latest = await bus.getMark(`resume:${session.id}`);
  return latest === null || resume?.keys.includes(latest) === true;
}

/**
 * Called once the customer's seat is claimed (so two windows of one tab's record are taken one at a time): null when
 * this page may not resume (another window resumed from the same record first), else what the welcome says.
 */
export async function customerJoin(
  deps: CustomerJoinDeps,
  session: SessionRecord,
  resume: Resume,
): Promise<CustomerRecorded | null> {
  if (!(await holdsResumeKey(deps.bus, session, resume))) return null;
  if (resume) await deps.bus.setMark(`resume:${session.id}`, resume.next, Math.max(1, session.expiresAt - deps.now()));
  const [controlGranted, paused] = await Promise.all([
    deps.control.granted(session.id),
    deps.sessions.pausedNow(session.id),
  ]);
  return { controlGranted, paused };
}
