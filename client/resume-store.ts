/**
 * Remembers a live session in sessionStorage so a same-origin navigation or
 * reload of the same tab resumes it without asking again. Bounded: the record
 * expires with the session and after a short gap without a page to resume it.
 *
 * The consent is for one tab, but sessionStorage is not: `window.open` and
 * "Duplicate tab" copy it into a new window. So only a record marked left
 * resumes: written as the page goes (a trusted pagehide) by the element, which
 * listens from the moment it starts a session, before the session's code runs.
 * Until then the record says "still live", so a copy taken meanwhile, even in
 * the instant the session starts, never resumes; the next page of the same
 * tab takes the record over at once, so later copies say so too. A record
 * left by a window without an opener does not resume in a popup either. A copy
 * taken while the record says left (the tab on a page without the session) is
 * told apart by the server: each page names a fresh resume key, and only the
 * holder of the latest resumes (signaling/customer-resume.ts). Control and
 * pause are the stricter of the record and the server's (customer-session.ts).
 */
import type { InviteData } from './session-api.js';
import { fromJson, toJson } from './pristine.js';

const KEY = 'cobrowse:session';
/** A page must pick the session up within this long after the previous one left. */
export const RESUME_WINDOW_MS = 2 * 60 * 1000;

/** What the next page of the tab carries on with. */
export interface ResumeState {
  invite: InviteData;
  /** Control the customer granted stays granted on the next page, until revoked. */
  controlGranted: boolean;
  /** Paused stays paused on the next page (nothing of it is captured or reported), until the customer resumes. */
  paused: boolean;
  /** The resume keys the server may hold: the last it confirmed, then the last a page named since (pageResumeKeys). */
  keys?: string[];
}

interface ResumeRecord extends ResumeState {
  /** Written on pagehide (the tab goes on to another page) and taken over by the next page. */
  touchedAt: number;
  /** True when the page that started or ran the session left it for the next page of its tab (pagehide). */
  left: boolean;
  /** Whether the window that wrote it had an opener: a popup does not take over its opener's session. */
  opened: boolean;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * Writes the tab's record. Live (`left` false): this page starts or runs the session, so a copy taken now (a popup,
 * a duplicated tab) must not resume it. Left: the page goes (a trusted pagehide) and its tab's next page resumes.
 */
export function saveResume({ invite, controlGranted, paused }: ResumeState, left = false, now = Date.now()): void {
  // Only these fields (the element passes its whole sharing state).
  const record: ResumeRecord = { invite, controlGranted, paused, keys, touchedAt: now, left, opened: !!window.opener };
  storage()?.setItem(KEY, toJson(record));
}

/**
 * Keeps the record for the next page of this tab, from the moment the element starts a session (before its code
 * runs): written as left on pagehide (a trusted one: a page's own `dispatchEvent` cannot mark it). A page back from
 * the back/forward cache had its session's socket and peer connection closed as it went in (customer-session.ts):
 * it loads again and resumes from the record the tab has now, never from its own state, not even in the pagehide
 * of that reload (its later pages may have taken control back, paused or ended the session). `current` is what the
 * element shares now, or null.
 */
export function keepResumeOnLeave(current: () => ResumeState | null): void {
  addEventListener('pagehide', (event) => {
    const state = current();
    if (event.isTrusted && state) saveResume(state, true);
  });
  addEventListener('pageshow', (event) => {
    if (event.persisted && current()) {
      current = () => null;
      location.reload();
    }
  });
}

/**
 * The keys this tab's record keeps (review K1/F5): the last the server confirmed (it welcomed a page that named it),
 * then the last a page named since (its hello went: the server may hold it). A page that went before its socket
 * opened adds nothing, so a tab that clicks on faster than its sessions connect keeps the server's key. The
 * session's code says when its hello went and was welcomed (heldResumeKeys, through `keepResumeKeys`).
 */
export let keys: string[] = [];

/** The record's keys (`recorded`), then a fresh one for this page (`next`): what its sockets' hellos name. */
export function pageResumeKeys(recorded: unknown): { keys: string[]; next: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const next = Array.from(bytes, (byte) => (byte + 256).toString(16).slice(1)).join('');
  // At most two (RESUME_KEYS_KEPT with this page's own).
  keys = (Array.isArray(recorded) ? recorded : []).slice(-2);
  return { keys: [...keys, next], next };
}

/** What the tab's record keeps from now on (from the session's code). */
export function keepResumeKeys(held: string[]): void {
  keys = held;
}

/**
 * The keys the tab's record keeps once this page's hello (`resume`) went: the first the record held (the one the
 * server confirmed) and this page's; once the server `welcomed` it, this page's alone.
 */
export function heldResumeKeys({ keys, next }: { keys: string[]; next: string }, welcomed: boolean): string[] {
  return welcomed || keys[0] === next ? [next] : [keys[0] ?? next, next];
}

export function clearResume(): void {
  storage()?.removeItem(KEY);
}

/**
 * The session to resume on this page: one this tab's previous page left recently. A record still marked live
 * is a copy made while another window runs the session: it stays as it is and is not resumed here.
 */
export function loadResume(now = Date.now()): ResumeState | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const record = fromJson(raw) as Partial<ResumeRecord> | null;
    if (
      typeof record?.touchedAt !== 'number' ||
      now - record.touchedAt > RESUME_WINDOW_MS ||
      typeof record.invite?.expiresAt !== 'number' ||
      record.invite.expiresAt <= now
    ) {
      clearResume();
      return null;
    }
    // Reading `opener` never throws, even cross-origin. A new window (a popup whose opener was severed) has one page
    // in its history, not reloaded; the tab's next page has the one that left the record too (review s13 B10).
    if (!record.left || (window.opener && !record.opened)) return null;
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (history.length < 2 && navigation?.type !== 'reload') return null;
    return record as ResumeState;
  } catch {
    clearResume();
    return null;
  }
}
