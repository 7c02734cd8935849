/**
 * The lead's remote actions, each answered with action-ack or action-refused
 * on the channel it came from, and audited once per field typed in, not per
 * keystroke. Part of the remote-control chunk: which numbered action runs, at
 * most once and in order, is remote-control.ts's (it is in the session bundle,
 * and answers what arrives before this chunk has loaded).
 */
import type { ChannelMessage, PeerEvent, RemoteAction } from '../../shared/protocol.js';
import type { MaskConfig } from '../capture/mask-dom.js';
import type { SessionHost } from '../session-api.js';
import { ActionBudget } from './action-budget.js';
import { applyRemoteAction, type ActionContext, type ActionOutcome } from './remote-actions.js';
import type { RemoteInput } from './remote-input.js';
import type { PeerLink } from './viewer-links.js';

export interface ActionRunnerDeps {
  window: Window & typeof globalThis;
  maskConfig: MaskConfig;
  host: SessionHost;
  remoteInput: RemoteInput;
  audit(event: PeerEvent): void;
}

export class ActionRunner {
  readonly #deps: ActionRunnerDeps;
  /** The field of the last audited edit. */
  #auditedEdit: number | null = null;
  /** Bounds on the agent's actions (rate, characters typed), for this page. */
  readonly #budget = new ActionBudget();

  constructor(deps: ActionRunnerDeps) {
    this.#deps = deps;
  }

  run(message: Extract<ChannelMessage, { t: 'action' }>, link: PeerLink, controlGranted: boolean): void {
    const { serial, action } = message;
    const channel = link.channel;
    const capture = link.capture;
    const { host } = this.#deps;
    const outcome: ActionOutcome =
      controlGranted && !this.#budget.take(insertedBy(action))
        ? { ok: false, reason: 'limit' }
        : applySafely(action, controlGranted, {
            window: this.#deps.window,
            nodeById: (id) => capture?.nodeOf(id),
            maskConfig: this.#deps.maskConfig,
            isOwnUi: (node) => host.uiRoot.contains(node),
            remoteInput: this.#deps.remoteInput,
            navigationOrigins: host.navigationOrigins,
          });
    if (!outcome.ok) {
      channel?.send({
        t: 'action-refused',
        kind: action.kind,
        reason: outcome.reason,
        ...(serial !== undefined ? { serial } : {}),
      });
      return;
    }
    // A key's edit is answered with the field's state even when the page refused the key (it fired no input, so
    // nothing else would say it): the agent's copy, which ran no page script, follows it once the agent leaves.
    if (action.kind === 'edit' && (action.insert !== '' || action.deleteCount > 0)) {
      const field = outcome.field ?? capture?.nodeOf(action.id);
      if (field) capture?.resendFormState(field);
    }
    // The ack goes after the frames that show the action's effect (the agent's copy waits for both).
    capture?.flushNow();
    if (serial !== undefined) channel?.send({ t: 'action-ack', serial });
    if (action.kind !== 'edit' || this.#auditedEdit !== action.id)
      this.#deps.audit({ kind: 'remote-action', action: action.kind, target: outcome.target });
    this.#auditedEdit = action.kind === 'edit' ? action.id : null;
  }
}

/** Characters an action puts into the page. */
function insertedBy(action: RemoteAction): number {
  return action.kind === 'edit' ? action.insert.length : action.kind === 'input' ? action.value.length : 0;
}

/** An action that throws on the page (a value setter the page or the browser refuses) is answered as invalid. */
function applySafely(action: RemoteAction, controlGranted: boolean, context: ActionContext): ActionOutcome {
  try {
    return applyRemoteAction(action, controlGranted, context);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}
