/** The preamble of the tests with several sockets: a session whose customer granted consent and whose agent joined. */
import { createSession, type TestServer } from './server.js';
import type { TestSocket } from './ws-client.js';

/**
 * A session created on `server` (createSession's `body`) whose customer said hello there and sent
 * consent-granted, then whose agent seat said hello on `agentOn` (the same server unless named). Sockets come
 * from the test file's `open`, which closes them.
 */
export async function consentedSession<S extends TestSocket>(
  open: (server: TestServer) => Promise<S>,
  server: TestServer,
  options: { agentOn?: TestServer; body?: Record<string, unknown> } = {},
) {
  const session = await createSession(server, options.body ?? {});
  const customer = await open(server);
  await customer.hello(session.customerToken);
  customer.send({ t: 'event', event: { kind: 'consent-granted' } });
  const agent = await open(options.agentOn ?? server);
  const welcome = await agent.hello(session.agentToken);
  return { session, customer, agent, welcome };
}
