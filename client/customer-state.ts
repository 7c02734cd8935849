/**
 * The state of <cobrowse-session> as one discriminated union: each variant
 * holds exactly what is valid in it (the consent socket only while it is the
 * customer's socket, the session handle only once the session bundle runs),
 * so no two fields can disagree. Transitions are pure functions; the element
 * (cobrowse-session.ts) does the effects around them.
 */
import type { ConsentSocket } from './consent-socket.js';
import type { CustomerSessionState, InviteData, SessionHandle } from './session-api.js';
import type { CustomerView, ViewerEntry } from './ui/view-model.js';

/** Where a shared session is: the session bundle loading ('starting'), then the bundle's own states. */
export type SharingPhase = 'starting' | Exclude<CustomerSessionState, 'ended'>;

/** What holds from Allow (or a resumed page) until sharing ends. */
export interface Sharing {
  readonly invite: InviteData;
  readonly phase: SharingPhase;
  readonly paused: boolean;
  readonly controlGranted: boolean;
  /** Control was allowed but its code did not load (until control is granted again). */
  readonly controlFailed: boolean;
  /** The control prompt is open: the customer's answer goes here. */
  readonly controlAnswer: ((granted: boolean) => void) | null;
  /** The capture failed ('' while it works): the agent does not see this page. */
  readonly captureProblem: string;
  /** A person just took over from the automated agent. */
  readonly tookOver: boolean;
  /** Areas the outlines of what is hidden show now. */
  readonly hiddenCount: number;
  /** Who watches besides the agent; `joined`: who started watching with the latest change. */
  readonly viewers: readonly ViewerEntry[];
  readonly joined: readonly ViewerEntry[];
  /** Who guides now when a viewer was handed the lead ('' before the server said). */
  readonly lead: string;
}

export type ElementState =
  | { readonly kind: 'idle' }
  /** The support code is shown; its socket waits for the agent to enter it. */
  | {
      readonly kind: 'support-code';
      readonly invite: InviteData;
      readonly socket: ConsentSocket;
      readonly code: string;
    }
  /** An invite arrived; the prompt shows once the view and its words are here. */
  | { readonly kind: 'offered'; readonly invite: InviteData; readonly socket: ConsentSocket }
  | {
      readonly kind: 'consent';
      readonly invite: InviteData;
      readonly socket: ConsentSocket;
      /** The customer lets a person take over from the automated agent without a new prompt. */
      readonly handover: boolean;
      readonly answer: (granted: boolean) => void;
    }
  /** Allowed (or resumed): the session bundle is being fetched and started. */
  | (Sharing & { readonly kind: 'loading' })
  | (Sharing & { readonly kind: 'sharing'; readonly session: SessionHandle })
  /** A toast: sharing ended, or something failed. */
  | { readonly kind: 'ended' | 'error'; readonly message: string };

export type SharingState = Extract<ElementState, Sharing>;

export const IDLE: ElementState = { kind: 'idle' };

/** Allowed, or resumed on a new page (paused if the previous page was): nothing of the session runs yet. */
export function loading(invite: InviteData, controlGranted: boolean, paused = false): SharingState {
  return {
    kind: 'loading',
    invite,
    phase: 'starting',
    paused,
    controlGranted,
    controlFailed: false,
    controlAnswer: null,
    captureProblem: '',
    tookOver: false,
    hiddenCount: 0,
    viewers: [],
    joined: [],
    lead: '',
  };
}

/** The state while sharing, or null. */
export function sharingOf(state: ElementState): SharingState | null {
  return state.kind === 'loading' || state.kind === 'sharing' ? state : null;
}

/** The server's list of viewers: who is not in the previous one has just joined. */
export function withViewers(state: SharingState, viewers: readonly ViewerEntry[], lead: string): SharingState {
  const before = new Set(state.viewers.map((viewer) => viewer.id));
  return { ...state, viewers, lead, joined: viewers.filter((viewer) => !before.has(viewer.id)) };
}

/** The server says who the agent is now. */
export function withAgent(state: SharingState, name: string, bot: boolean, tookOver: boolean): SharingState {
  const agentName = name || state.invite.agentName;
  return {
    ...state,
    invite: { ...state.invite, ...(agentName ? { agentName } : {}), agentBot: bot },
    tookOver: tookOver || state.tookOver,
  };
}

/** What the view shows for a state. */
export function viewOf(state: ElementState): CustomerView {
  switch (state.kind) {
    case 'loading':
    case 'sharing':
      return state.controlAnswer ? 'control-prompt' : state.phase;
    case 'offered':
      return 'idle';
    default:
      return state.kind;
  }
}

/** The running session bundle's handle, once it runs. */
export function sessionOf(state: ElementState): SessionHandle | null {
  return state.kind === 'sharing' ? state.session : null;
}

/** Where the customer's answer to the open consent prompt goes. */
export function answerOf(state: ElementState): ((granted: boolean) => void) | null {
  return state.kind === 'consent' ? state.answer : null;
}

/** The customer ticked "a person may take over" in the open prompt. */
export function handoverOf(state: ElementState): boolean {
  return state.kind === 'consent' && state.handover;
}

/** The agent the customer deals with in this state ('' when none). */
export function inviteOf(state: ElementState): InviteData | null {
  return 'invite' in state ? state.invite : null;
}
