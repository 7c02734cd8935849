/**
 * A minimal TURN client (RFC 5766 / 8656 with RFC 5389 long-term credentials)
 * for tests that ask a real coturn what it allows: Allocate and
 * CreatePermission over UDP or TCP, answered with the STUN error code, and
 * data relayed to a peer with Send indications. Written
 * from the RFCs, not from the product's code (which has no TURN client; the
 * browsers are the product's).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, type Socket as TcpSocket } from 'node:net';

const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const CREATE_PERMISSION = 0x0008;
/** Send indication: method 0x0006 in the indication class (RFC 5766 section 10). */
const SEND_INDICATION = 0x0016;
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorPeerAddress: 0x0012,
  requestedTransport: 0x0019,
  data: 0x0013,
} as const;

/** 'ok', or the STUN error code (401, 403, 442, 486, ...). */
export type TurnAnswer = 'ok' | number;

interface Attribute {
  type: number;
  value: Buffer;
}

function encode(method: number, transaction: Buffer, attributes: Attribute[], key?: Buffer): Buffer {
  const body = Buffer.concat(
    attributes.map(({ type, value }) => {
      const head = Buffer.alloc(4);
      head.writeUInt16BE(type, 0);
      head.writeUInt16BE(value.length, 2);
      return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
    }),
  );
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method, 0);
  header.writeUInt32BE(MAGIC, 4);
  transaction.copy(header, 8);
  if (key === undefined) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // MESSAGE-INTEGRITY covers the message with its length already counting the integrity attribute.
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', key)
    .update(Buffer.concat([header, body]))
    .digest();
  const integrity = Buffer.alloc(4);
  integrity.writeUInt16BE(ATTR.integrity, 0);
  integrity.writeUInt16BE(20, 2);
  return Buffer.concat([header, body, integrity, mac]);
}

function decode(message: Buffer): { klass: 'success' | 'error' | 'other'; attributes: Map<number, Buffer> } {
  const type = message.readUInt16BE(0);
  const length = message.readUInt16BE(2);
  const attributes = new Map<number, Buffer>();
  for (let at = 20; at + 4 <= 20 + length;) {
    const attrType = message.readUInt16BE(at);
    const attrLength = message.readUInt16BE(at + 2);
    attributes.set(attrType, message.subarray(at + 4, at + 4 + attrLength));
    at += 4 + attrLength + ((4 - (attrLength % 4)) % 4);
  }
  const klass = (type & 0x0110) === 0x0100 ? 'success' : (type & 0x0110) === 0x0110 ? 'error' : 'other';
  return { klass, attributes };
}

function errorCode(attributes: Map<number, Buffer>): number {
  const value = attributes.get(ATTR.errorCode);
  return value === undefined ? 0 : (value[2]! & 0x7) * 100 + value[3]!;
}

function xorAddress(ip: string, port: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const octets = ip.split('.').map(Number);
  value.writeUInt32BE((((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) ^ MAGIC) >>> 0, 4);
  return value;
}

/** One client transport (its 5-tuple is the allocation's): a UDP socket or a TCP connection to the TURN port. */
export class TurnClient {
  #waiters: ((message: Buffer) => void)[] = [];
  #tcpBuffer = Buffer.alloc(0);
  #realm: Buffer | undefined;
  #nonce: Buffer | undefined;

  private constructor(
    private readonly transport: { udp: UdpSocket } | { tcp: TcpSocket },
    private readonly port: number,
    private readonly username: string,
    private readonly password: string,
  ) {
    if ('udp' in transport) transport.udp.on('message', (message: Buffer) => this.#deliver(message));
    else
      transport.tcp.on('data', (chunk: Buffer) => {
        this.#tcpBuffer = Buffer.concat([this.#tcpBuffer, chunk]);
        while (this.#tcpBuffer.length >= 20) {
          const size = 20 + this.#tcpBuffer.readUInt16BE(2);
          if (this.#tcpBuffer.length < size) break;
          this.#deliver(this.#tcpBuffer.subarray(0, size));
          this.#tcpBuffer = this.#tcpBuffer.subarray(size);
        }
      });
  }

  /** A client for coturn's REST-API credential (`username`, `password`) on 127.0.0.1:`port`. */
  static async open(protocol: 'udp' | 'tcp', port: number, username: string, password: string): Promise<TurnClient> {
    if (protocol === 'udp') {
      const udp = createSocket('udp4');
      udp.bind(0, '127.0.0.1');
      await once(udp, 'listening');
      return new TurnClient({ udp }, port, username, password);
    }
    const tcp = connect(port, '127.0.0.1');
    await once(tcp, 'connect');
    return new TurnClient({ tcp }, port, username, password);
  }

  /** Allocate a relayed address for UDP (17) or TCP (6) peers. */
  allocate(peerProtocol: 'udp' | 'tcp' = 'udp'): Promise<TurnAnswer> {
    const transport = Buffer.from([peerProtocol === 'udp' ? 17 : 6, 0, 0, 0]);
    return this.#request(ALLOCATE, [{ type: ATTR.requestedTransport, value: transport }]);
  }

  /** Ask to relay to and from `ip` (nothing is sent to the peer). */
  createPermission(ip: string): Promise<TurnAnswer> {
    return this.#request(CREATE_PERMISSION, [{ type: ATTR.xorPeerAddress, value: xorAddress(ip, 9) }]);
  }

  /** Relay `data` to `ip`:`port` (a Send indication: no answer, and dropped unless a permission for `ip` exists). */
  sendTo(ip: string, port: number, data: Buffer): void {
    const indication = encode(SEND_INDICATION, randomBytes(12), [
      { type: ATTR.xorPeerAddress, value: xorAddress(ip, port) },
      { type: ATTR.data, value: data },
    ]);
    if ('udp' in this.transport) this.transport.udp.send(indication, this.port, '127.0.0.1');
    else this.transport.tcp.write(indication);
  }

  close(): void {
    if ('udp' in this.transport) this.transport.udp.close();
    else this.transport.tcp.destroy();
  }

  /** Sends with the long-term credential, first learning the realm and nonce from a 401 (or a 438 stale nonce). */
  async #request(method: number, attributes: Attribute[]): Promise<TurnAnswer> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const realm = this.#realm;
      const nonce = this.#nonce;
      const signed =
        realm === undefined || nonce === undefined
          ? encode(method, randomBytes(12), attributes)
          : encode(
              method,
              randomBytes(12),
              [
                ...attributes,
                { type: ATTR.username, value: Buffer.from(this.username) },
                { type: ATTR.realm, value: realm },
                { type: ATTR.nonce, value: nonce },
              ],
              createHash('md5').update(`${this.username}:${realm.toString()}:${this.password}`).digest(),
            );
      const answer = decode(await this.#send(signed));
      if (answer.klass === 'success') return 'ok';
      const code = errorCode(answer.attributes);
      const challenged = code === 401 || code === 438;
      if (!challenged || (code === 401 && realm !== undefined && attempt > 0)) return code;
      this.#realm = answer.attributes.get(ATTR.realm) ?? this.#realm;
      this.#nonce = answer.attributes.get(ATTR.nonce) ?? this.#nonce;
    }
    return 401;
  }

  #send(message: Buffer): Promise<Buffer> {
    const answered = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('coturn did not answer within 5 s')), 5_000);
      this.#waiters.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
    if ('udp' in this.transport) this.transport.udp.send(message, this.port, '127.0.0.1');
    else this.transport.tcp.write(message);
    return answered;
  }

  /** Requests go one at a time, so an answer is the oldest waiter's; anything unasked for is dropped. */
  #deliver(message: Buffer): void {
    this.#waiters.shift()?.(message);
  }
}
