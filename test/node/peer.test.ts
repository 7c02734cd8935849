/**
 * The peer adapter between two real Node peers (node-datachannel as the
 * WebRTC stack), signals handed across directly: the signaling server is
 * tested on its own. iceServers: [] keeps every packet on this machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  PEER_DRAIN_THRESHOLD_BYTES,
  PeerTransportError,
  createPeer,
  type PeerError,
  type PeerEvents,
  type PeerTransport,
  type WrtcImplementation,
} from '../../shared/peer.js';
import { AGENT_TO_CUSTOMER_MAX_BYTES, CobrowseChannel } from '../../shared/channel.js';
import { MessageDecoder } from '../../shared/codec.js';
import { deflateStream } from '../../shared/deflate-stream.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import { chunkMessage } from '../../shared/framing.js';
import { nodeWrtc } from '../../shared/peer-node.js';
import { createNativePeer } from '../../shared/peer-native.js';
import type { SignalData } from '../../shared/protocol.js';

let wrtc: WrtcImplementation;
const openPeers: PeerTransport[] = [];

beforeAll(async () => {
  wrtc = await nodeWrtc();
});

afterEach(() => {
  for (const peer of openPeers.splice(0)) peer.close();
});

/**
 * The offering (customer) side: simple-peer as the agent and the SDK use it,
 * or the native adapter of the customer's session bundle, against a
 * simple-peer answerer either way.
 */
type Offerer = 'simple-peer' | 'native';
let offerer: Offerer = 'simple-peer';

function newPeer(initiator: boolean): { peer: PeerTransport; errors: PeerError[] } {
  const peer =
    initiator && offerer === 'native'
      ? createNativePeer({ iceServers: [], wrtc })
      : createPeer({ initiator, iceServers: [], wrtc });
  openPeers.push(peer);
  const errors: PeerError[] = [];
  peer.on('error', (error) => errors.push(error));
  return { peer, errors };
}

function nextEvent<K extends keyof PeerEvents>(peer: PeerTransport, event: K): Promise<PeerEvents[K]> {
  return new Promise((resolve) => {
    const off = peer.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

function collectData(peer: PeerTransport): Uint8Array[] {
  const received: Uint8Array[] = [];
  peer.on('data', (bytes) => received.push(bytes));
  return received;
}

/** Resolves once `received` holds `count` messages; no fixed sleeps. */
function untilReceived(peer: PeerTransport, received: Uint8Array[], count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (received.length >= count) return resolve();
    const offData = peer.on('data', () => {
      if (received.length >= count) {
        offData();
        offClose();
        resolve();
      }
    });
    const offClose = peer.on('close', ({ reason }) =>
      reject(new Error(`closed (${reason}) after ${received.length}/${count} messages`)),
    );
  });
}

/**
 * libdatachannel sometimes rejects a well-formed answer with "Got a remote
 * candidate without ICE transport" when handshakes run back to back on a busy
 * CPU (a known race in the native library, reproduced elsewhere without this
 * code). Browsers are the peers in production, so only these Node-to-Node
 * tests retry a handshake that failed with exactly that error; any other
 * failure fails the test.
 */
function isLibdatachannelIceRace(error: PeerError): boolean {
  return error.code === 'signaling-failed' && error.message.includes('without ICE transport');
}

/** Waits for both peers to connect; rejects as soon as either closes first, with its errors. */
function bothConnected(
  customer: { peer: PeerTransport; errors: PeerError[] },
  agent: { peer: PeerTransport; errors: PeerError[] },
): Promise<void> {
  return new Promise((resolve, reject) => {
    let connected = 0;
    for (const side of [customer, agent]) {
      const offConnect = side.peer.on('connect', () => {
        offConnect();
        offClose();
        if (++connected === 2) resolve();
      });
      const offClose = side.peer.on('close', ({ reason }) => {
        offConnect();
        offClose();
        const error = side.errors[0];
        reject(
          Object.assign(new Error(`closed (${reason}) before connecting: ${error?.message ?? 'no error'}`), {
            peerError: error,
          }),
        );
      });
    }
  });
}

/** Runs one handshake attempt, retrying only the known libdatachannel race. */
async function withIceRaceRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const peerError = (error as { peerError?: PeerError }).peerError;
      if (tries >= 5 || !peerError || !isLibdatachannelIceRace(peerError)) throw error;
      for (const peer of openPeers.splice(0)) peer.close();
    }
  }
}

/**
 * Hands `from`'s signals to `to` one task later each, in order, as the
 * signaling server's WebSocket does (handed over synchronously, an answer's
 * candidates reached libdatachannel inside the task that set the remote
 * description, which made its ICE race above more likely).
 */
function relay(from: PeerTransport, to: PeerTransport): void {
  from.on('signal', (signal) => setImmediate(() => to.signal(signal)));
}

function connectedPair() {
  return withIceRaceRetry(async () => {
    const customer = newPeer(true);
    const agent = newPeer(false);
    relay(customer.peer, agent.peer);
    relay(agent.peer, customer.peer);
    await bothConnected(customer, agent);
    return { customer, agent };
  });
}

function patterned(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** Byte equality without vitest's element-by-element diffing, which takes seconds on 256 KiB. */
function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  return actual !== undefined && Buffer.compare(actual, expected) === 0;
}

describe.each<Offerer>(['simple-peer', 'native'])(
  'peer adapter (Node, node-datachannel), offering side on %s',
  (kind) => {
    beforeAll(() => {
      offerer = kind;
    });
    afterAll(() => {
      offerer = 'simple-peer';
    });

    test('connects and carries bytes both ways as plain Uint8Array', async () => {
      const { customer, agent } = await connectedPair();
      expect(customer.peer.connected).toBe(true);
      expect(agent.peer.connected).toBe(true);

      const atAgent = collectData(agent.peer);
      const atCustomer = collectData(customer.peer);
      customer.peer.send(new TextEncoder().encode('snapshot please'));
      agent.peer.send(Uint8Array.of(1, 2, 3));
      await Promise.all([untilReceived(agent.peer, atAgent, 1), untilReceived(customer.peer, atCustomer, 1)]);

      expect(new TextDecoder().decode(atAgent[0])).toBe('snapshot please');
      expect([...(atCustomer[0] ?? [])]).toEqual([1, 2, 3]);
      // Not a Buffer: upper layers must not depend on Node's Buffer API.
      expect(Object.getPrototypeOf(atAgent[0])).toBe(Uint8Array.prototype);
      expect(customer.errors).toEqual([]);
      expect(agent.errors).toEqual([]);
    });

    test('reports the selected ICE candidate pair (host on loopback)', async () => {
      const { customer } = await connectedPair();
      const pair = await customer.peer.selectedCandidatePair();
      expect(pair).not.toBeNull();
      expect(pair?.localType).toBe('host');
      expect(typeof pair?.remoteType).toBe('string');
    });

    test('a 200 KB message arrives whole; 256 KiB is the largest single message, one byte more is refused', async () => {
      const { customer, agent } = await connectedPair();
      const atAgent = collectData(agent.peer);
      const big = patterned(200 * 1024, 7);
      const largest = patterned(256 * 1024, 11);
      customer.peer.send(big);
      customer.peer.send(largest);

      let refused: unknown;
      try {
        customer.peer.send(new Uint8Array(256 * 1024 + 1));
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(PeerTransportError);
      expect((refused as PeerTransportError).code).toBe('send-failed');

      await untilReceived(agent.peer, atAgent, 2);
      expect(sameBytes(atAgent[0], big)).toBe(true);
      expect(sameBytes(atAgent[1], largest)).toBe(true);
      // A refused message does not break the channel.
      expect(customer.peer.connected).toBe(true);
    });

    test('many small messages arrive in order', async () => {
      const { customer, agent } = await connectedPair();
      const atAgent = collectData(agent.peer);
      const count = 3_000;
      for (let i = 0; i < count; i++) {
        const frame = new Uint8Array(4);
        new DataView(frame.buffer).setUint32(0, i);
        customer.peer.send(frame);
      }
      await untilReceived(agent.peer, atAgent, count);
      const order = atAgent.map((frame) => new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0));
      expect(order).toEqual(Array.from({ length: count }, (_, i) => i));
    });

    test('bufferedAmount grows when the sender outpaces the channel and drain fires once it falls again', async () => {
      const { customer, agent } = await connectedPair();
      const atAgent = collectData(agent.peer);
      const drained = nextEvent(customer.peer, 'drain');
      const chunk = patterned(64 * 1024, 3);
      const chunks = 64; // 4 MiB: far more than one loopback round trip moves
      let peak = 0;
      for (let i = 0; i < chunks; i++) {
        customer.peer.send(chunk);
        peak = Math.max(peak, customer.peer.bufferedAmount);
      }
      expect(peak).toBeGreaterThan(PEER_DRAIN_THRESHOLD_BYTES);
      await drained;
      expect(customer.peer.bufferedAmount).toBeLessThanOrEqual(PEER_DRAIN_THRESHOLD_BYTES);
      await untilReceived(agent.peer, atAgent, chunks);
      expect(atAgent.every((bytes) => bytes.byteLength === chunk.byteLength)).toBe(true);
    });

    test('closing one side closes the other; close is idempotent and nothing is emitted after it', async () => {
      const { customer, agent } = await connectedPair();
      const customerClosed = nextEvent(customer.peer, 'close');
      const agentClosed = nextEvent(agent.peer, 'close');
      let customerCloseCount = 0;
      customer.peer.on('close', () => customerCloseCount++);

      expect(() => {
        customer.peer.close();
        customer.peer.close();
      }).not.toThrow();
      expect(customer.peer.connected).toBe(false);

      expect(await customerClosed).toEqual({ reason: 'local' });
      expect(await agentClosed).toEqual({ reason: 'remote' });
      expect(agent.peer.connected).toBe(false);

      expect(() => customer.peer.close()).not.toThrow();
      expect(() => agent.peer.close()).not.toThrow();
      expect(() => agent.peer.signal({ type: 'renegotiate', renegotiate: true })).not.toThrow();
      expect(() => customer.peer.send(Uint8Array.of(1))).toThrow(PeerTransportError);
      expect(customer.peer.bufferedAmount).toBe(0);
      expect(await customer.peer.selectedCandidatePair()).toBeNull();
      expect(customerCloseCount).toBe(1);
      expect(customer.errors).toEqual([]);
      expect(agent.errors).toEqual([]);
    });

    test('both sides closing at once with megabytes still buffered stays quiet', async () => {
      const { customer, agent } = await connectedPair();
      const closed = Promise.all([nextEvent(customer.peer, 'close'), nextEvent(agent.peer, 'close')]);
      const chunk = new Uint8Array(64 * 1024);
      for (let i = 0; i < 32; i++) {
        customer.peer.send(chunk);
        agent.peer.send(chunk);
      }
      customer.peer.close();
      agent.peer.close();
      expect(await closed).toEqual([{ reason: 'local' }, { reason: 'local' }]);
      expect(customer.errors).toEqual([]);
      expect(agent.errors).toEqual([]);
    });

    test('send before connect throws not-connected', () => {
      const { peer } = newPeer(true);
      let thrown: unknown;
      try {
        peer.send(Uint8Array.of(1));
      } catch (error) {
        thrown = error;
      }
      expect((thrown as PeerTransportError).code).toBe('not-connected');
    });

    test('signals delivered out of order (candidates before the offer) still connect', async () => {
      const { customer, agent } = await withIceRaceRetry(async () => {
        const customer = newPeer(true);
        const agent = newPeer(false);
        // Hold the customer's signals until both an offer and a candidate exist,
        // then hand over every candidate before the offer.
        const held: SignalData[] = [];
        let released = false;
        customer.peer.on('signal', (signal) => {
          if (released) return agent.peer.signal(signal);
          held.push(signal);
          const offer = held.find((s) => s.type === 'offer');
          const candidates = held.filter((s) => s.type === 'candidate');
          if (offer === undefined || candidates.length === 0) return;
          released = true;
          for (const candidate of candidates) agent.peer.signal(candidate);
          agent.peer.signal(offer);
        });
        agent.peer.on('signal', (signal) => customer.peer.signal(signal));
        await bothConnected(customer, agent);
        return { customer, agent };
      });
      expect(customer.errors).toEqual([]);
      expect(agent.errors).toEqual([]);
    });

    describe('closing mid-handshake never throws and ends with one local close', () => {
      const stages = ['at once', 'after the offer', 'after the answer', 'after a remote candidate'] as const;
      const cases = (['customer', 'agent'] as const).flatMap((side) => stages.map((stage) => [side, stage] as const));

      test.each(cases)('%s closes %s', async (side, stage) => {
        const customer = newPeer(true);
        const agent = newPeer(false);
        const [closer, other] = side === 'customer' ? [customer, agent] : [agent, customer];
        const closerClosed = nextEvent(closer.peer, 'close');
        const otherClosed = nextEvent(other.peer, 'close');
        const closeNow = (): void => {
          closer.peer.close();
        };

        customer.peer.on('signal', (signal) => {
          agent.peer.signal(signal);
          if (stage === 'after the offer' && signal.type === 'offer') closeNow();
        });
        agent.peer.on('signal', (signal) => {
          customer.peer.signal(signal);
          if (stage === 'after the answer' && signal.type === 'answer') closeNow();
          if (stage === 'after a remote candidate' && signal.type === 'candidate') closeNow();
        });
        if (stage === 'at once') closeNow();

        const { reason } = await closerClosed;
        // Only the libdatachannel race (see isLibdatachannelIceRace) may beat close() to it; nothing else may error.
        expect(closer.errors.filter((error) => !isLibdatachannelIceRace(error))).toEqual([]);
        if (closer.errors.length === 0) expect(reason).toBe('local');
        expect(() => closer.peer.close()).not.toThrow();
        expect(() => closer.peer.signal({ type: 'renegotiate', renegotiate: true })).not.toThrow();
        // The other side may still be mid-handshake: it too must close quietly.
        expect(() => other.peer.close()).not.toThrow();
        expect((await otherClosed).reason).toMatch(/^(local|remote|failed)$/);
        // The side still handshaking may only have hit the libdatachannel race (see isLibdatachannelIceRace).
        expect(other.errors.filter((error) => !isLibdatachannelIceRace(error))).toEqual([]);
      });
    });
  },
);

describe('CobrowseChannel over a real data channel (node-datachannel)', () => {
  test('the agent sends plain msgpack and the customer deflates: each side decodes the other', async () => {
    const { customer, agent } = await connectedPair();
    const customerSide = new CobrowseChannel(customer.peer, { role: 'customer', deflater: deflateStream });
    const agentWire: Uint8Array[] = [];
    const agentSide = new CobrowseChannel(agent.peer, {
      role: 'agent',
      inflater: inflateStream,
      onWireBytes: (b) => agentWire.push(b),
    });
    const atAgent = new Promise<string>((resolve) => agentSide.on('message', (m) => resolve(m.t)));
    const atCustomer = new Promise<string>((resolve) => customerSide.on('message', (m) => resolve(m.t)));
    expect(customerSide.send({ t: 'pointer', x: 1, y: 2 })).toBe(true);
    expect(agentSide.send({ t: 'pointer', x: 3, y: 4 })).toBe(true);
    expect(await atAgent).toBe('pointer');
    expect(await atCustomer).toBe('pointer');
    // What the agent put on the wire is plain msgpack: a decoder without an inflater reads it.
    expect(new MessageDecoder().decode(agentWire[0] ?? new Uint8Array()).ok).toBe(true);
  });

  test('messages given to the customer side before the data channel opens wait, then arrive in order; nothing is sent before', async () => {
    const sends: boolean[] = [];
    const received = await withIceRaceRetry(async () => {
      sends.length = 0;
      const native = createNativePeer({ iceServers: [], wrtc });
      openPeers.push(native);
      const errors: PeerError[] = [];
      native.on('error', (error) => errors.push(error));
      // The customer's peer as the channel sees it, recording whether it was connected at each send.
      const recorded: PeerTransport = {
        signal: (data) => native.signal(data),
        send: (bytes) => {
          sends.push(native.connected);
          native.send(bytes);
        },
        get bufferedAmount() {
          return native.bufferedAmount;
        },
        get connected() {
          return native.connected;
        },
        on: (event, listener) => native.on(event, listener),
        close: () => native.close(),
        selectedCandidatePair: () => native.selectedCandidatePair(),
      };
      const agent = newPeer(false);
      const customerSide = new CobrowseChannel(recorded, { role: 'customer', deflater: deflateStream });
      const agentSide = new CobrowseChannel(agent.peer, { role: 'agent', inflater: inflateStream });
      const atAgent: number[] = [];
      const allFive = new Promise<void>((resolve) =>
        agentSide.on('message', (m) => {
          if (m.t === 'pointer') atAgent.push(m.x);
          if (atAgent.length === 5) resolve();
        }),
      );
      // Before any signal went across: the channel takes them (packed and compressed), the wire gets nothing.
      for (let x = 0; x < 3; x++) expect(customerSide.send({ t: 'pointer', x, y: 0 })).toBe(true);
      expect(customerSide.backlogBytes).toBeGreaterThan(0);
      relay(native, agent.peer);
      relay(agent.peer, native);
      await bothConnected({ peer: native, errors }, agent);
      for (let x = 3; x < 5; x++) customerSide.send({ t: 'pointer', x, y: 0 });
      await allFive;
      return atAgent;
    });
    // One deflate stream, in order: the agent's inflater reads the held messages first, then the later ones.
    expect(received).toEqual([0, 1, 2, 3, 4]);
    expect(sends.length).toBeGreaterThanOrEqual(5);
    expect(sends.every((connected) => connected)).toBe(true);
  });

  test('a customer channel discarded before the data channel opens: a new one on the same peer carries its own stream, none of the old', async () => {
    const received = await withIceRaceRetry(async () => {
      const native = createNativePeer({ iceServers: [], wrtc });
      openPeers.push(native);
      const errors: PeerError[] = [];
      native.on('error', (error) => errors.push(error));
      const agent = newPeer(false);
      const held = new CobrowseChannel(native, { role: 'customer', deflater: deflateStream });
      for (let x = 100; x < 103; x++) held.send({ t: 'pointer', x, y: 0 });
      let heldClosed = false;
      held.on('close', () => (heldClosed = true));
      expect(held.discard()).toBe(true);
      expect(heldClosed).toBe(true);
      const fresh = new CobrowseChannel(native, { role: 'customer', deflater: deflateStream });
      fresh.send({ t: 'pointer', x: 0, y: 0 });
      const agentSide = new CobrowseChannel(agent.peer, { role: 'agent', inflater: inflateStream });
      const atAgent: number[] = [];
      const two = new Promise<void>((resolve) =>
        agentSide.on('message', (m) => {
          if (m.t === 'pointer') atAgent.push(m.x);
          if (atAgent.length === 2) resolve();
        }),
      );
      relay(native, agent.peer);
      relay(agent.peer, native);
      await bothConnected({ peer: native, errors }, agent);
      expect(native.connected, 'the peer itself stays up').toBe(true);
      expect(held.send({ t: 'pointer', x: 103, y: 0 }), 'the discarded channel refuses').toBe(false);
      fresh.send({ t: 'pointer', x: 1, y: 0 });
      await two;
      expect(agentSide.stats.dropped).toEqual({});
      return atAgent;
    });
    // The agent's fresh inflater reads the new stream from its first byte; nothing held in the old one arrives.
    expect(received).toEqual([0, 1]);
  });

  test('a customer channel that already sent is not replaced on its peer: discard() closes the peer', async () => {
    const { customer, agent } = await connectedPair();
    const sent = new CobrowseChannel(customer.peer, { role: 'customer', deflater: deflateStream });
    const agentSide = new CobrowseChannel(agent.peer, { role: 'agent', inflater: inflateStream });
    const first = new Promise((resolve) => agentSide.on('message', resolve));
    sent.send({ t: 'pointer', x: 1, y: 0 });
    await first;
    const closed = nextEvent(customer.peer, 'close');
    expect(sent.discard()).toBe(false);
    await closed;
  });

  test('control: a send on a customer peer that has not connected is refused, so the recorder above can see one', () => {
    const native = createNativePeer({ iceServers: [], wrtc });
    openPeers.push(native);
    expect(native.connected).toBe(false);
    expect(() => native.send(Uint8Array.of(1))).toThrow(PeerTransportError);
  });

  test('the agent side cannot be built without an inflater', async () => {
    const { agent } = await connectedPair();
    expect(() => new CobrowseChannel(agent.peer, { role: 'agent' })).toThrow(/inflater/);
  });

  test('a hostile agent sending customer-only messages: the customer drops every one (WRONG_ROLE) and still takes the next real one', async () => {
    const { customer, agent } = await connectedPair();
    const customerSide = new CobrowseChannel(customer.peer, { role: 'customer', deflater: deflateStream });
    const hostileAgent = new CobrowseChannel(agent.peer, { role: 'agent', inflater: inflateStream });
    const received: string[] = [];
    const pointer = new Promise<void>((resolve) =>
      customerSide.on('message', (m) => {
        received.push(m.t);
        if (m.t === 'pointer') resolve();
      }),
    );
    // What only a customer may say: DOM frames (forged page content) and control answers (a forged grant, forged acknowledgements).
    const forged = [
      { t: 'control-grant' },
      { t: 'control-deny' },
      { t: 'action-refused', kind: 'click', reason: 'masked' },
      { t: 'action-ack', serial: 1 },
      { t: 'input-conflict', id: 3 },
      { t: 'input', seq: 1, id: 3, value: 'forged' },
      { t: 'focus', seq: 2, id: 3 },
      { t: 'nav', seq: 3, url: 'https://evil.example/', title: 'Evil' },
    ] as const;
    for (const message of forged) expect(hostileAgent.send(message)).toBe(true);
    hostileAgent.send({ t: 'pointer', x: 5, y: 6 });
    await pointer;
    expect(received).toEqual(['pointer']);
    expect(customerSide.stats.dropped.WRONG_ROLE).toBe(forged.length);
  });

  test('a hostile customer sending agent-only messages: the agent drops every one', async () => {
    const { customer, agent } = await connectedPair();
    const hostileCustomer = new CobrowseChannel(customer.peer, { role: 'customer', deflater: deflateStream });
    const agentSide = new CobrowseChannel(agent.peer, { role: 'agent', inflater: inflateStream });
    const received: string[] = [];
    const pointer = new Promise<void>((resolve) =>
      agentSide.on('message', (m) => {
        received.push(m.t);
        if (m.t === 'pointer') resolve();
      }),
    );
    const forged = [
      { t: 'control-request' },
      { t: 'highlight', id: 1 },
      { t: 'annotation-clear' },
      { t: 'resync', lastSeq: null },
      { t: 'action', serial: 1, action: { kind: 'navigate', to: 'back' } },
    ] as const;
    for (const message of forged) expect(hostileCustomer.send(message)).toBe(true);
    hostileCustomer.send({ t: 'pointer', x: 1, y: 1 });
    await pointer;
    expect(received).toEqual(['pointer']);
    expect(agentSide.stats.dropped.WRONG_ROLE).toBe(forged.length);
  });

  test("the customer's side refuses an agent message over its small cap, and closes the link", async () => {
    const { customer, agent } = await connectedPair();
    const channel = new CobrowseChannel(customer.peer, { role: 'customer', deflater: deflateStream });
    const closed = new Promise<{ reason: string; error: { code: string } | null }>((resolve) =>
      channel.on('close', resolve),
    );
    // A hostile agent: more than the cap in one chunked message.
    const bytes = new Uint8Array(AGENT_TO_CUSTOMER_MAX_BYTES + 1024);
    for (const chunk of chunkMessage(bytes)) agent.peer.send(chunk);
    const { error } = await closed;
    expect(error?.code).toBe('MESSAGE_TOO_LARGE');
    expect(channel.stats.receivedMessages).toBe(0);
  });
});
