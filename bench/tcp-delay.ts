/**
 * A TCP proxy that holds every chunk for a fixed time in each direction, so
 * the signaling server (HTTP and WebSocket) is as far from the browsers as
 * the relayed media path in bench/network.ts. Chunks keep their order: each
 * direction's chunks wait the same time and timers fire in order.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpDelay {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startTcpDelay(targetPort: number, oneWayDelayMs: number): Promise<TcpDelay> {
  const sockets = new Set<Socket>();
  const pipe = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), oneWayDelayMs));
    from.on('end', () => setTimeout(() => to.end(), oneWayDelayMs));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), oneWayDelayMs));
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the delay proxy did not bind a port');
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
