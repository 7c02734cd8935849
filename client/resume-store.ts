/**
 * Remembers a live session in sessionStorage so a same-origin navigation or
 * reload resumes it without asking again. Bounded: the record expires with
 * the session and after a short gap without a page to resume it.
 */
import type { InviteData } from './session-api.js';
import { fromJson, toJson } from './pristine.js';

const KEY = 'cobrowse:session';
/** A page must pick the session up within this long after the previous one left. */
export const RESUME_WINDOW_MS = 2 * 60 * 1000;

interface ResumeRecord {
  invite: InviteData;
  /** Control the customer granted stays granted on the next page, until revoked. */
  controlGranted?: boolean;
  /** Refreshed while the page is live and on unload. */
  touchedAt: number;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function saveResume(invite: InviteData, now = Date.now(), controlGranted = false): void {
  storage()?.setItem(KEY, toJson({ invite, touchedAt: now, controlGranted } satisfies ResumeRecord));
}

/** Whether the session being resumed had control granted to the agent when the last page left. */
export function resumedControl(): boolean {
  try {
    const raw = storage()?.getItem(KEY);
    return raw ? (fromJson(raw) as ResumeRecord).controlGranted === true : false;
  } catch {
    return false;
  }
}

export function clearResume(): void {
  storage()?.removeItem(KEY);
}

/** The invite to resume on this page, if a live session left one recently. */
export function loadResume(now = Date.now()): InviteData | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const record = fromJson(raw) as ResumeRecord;
    if (
      typeof record?.touchedAt !== 'number' ||
      now - record.touchedAt > RESUME_WINDOW_MS ||
      typeof record.invite?.expiresAt !== 'number' ||
      record.invite.expiresAt <= now
    ) {
      clearResume();
      return null;
    }
    return record.invite;
  } catch {
    clearResume();
    return null;
  }
}
