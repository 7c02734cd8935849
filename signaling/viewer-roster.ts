/**
 * Who watches and who leads each session this instance serves, kept in
 * memory so that no socket message costs a read of the session's audit (a
 * flooded audit made every such read block the event loop for seconds; red
 * team s11, F1). The audit stays the one record: a session's roster is read
 * from it once, when this instance first needs it (after subscribing to the
 * session's notes, so nothing appended meanwhile is missed), and from then on
 * every viewer event is folded in as it is appended: here directly, on other
 * instances from the bus note this instance publishes. Events are kept in
 * audit order by seq, so instances that hear them in another order agree.
 */
import type { SessionBus } from './session-bus.js';
import type { SessionLifecycle } from './sessions.js';
import type { AuditEvent } from './store.js';
import { applyRosterEvent, isRosterEventType, rosterFrom, type Roster, type RosterEvent } from './viewer-invites.js';

type SeqEvent = RosterEvent & Pick<AuditEvent, 'seq'>;

interface Entry {
  /** The session's viewer events, by seq. */
  events: SeqEvent[];
  seqs: Set<number>;
  /** Folded from `events`; null after an event arrived out of order (folded again when asked). */
  roster: Roster | null;
  ready: Promise<void>;
}

export interface RosterBookOptions {
  sessions: Pick<SessionLifecycle, 'events' | 'onViewerEvent'>;
  bus: Pick<SessionBus, 'listen' | 'unlisten' | 'publish' | 'onNote'>;
  background(work: Promise<unknown>, sessionId: string | null): void;
}

export class RosterBook {
  readonly #entries = new Map<string, Entry>();
  readonly #options: RosterBookOptions;

  constructor(options: RosterBookOptions) {
    this.#options = options;
    options.sessions.onViewerEvent((sessionId, event) => {
      const { seq, type, data } = event;
      if (!isRosterEventType(type)) return;
      this.#add(sessionId, { seq, type, data });
      options.background(options.bus.publish(sessionId, { kind: 'viewer-event', seq, type, data }), sessionId);
    });
    options.bus.onNote((sessionId, note) => {
      if (note.kind === 'viewer-event') this.#add(sessionId, { seq: note.seq, type: note.type, data: note.data });
    });
  }

  /** Who watches and leads now: read from the audit the first time only. */
  async roster(sessionId: string): Promise<Roster> {
    const entry = this.#entries.get(sessionId) ?? this.#load(sessionId);
    await entry.ready;
    entry.roster ??= rosterFrom(entry.events);
    return entry.roster;
  }

  /**
   * Read the audit again: only for an invite we signed that the roster does
   * not know yet (its 'viewer-invited' note still on its way from another instance).
   */
  async reload(sessionId: string): Promise<Roster> {
    this.#entries.delete(sessionId);
    return this.roster(sessionId);
  }

  /** Notes may have been lost (the bus subscription came back): every roster is read from the audit again. */
  clear(): void {
    this.#entries.clear();
  }

  /** The session ended: nothing of it is kept. */
  forget(sessionId: string): void {
    this.#entries.delete(sessionId);
  }

  /** Sessions held (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  #load(sessionId: string): Entry {
    const entry: Entry = { events: [], seqs: new Set(), roster: null, ready: Promise.resolve() };
    this.#entries.set(sessionId, entry);
    entry.ready = (async () => {
      // Subscribed first: an event appended after the read starts arrives as a note, one before is in the read.
      await this.#options.bus.listen(sessionId);
      const events = await this.#options.sessions.events(sessionId);
      for (const event of events) if (isRosterEventType(event.type)) this.#insert(entry, event);
      // Asked for just as the session ended (its end already forgot it): answered, not kept.
      if (events.at(-1)?.type === 'ended' && this.#entries.get(sessionId) === entry) {
        this.#entries.delete(sessionId);
        await this.#options.bus.unlisten(sessionId);
      }
    })();
    entry.ready.catch(() => {
      if (this.#entries.get(sessionId) === entry) this.#entries.delete(sessionId);
    });
    return entry;
  }

  #add(sessionId: string, event: SeqEvent): void {
    const entry = this.#entries.get(sessionId);
    if (entry) this.#insert(entry, event);
  }

  #insert(entry: Entry, event: SeqEvent): void {
    if (entry.seqs.has(event.seq)) return;
    entry.seqs.add(event.seq);
    const kept: SeqEvent = { seq: event.seq, type: event.type, data: event.data };
    const last = entry.events.at(-1);
    if (!last || last.seq < event.seq) {
      entry.events.push(kept);
      if (entry.roster) applyRosterEvent(entry.roster, kept);
      return;
    }
    const at = entry.events.findIndex((e) => e.seq > event.seq);
    entry.events.splice(at, 0, kept);
    entry.roster = null;
  }
}
