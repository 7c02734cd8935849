/**
 * Every customer-facing string of the loader, as one catalog per language.
 * Names are interpolated by functions (`agent` is '' when the invite has no
 * agent name), so each language orders its own sentence. English ships in
 * the loader; the others are fetched when a page or element asks for them.
 */
import type { CustomerEndReason } from '../session-api.js';

export const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'ja', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Right-to-left languages among LANGUAGES. */
export const RTL_LANGUAGES: ReadonlySet<Language> = new Set<Language>(['ar']);

export interface Catalog {
  consentTitle(agent: string): string;
  /** An integrator's introduction under the title (none by default). */
  consentIntro?: string;
  consentTab(agent: string): string;
  /** What is hidden: integrators cannot remove it. */
  consentHidden: string;
  consentPoint(agent: string): string;
  /** You can stop at any time: integrators cannot remove it. */
  consentStop: string;
  decline: string;
  allow: string;
  /** The consent title when the agent is a program; integrators cannot change it. */
  botTitle: string;
  /** How an automated agent is named everywhere else ("Sunny (automated assistant)"). */
  botName(agent: string): string;
  /** The consent prompt's choice to let a person take over from the automated agent without a new prompt. */
  allowPerson: string;
  /** Said when a person took over from the automated agent. */
  tookOver(agent: string): string;
  controlTitle(agent: string): string;
  controlText: string;
  deny: string;
  allowControl: string;
  supportButton: string;
  supportCodeTitle: string;
  supportCodeLabel(digits: string): string;
  supportCodeHelp: string;
  cancel: string;
  starting: string;
  waiting(agent: string): string;
  reconnecting: string;
  paused(agent: string): string;
  couldNotShare(agent: string, reason: string): string;
  controlling(agent: string): string;
  /** Control was allowed, but its code did not load on this page: the agent has no control. */
  controlFailed(agent: string): string;
  sharingWith(agent: string): string;
  takeBack: string;
  /** The label on an outlined area the agent cannot see, and the indicator button that shows them. */
  hiddenFrom(agent: string): string;
  showHidden: string;
  /** The indicator's list of who else watches (invited agents, supervisors). */
  watching: string;
  /** A viewer named with their role ("Sam (supervisor)"). */
  viewerRole(name: string, kind: 'agent' | 'supervisor'): string;
  /** Said the moment someone starts watching. */
  viewerJoined(viewer: string): string;
  /** The button that removes a viewer. */
  removeViewer(viewer: string): string;
  /** Said when the outlines show: how many areas the agent cannot see (plural by the language's rules). */
  hiddenCount(count: number, agent: string): string;
  /** The agent's guidance in words, for screen readers ("Dana highlighted: Postcode"). */
  highlighted(agent: string, target: string): string;
  pointingAt(agent: string, target: string): string;
  /** The indicator's handle: drag it, or focus it and use the arrow keys. */
  move: string;
  /** Collapse the indicator to a small badge, and open it again. */
  collapse: string;
  expand: string;
  pause: string;
  resume: string;
  end: string;
  region: string;
  ended: Record<CustomerEndReason, string>;
}
