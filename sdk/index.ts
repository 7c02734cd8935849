/**
 * The Node agent SDK (`peer-cobrowse/sdk`): a program joins a co-browsing
 * session with an agent token, keeps a masked, DOM-free model of the
 * customer's page, and guides or acts under the same rules as a person.
 * This entry is the only one that loads node-datachannel.
 *
 * ```ts
 * const session = await joinSession({ server, token, name: 'Help bot', bot: true });
 * const postcode = await session.field('Postcode');
 * session.highlight(postcode.id, 'Your postcode goes here');
 * ```
 */
import { nodeWrtc } from '../shared/peer-node.js';
import { AgentConnection } from './connection.js';
import { AgentSdkSession } from './session.js';

export { ActionError, type ActionErrorCode } from './action-rules.js';
export type { ModelChange, ModelNode, PageModel } from './page-model.js';
export type { PageElement, PageField, PageHeading, PageLink, PageView } from './page-view.js';
export type { AgentSdkSession, AgentSessionEvents } from './session.js';

export interface JoinOptions {
  /** Base URL of the co-browsing server, e.g. https://cobrowse.example.com */
  server: string;
  /** The agent token from `POST /api/sessions` (`agent.token`). */
  token: string;
  /** How the program calls itself (shown in logs; the customer sees the name the session was created with). */
  name?: string;
  /** The program is an automated agent (create the session with `agentBot: true` so the customer and the audit say so). */
  bot?: boolean;
  /** Give up when the customer's page has not arrived by then (ms; default 30 s). */
  timeoutMs?: number;
}

/**
 * Join a session and resolve once the customer's page has arrived (after the
 * customer consented); rejects when the token is refused, the session ends or
 * the page does not arrive in time.
 */
export async function joinSession(options: JoinOptions): Promise<AgentSdkSession> {
  const connection = new AgentConnection({
    server: options.server,
    token: options.token,
    wrtc: await nodeWrtc(),
    ...(options.bot === true ? { bot: true } : {}),
  });
  const session = new AgentSdkSession(connection);
  const arrived = session.until(() => true, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  connection.connect();
  try {
    await arrived;
  } catch (error) {
    session.leave();
    throw error;
  }
  return session;
}
export { carryOut, RuleBasedPolicy, type GuidancePlan, type GuidancePolicy } from './guidance.js';
