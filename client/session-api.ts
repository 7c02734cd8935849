/**
 * The contract between the loader (`<cobrowse-session>`, on every page) and
 * the session bundle (fetched only after the customer allows). Types only:
 * importing this file costs the loader nothing.
 */
import type { Pristine } from './pristine.js';

/** What the customer-side session is doing, as the element shows it. */
export type CustomerSessionState =
  | 'connecting'
  /** Consent given; waiting for the agent's browser to join. */
  | 'waiting-for-agent'
  | 'live'
  /** The network dropped; retrying. The agent's view is marked stale meanwhile. */
  | 'reconnecting'
  | 'ended';

export type CustomerEndReason =
  'customer-ended' | 'agent-ended' | 'declined' | 'expired' | 'api' | 'left-site' | 'peer-lost' | 'error';

/** A validated invite, as the loader stores it for navigation resume. */
export interface InviteData {
  v: string;
  server: string;
  sessionId: string;
  token: string;
  agentName?: string;
  /** The agent is an automated program: the customer is told so. */
  agentBot?: boolean;
  expiresAt: number;
}

/** What the element offers the session bundle. */
export interface SessionHost {
  /** Called on every state change. */
  onState(state: CustomerSessionState, detail?: { reason?: CustomerEndReason; agentPresent?: boolean }): void;
  /** The offer to the agent left (the loader then closes the consent prompt, see RenderHold in top-layer-ui.ts). */
  onOffer?(): void;
  /** The agent asked for control: resolve true when the customer allows. */
  requestControl(): Promise<boolean>;
  /** Control was granted or revoked (by either side). */
  onControl(granted: boolean): void;
  /** The session paused itself: the server recorded a pause the tab's record did not say (a resumed page). */
  onPaused?(paused: true): void;
  /** The resume keys the tab's record keeps from now on (client/resume-store.ts heldResumeKeys). */
  onResumeKeys?(keys: string[]): void;
  /** Who the agent is (from the server's welcome), and when a person takes over from an automated agent. */
  onAgent?(agent: { name: string; bot: boolean; tookOver: boolean }): void;
  /** The agent's guidance in words, in the customer's language ("Dana highlighted: Postcode"). */
  guidanceWords?(kind: 'highlighted' | 'pointing', agent: string, target: string): string;
  /** Who watches besides the agent (invited agents, supervisors) and who guides now, on every change. */
  onViewers?(viewers: readonly { id: string; name: string; kind: 'agent' | 'supervisor' }[], lead: string): void;
  /** The outlines of what is hidden show `count` areas (0: they went away). */
  onHiddenAreas?(count: number): void;
  /** The label of an outlined hidden area, in the customer's language ("Hidden from Dana"). */
  hiddenLabel?(): string;
  /** Remote control's code could not be loaded: control ended and the agent was told; tell the customer. */
  onControlFailed?(): void;
  /** Capture failed: the agent was told; tell the customer their page is not being shared. */
  onCaptureFailed?(reason: string): void;
  /** The element that holds our UI; it and everything inside are never captured. */
  readonly uiRoot: HTMLElement;
  /** Where the guidance overlay (agent pointer, highlights, drawings) is drawn: inside our own shadow root. */
  readonly overlayContainer: HTMLElement;
  readonly maskSelectors: string[];
  readonly blockSelectors: string[];
  /** Origins besides the page's own the agent may send the tab to (`navigation-origins`), as written. */
  readonly navigationOrigins: readonly string[];
  /** The page's DOM and globals as the loader found them (see pristine.ts). */
  readonly pristine?: Pristine;
}

export interface SessionHandle {
  /** The customer's one-click End. */
  end(reason?: CustomerEndReason): void;
  /** The customer takes control back. */
  revokeControl(): void;
  /** Stop capturing and sending until resume(); the agent is told and the audit records it. */
  pause(): void;
  /** Capture again, starting with a fresh snapshot. */
  resume(): void;
  /** Outline the masked fields and blocked regions on the customer's page for a few seconds. */
  showHiddenAreas(): void;
  /** Remove a viewer: disconnected, told why, and its invite stops working. */
  removeViewer(viewerId: string): void;
}

/**
 * The loader's consent socket, already authenticated with the customer token
 * and with consent recorded on it, handed to the session bundle so that Allow
 * does not wait for a second socket to connect and authenticate.
 */
export interface AdoptedSignaling {
  readonly socket: WebSocket;
  /** Call once the session listens on the socket: every server message received so far (text, the welcome first, in order); the loader stops listening. */
  takeMessages(): string[];
}

export interface SessionStartOptions {
  invite: InviteData;
  host: SessionHost;
  /** True when resuming after a same-origin navigation (no new consent, report the page). */
  resumed: boolean;
  /** Resuming with control still granted to the agent (granted until the customer revokes it). */
  controlGranted?: boolean;
  /** Resuming paused: nothing is captured, sent or reported until the customer resumes. */
  paused?: boolean;
  /** This page's resume keys, said in its socket's hello (client/resume-store.ts, signaling/customer-resume.ts). */
  resume?: { keys: string[]; next: string };
  /** The consent socket to go on with; without it the session opens its own. */
  signaling?: AdoptedSignaling;
  /** The customer let a person take over from the automated agent (sent with consent-granted if the loader could not). */
  handover?: boolean;
  /** Test hook: a WebRTC implementation or ICE policy override. */
  iceTransportPolicy?: 'all' | 'relay';
  /** Test hook: see every encoded message before it is chunked onto the data channel. */
  onWireBytes?: (bytes: Uint8Array) => void;
}

/** The session bundle's single export. */
export type StartSession = (options: SessionStartOptions) => SessionHandle;

/** What the parent page's hello tells a framed page's capture (shared/protocol/frame-bridge.ts). */
export interface FrameHelloData {
  /** The parent page's asset policy: the frame sends its assets the same way. */
  assets?: 'channel' | 'fallback' | 'direct';
}

/** A framed page's capture, started by the parent page's hello (client/frame-listener.ts). */
export interface StartedFrame {
  stop(): void;
}

/** The session bundle's entry for a framed page: capture this frame into the parent's port. */
export type StartFrame = (options: {
  window: Window;
  port: MessagePort;
  hello: FrameHelloData;
  element: HTMLElement;
  pristine?: Pristine;
  /** The parent's frame-stop ended this capture. */
  onStop?: () => void;
}) => StartedFrame;
