/**
 * The remote-control chunk: the agent's clicks, keys, scrolls, navigation and typing on the customer's page
 * (action-runner.ts, remote-actions.ts, remote-input.ts and what only they use). Most sessions never grant
 * control, so the session bundle leaves this code out and fetches it as a chunk of its own (remote-control.ts),
 * the build splitting it at this module's dynamic import (scripts/build.mjs).
 */
import { ActionRunner, type ActionRunnerDeps } from './action-runner.js';
import { RemoteInput } from './remote-input.js';

export interface RemoteControlDeps extends Omit<ActionRunnerDeps, 'remoteInput'> {
  /** The customer typed in the field the agent is typing in (RemoteInput's conflict). */
  onConflict(id: number): void;
}

/** The loaded parts: what runs the lead's actions, and the agent's typing with the customer's own input rules. */
export interface RemoteControlParts {
  readonly runner: ActionRunner;
  readonly input: RemoteInput;
}

export function startRemoteControl(deps: RemoteControlDeps): RemoteControlParts {
  const input = new RemoteInput((id) => deps.onConflict(id));
  return { input, runner: new ActionRunner({ ...deps, remoteInput: input }) };
}
