/**
 * The customer element's state union (client/customer-state.ts): the
 * transitions are pure, so they are checked here without a DOM. Expected
 * values are written out, not derived with the functions under test.
 */
import { describe, expect, it } from 'vitest';
import {
  IDLE,
  handoverOf,
  inviteOf,
  loading,
  sharingOf,
  viewOf,
  withAgent,
  withViewers,
  type ElementState,
} from '../../client/customer-state.js';
import type { ConsentSocket } from '../../client/consent-socket.js';
import type { InviteData, SessionHandle } from '../../client/session-api.js';

const invite: InviteData = {
  v: '1',
  server: 'http://x',
  sessionId: 's',
  token: 't',
  agentName: 'Bot',
  agentBot: true,
  expiresAt: 1,
};
/** Not used by the functions under test: only carried in the states. */
const socket = {} as ConsentSocket;
const session = {} as SessionHandle;

describe('customer element state', () => {
  it('a session that was allowed starts loading with nothing of the session yet', () => {
    const state = loading(invite, true);
    expect(state.kind).toBe('loading');
    expect('session' in state).toBe(false);
    expect(viewOf(state)).toBe('starting');
    expect(state.controlGranted).toBe(true);
    expect(sharingOf(state)).toBe(state);
  });

  it('the view follows the session phase, and the control prompt over it', () => {
    const live: ElementState = { ...loading(invite, false), kind: 'sharing', session, phase: 'live' };
    expect(viewOf(live)).toBe('live');
    const asked: ElementState = { ...live, controlAnswer: () => undefined };
    expect(viewOf(asked)).toBe('control-prompt');
    // The phase moves on under the prompt and shows once it is answered.
    expect(viewOf({ ...asked, phase: 'reconnecting', controlAnswer: null })).toBe('reconnecting');
  });

  it('an offer waiting for its view shows nothing yet; prompts and toasts show as themselves', () => {
    expect(viewOf({ kind: 'offered', invite, socket })).toBe('idle');
    expect(viewOf({ kind: 'consent', invite, socket, handover: false, answer: () => undefined })).toBe('consent');
    expect(viewOf({ kind: 'support-code', invite, socket, code: '1234 5678' })).toBe('support-code');
    expect(viewOf({ kind: 'ended', message: 'Sharing ended' })).toBe('ended');
    expect(viewOf(IDLE)).toBe('idle');
  });

  it('only the open consent prompt carries the hand-over choice; only states with an invite name an agent', () => {
    expect(handoverOf({ kind: 'consent', invite, socket, handover: true, answer: () => undefined })).toBe(true);
    expect(handoverOf(loading(invite, false))).toBe(false);
    expect(inviteOf(IDLE)).toBeNull();
    expect(inviteOf({ kind: 'error', message: 'x' })).toBeNull();
    expect(inviteOf({ kind: 'offered', invite, socket })?.agentName).toBe('Bot');
    expect(sharingOf({ kind: 'offered', invite, socket })).toBeNull();
  });

  it('viewers: who is new is the joined list; the same list again joins nobody', () => {
    const sam = { id: 'v1', name: 'Sam', kind: 'supervisor' as const };
    const lee = { id: 'v2', name: 'Lee', kind: 'agent' as const };
    const first = withViewers(loading(invite, false), [sam], '');
    expect(first.joined).toEqual([sam]);
    const second = withViewers(first, [sam, lee], 'Sam');
    expect(second.joined).toEqual([lee]);
    expect(second.lead).toBe('Sam');
    expect(withViewers(second, [sam, lee], 'Sam').joined).toEqual([]);
  });

  it('a person taking over renames the agent and keeps the name when the server sends none', () => {
    const took = withAgent(loading(invite, false), 'Dana', false, true);
    expect(took.invite).toEqual({ ...invite, agentName: 'Dana', agentBot: false });
    expect(took.tookOver).toBe(true);
    const unnamed = withAgent(took, '', false, false);
    expect(unnamed.invite.agentName).toBe('Dana');
    // A later message without a take-over does not clear the notice (its timer does).
    expect(unnamed.tookOver).toBe(true);
  });
});
