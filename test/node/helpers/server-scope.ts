/**
 * The servers and sockets one test file opens, closed after each test: the
 * preamble every signaling test file had its own copy of.
 */
import { afterEach } from 'vitest';
import { connect, type TestSocket } from './ws-client.js';
import { startTestServer, type TestServer } from './server.js';

export interface ServerScope {
  /** Starts a real server (startTestServer's arguments), closed after the test. */
  start(...args: Parameters<typeof startTestServer>): Promise<TestServer>;
  /** Opens a socket to the server, terminated after the test. */
  open(server: TestServer, headers?: Record<string, string>): Promise<TestSocket>;
  /** Sockets opened by other means that should be terminated too. */
  readonly sockets: TestSocket[];
}

export function serverScope(): ServerScope {
  const servers: TestServer[] = [];
  const sockets: TestSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.ws.terminate();
    for (const server of servers.splice(0)) await server.close();
  });
  return {
    async start(...args) {
      const server = await startTestServer(...args);
      servers.push(server);
      return server;
    },
    async open(server, headers = {}) {
      const socket = await connect(server.wsUrl, headers);
      sockets.push(socket);
      return socket;
    },
    sockets,
  };
}
