/**
 * The rules a person in the console follows, checked before anything is sent:
 * guidance (pointer, highlight, drawings, asking for control) needs a live
 * page; remote actions need control granted; nothing goes into a masked or
 * blocked field; navigation stays on the page's origin. The customer's page
 * checks again (client/session/remote-actions.ts) and answers
 * `action-refused`, which the session surfaces as an ActionError too.
 */
import type { RemoteAction } from '../shared/protocol.js';
import type { ActionRefusal } from '../shared/protocol.js';
import type { PageModel } from './page-model.js';

export type ActionErrorCode =
  /** No data channel to the customer's page right now. */
  | 'not-live'
  /**
   * Refused here or by the customer's page (shared/protocol.ts actionRefusal):
   * no-control, masked (the target or a masked/blocked subtree), not-found,
   * cross-origin, invalid, scheme, conflict (the customer typed in the field), unsupported, limit (over
   * the customer's bounds on actions per second, characters typed, a field's length).
   */
  | ActionRefusal;

/** An action refused here or by the customer's page. */
export class ActionError extends Error {
  readonly code: ActionErrorCode;
  /** 'local': refused before sending; 'customer': the customer's page refused it. */
  readonly by: 'local' | 'customer';
  constructor(code: ActionErrorCode, message: string, by: 'local' | 'customer' = 'local') {
    super(message);
    this.name = 'ActionError';
    this.code = code;
    this.by = by;
  }
}

/** True when the node or an ancestor was masked or blocked by the customer's browser. */
export function isMaskedTarget(model: PageModel, id: number): boolean {
  let node = model.nodes.get(id);
  while (node && node.id !== 0) {
    if (
      node.masked ||
      node.blocked ||
      'data-cobrowse-mask' in node.attributes ||
      'data-cobrowse-block' in node.attributes
    )
      return true;
    node = model.nodes.get(node.parent);
  }
  return false;
}

/** Why a remote action may not be sent now, or null when it may. */
export function remoteActionRefusal(
  action: RemoteAction,
  state: { live: boolean; controlGranted: boolean; model: PageModel },
): ActionError | null {
  if (!state.live) return new ActionError('not-live', 'The customer’s page is not connected.');
  if (!state.controlGranted) return new ActionError('no-control', 'The customer has not granted control.');
  if (action.kind === 'navigate') {
    if (action.to === 'back' || action.to === 'forward' || action.to === 'reload') return null;
    let target: URL;
    try {
      target = new URL(action.to, state.model.url);
    } catch {
      return new ActionError('invalid', `Not a URL: ${action.to}`);
    }
    return target.origin === new URL(state.model.url).origin
      ? null
      : new ActionError('cross-origin', 'Navigation stays on the customer’s site.');
  }
  if (action.kind === 'scroll' && action.id === 0) return null;
  const node = state.model.nodes.get(action.id);
  if (!node || node.kind !== 'element') return new ActionError('not-found', `No element ${action.id} on the page.`);
  if (action.kind !== 'scroll' && isMaskedTarget(state.model, action.id))
    return new ActionError('masked', 'Masked fields cannot be used remotely.');
  return null;
}

/** Why guidance (pointer, highlight, drawing, control request) may not be sent now. */
export function guidanceRefusal(state: { live: boolean; model: PageModel }, targetId?: number): ActionError | null {
  if (!state.live) return new ActionError('not-live', 'The customer’s page is not connected.');
  if (targetId !== undefined && !state.model.nodes.has(targetId))
    return new ActionError('not-found', `No element ${targetId} on the page.`);
  return null;
}
