/**
 * Remembers a live session in sessionStorage so a same-origin navigation or
 * reload of the same tab resumes it without asking again. Bounded: the record
 * expires with the session and after a short gap without a page to resume it.
 *
 * The consent is for one tab, but sessionStorage is not: `window.open` and
 * "Duplicate tab" copy it into a new window. So only a record marked left
 * resumes: written by the live page as it left (pagehide), or by the loader
 * while the session's code is still starting (it has no pagehide listener
 * yet). A copy is taken while the page that
 * wrote it is live, so it says "still live" and never resumes; the next page of
 * the same tab takes the record over at once, so later copies say so too. A
 * record left by a window without an opener does not resume in a popup either.
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
}

interface ResumeRecord extends ResumeState {
  /** Written on pagehide (the tab goes on to another page) and taken over by the next page. */
  touchedAt: number;
  /** True when the page that ran the session left it for the next page of its tab, or was still starting it. */
  left?: boolean;
  /** Whether the window that left it had an opener: a popup does not take over its opener's session. */
  opened?: boolean;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** This page runs the session: a copy of the record taken now (a popup, a duplicated tab) must not resume it. */
export function saveResume({ invite, controlGranted, paused }: ResumeState, starting = false): void {
  // Only these fields (the element passes its whole sharing state); `left` false: the page is live. While `starting`
  // (the session's code not yet running, so no pagehide listener) it counts as left: a navigation then resumes.
  storage()?.setItem(KEY, toJson({ invite, controlGranted, paused, touchedAt: Date.now(), left: starting }));
}

/**
 * This page leaves the session to the next page of its tab (pagehide). The invite is the one this page's
 * element keeps in its live record, which says who the agent is now (a person who took over from the bot),
 * when it is for the same session; the session's own is the invite it started with.
 */
export function leaveResume(state: ResumeState, now = Date.now()): void {
  const { controlGranted, paused } = state;
  let invite = state.invite;
  try {
    const live = fromJson(storage()?.getItem(KEY) ?? 'null') as Partial<ResumeRecord> | null;
    if (live?.invite?.token === invite.token && live.invite.server === invite.server) invite = live.invite;
  } catch {
    // Not ours or not JSON: the session's invite.
  }
  const record: ResumeRecord = { invite, controlGranted, paused, touchedAt: now, left: true, opened: !!window.opener };
  storage()?.setItem(KEY, toJson(record));
}

/**
 * Keeps the record for the next page of this tab: written as left on pagehide (a trusted one: a page's own
 * `dispatchEvent` cannot mark it); a page back from the back/forward cache loads again and resumes from it.
 * `current` is what runs now, or null once sharing ended. Returns the function that stops it.
 */
export function keepResumeOnLeave(current: () => ResumeState | null, win: Window = window): () => void {
  const onPageHide = (event: Event) => {
    const state = current();
    if (event.isTrusted && state) leaveResume(state);
  };
  const onPageShow = (event: PageTransitionEvent) => {
    const state = current();
    // Back from the back/forward cache: Chromium closed the session's socket and peer connection as the page went
    // in, so this page's session is gone. The page loads again and resumes from the record it leaves (still this tab).
    if (event.persisted && state) {
      leaveResume(state);
      win.location.reload();
    }
  };
  win.addEventListener('pagehide', onPageHide);
  win.addEventListener('pageshow', onPageShow);
  return () => {
    win.removeEventListener('pagehide', onPageHide);
    win.removeEventListener('pageshow', onPageShow);
  };
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
    // Reading `opener` never throws, even cross-origin.
    if (!record.left || (window.opener && !record.opened)) return null;
    return record as ResumeState;
  } catch {
    clearResume();
    return null;
  }
}
