/**
 * The contract between the element (in the loader, on every page) and its
 * view (client/cobrowse-ui.ts, fetched the first time the customer is shown
 * anything). Types only: importing this file costs the loader nothing.
 */
import type { CSSResult, TemplateResult, css, html, nothing, svg } from 'lit';
import type { Catalog, Language } from '../i18n/catalog.js';
import type { CustomerEndReason, CustomerSessionState, InviteData } from '../session-api.js';
import type { ElementState } from '../customer-state.js';
import type { SupportCodeDeps } from '../support-code.js';
import type { Pristine } from '../pristine.js';

/** Where the live indicator sits (`indicator-corner`); the customer can move it from there. */
export type IndicatorCorner = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export type CustomerView =
  'idle' | 'support-code' | 'consent' | 'starting' | CustomerSessionState | 'control-prompt' | 'error';

/** An invited agent or supervisor watching the session. */
export interface ViewerEntry {
  readonly id: string;
  readonly name: string;
  readonly kind: 'agent' | 'supervisor';
}

/** What the view shows: read-only state of the element. */
export interface CustomerViewModel {
  readonly view: CustomerView;
  readonly lang: Language;
  /** The language's catalog with the integrator's wording applied. */
  readonly catalog: Catalog;
  readonly agentName: string;
  /** The agent is an automated program. */
  readonly agentBot: boolean;
  /** The customer ticked "a person may take over" in the prompt of an automated agent. */
  readonly handover: boolean;
  /** A person just took over from the automated agent. */
  readonly tookOver: boolean;
  readonly supportButton: boolean;
  readonly supportCode: string;
  /** The toast's text in the 'ended' and 'error' views. */
  readonly message: string;
  readonly paused: boolean;
  readonly controlGranted: boolean;
  /** Control was allowed but its code did not load: the agent has none. */
  readonly controlFailed: boolean;
  /** The capture failed: the agent does not see this page. */
  readonly captureProblem: string;
  /** Areas the outlines of what is hidden show right now. */
  readonly hiddenCount: number;
  /** Who watches besides the agent, in joining order. */
  readonly viewers: readonly ViewerEntry[];
  /** Who guides and asks for control now ('' until the server said; then the agent or a viewer handed the lead). */
  readonly leadName: string;
  /** Who started watching with the latest change (said in the live region). */
  readonly joined: readonly ViewerEntry[];
  /** The integrator's corner for the indicator; by default the bottom corner on the side the text ends. */
  readonly corner: IndicatorCorner | null;
}

/** What the element hands its view on each render; the view derives its model from it (model.ts). */
export interface ElementView {
  readonly state: ElementState;
  readonly lang: Language;
  readonly catalog: Catalog;
  readonly supportButton: boolean;
  /** The `indicator-corner` attribute as written. */
  readonly indicatorCorner: string;
}

/** What the customer's clicks and keys do: the element's own methods. */
export interface CustomerViewActions {
  allow(): void;
  decline(): void;
  requestSupportCode(): void;
  cancelSupportCode(): void;
  answerControl(granted: boolean): void;
  setHandover(allowed: boolean): void;
  revokeControl(): void;
  pause(): void;
  resume(): void;
  end(): void;
  /** Outline on the page what the agent cannot see. */
  showHidden(): void;
  /** Remove a viewer: disconnected, and its invite stops working. */
  removeViewer(viewerId: string): void;
  /** Render again (the view changed state of its own, e.g. the indicator moved). */
  requestUpdate(): void;
}

/** The loader's Lit, handed to the view so that the page loads Lit once. */
export interface LitApi {
  readonly html: typeof html;
  readonly svg: typeof svg;
  readonly css: typeof css;
  readonly nothing: typeof nothing;
}

export interface CustomerViewRenderer {
  readonly styles: CSSResult;
  render(element: ElementView, actions: CustomerViewActions, root: ShadowRoot): TemplateResult | symbol;
  /** What the element's live region says now: the status, a toast, how many areas are hidden. */
  announcement(element: ElementView): string;
  /** After each render, once the prompts are in the top layer (what the view sets through the CSSOM, focus). */
  afterRender(root: ShadowRoot): void;
}

/** The view module's exports. */
export interface CustomerViewModule {
  /** English, the catalog every other language falls back to. */
  readonly en: Catalog;
  customerView(lit: LitApi): CustomerViewRenderer;
  /** The support-code request (client/support-code.ts): here, as it is needed only once the view shows its button. */
  fetchSupportCode(server: string, deps: SupportCodeDeps): Promise<{ code: string; invite: InviteData }>;
  /** Checks an invite (client/invite.ts): the prompt it opens is the view's; throws an InviteError to show. */
  parseInvite(input: unknown, fromJson: (text: string) => unknown): InviteData;
  /** The customer's End while the session's code loads (client/end-before-start.ts): shown with the End button. */
  endBeforeStart(
    invite: InviteData,
    adopted: WebSocket | undefined,
    pristine: Pristine,
    reason: CustomerEndReason,
    keys: readonly string[],
  ): void;
}
