/**
 * A user-space UDP impairment proxy for the benchmark's realistic networks:
 * tc netem is not available on these machines (no sch_netem module, and no
 * modprobe), so datagrams to a TURN server go through this proxy, which holds
 * each one for a fixed one-way delay and drops a share of them at random.
 * One upstream socket per client address, so the TURN server sees each
 * browser as its own client, as it would across a real network.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export interface ImpairmentOptions {
  /** Where datagrams go (the TURN server). */
  targetPort: number;
  targetHost?: string;
  /** Held before forwarding, in each direction, ms. */
  oneWayDelayMs: number;
  /** Share of datagrams dropped in each direction, 0..1. */
  lossRate: number;
  /** Seed of the drop decisions, so two runs drop alike. */
  seed?: number;
}

export interface Impairment {
  port: number;
  stats(): { forwarded: number; dropped: number };
  close(): Promise<void>;
}

/** Small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startUdpImpairment(options: ImpairmentOptions): Promise<Impairment> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const next = random(options.seed ?? 1);
  const front = createSocket('udp4');
  const upstreams = new Map<string, Socket>();
  let forwarded = 0;
  let dropped = 0;
  let closed = false;

  const later = (send: () => void): void => {
    if (next() < options.lossRate) {
      dropped += 1;
      return;
    }
    forwarded += 1;
    setTimeout(() => {
      if (!closed) send();
    }, options.oneWayDelayMs);
  };

  front.on('message', (message: Buffer, client: RemoteInfo) => {
    const key = `${client.address}:${client.port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      const socket = createSocket('udp4');
      socket.on('message', (reply: Buffer) => later(() => front.send(reply, client.port, client.address)));
      socket.on('error', () => undefined);
      socket.bind(0, '127.0.0.1');
      upstreams.set(key, socket);
      upstream = socket;
    }
    const out = upstream;
    later(() => out.send(message, options.targetPort, targetHost));
  });
  front.on('error', () => undefined);
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return {
    port: front.address().port,
    stats: () => ({ forwarded, dropped }),
    async close() {
      closed = true;
      for (const socket of upstreams.values()) socket.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
