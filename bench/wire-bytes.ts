/**
 * What a snapshot's bytes on the wire are made of, from the messages
 * bench/wire-dump.ts wrote (node bench/wire-run.mjs [dir] first). Per page:
 * the bytes as the customer's worker sends them (level 9, one sync flush per
 * message and stream), per message and per stream (structure, attribute
 * values, texts: shared/stream-segments.ts); then each column of the
 * structure stream alone and what leaving it out would save ("alone"
 * includes the message fields; columns interact: deflate shares one window
 * and one Huffman table per block between them); then the same nodes as one
 * message, which shows what cutting the snapshot into time-sliced parts
 * costs. Deterministic: run it under any load.
 * Run: node bench/wire-bytes.mjs [dir] [page,page]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deflate, Z_SYNC_FLUSH } from 'pako';
import { MessagePacker } from '../shared/codec.js';
import { DeflateStream } from '../shared/deflate-stream.js';
import { MsgpackWriter } from '../shared/msgpack-writer.js';
import type { ChannelMessage } from '../shared/protocol.js';
import { splitSegments } from '../shared/stream-segments.js';
import { toWire } from '../shared/wire-format.js';
import { WireState } from '../shared/wire-names.js';
import { SideWriter } from '../shared/wire-side.js';

const LEVEL = 9;
const COLUMNS = ['shape', 'id skips', 'parents', 'extras'];
const STREAMS = ['structure', 'attribute values', 'texts'];

/** The dump's messages, byte arrays restored (JSON wrote them as objects). */
function load(dir: string, page: string): ChannelMessage[] {
  const raw = JSON.parse(readFileSync(join(dir, `${page}.json`), 'utf8')) as Record<string, unknown>[];
  return raw.map((m) => {
    for (const key of ['data', 'image'])
      if (typeof m[key] === 'object' && m[key] !== null) m[key] = new Uint8Array(Object.values(m[key]));
    return m as unknown as ChannelMessage;
  });
}

/** Wire bytes of `messages` through the real packer and deflate streams: per message, and per stream in all. */
function wireBytes(messages: readonly ChannelMessage[]): { perMessage: number[]; perStream: number[] } {
  const packer = new MessagePacker();
  const stream = new DeflateStream({ level: LEVEL });
  const perStream = [0, 0, 0];
  const perMessage = messages.map((message) => {
    const wire = stream.deflate(packer.pack(message));
    const segments = splitSegments(wire);
    if (segments === null) perStream[0] = (perStream[0] ?? 0) + wire.length;
    else for (const [i, segment] of segments.entries()) perStream[i] = (perStream[i] ?? 0) + segment.length;
    return wire.length;
  });
  return { perMessage, perStream };
}

/** Deflated bytes of the snapshot messages' structure stream, their node lists' columns changed by `edit`. */
function withColumns(snapshots: readonly ChannelMessage[], edit: (columns: unknown[]) => unknown[]): number {
  const state = new WireState();
  const writer = new MsgpackWriter();
  const deflate = new Deflate({ raw: true, level: LEVEL });
  let bytes = 0;
  deflate.onData = (chunk: Uint8Array) => void (bytes += chunk.length);
  for (const message of snapshots) {
    const wire = toWire(message, state, new SideWriter()) as unknown[];
    const at = wire.findIndex((field) => Array.isArray(field) && field.length === 6);
    if (at >= 0) wire[at] = edit([...(wire[at] as unknown[])]);
    deflate.push(writer.pack(wire), Z_SYNC_FLUSH);
  }
  return bytes;
}

export function main(): void {
  const dir = process.argv[2] ?? '/tmp/wire';
  const pages = (process.argv[3] ?? 'gen-1000,long,gen-10000').split(',');
  const rrweb = JSON.parse(readFileSync(join(dir, 'rrweb.json'), 'utf8')) as Record<string, { gzipBytes: number }>;
  for (const page of pages) {
    const messages = load(dir, page);
    const { perMessage, perStream } = wireBytes(messages);
    const total = perMessage.reduce((a, b) => a + b, 0);
    const gzip = rrweb[page]?.gzipBytes ?? 0;
    console.log(`\n${page}: ${total} B (${(total / gzip).toFixed(3)}x rrweb's ${gzip} B gzip), per message:`);
    console.log(
      `  ${messages.map((m, i) => `${m.t}${'nodes' in m ? `:${m.nodes.length}` : ''}=${perMessage[i]}`).join(' ')}`,
    );
    const headers = total - perStream.reduce((a, b) => a + b, 0);
    console.log(
      `  per stream: ${STREAMS.map((name, i) => `${name} ${perStream[i]}`).join(', ')}; segment headers ${headers}`,
    );
    const snapshots = messages.filter((m) => m.t === 'snapshot');
    const all = withColumns(snapshots, (columns) => columns);
    console.log(`  snapshot structure stream ${all} B; per column: alone / saved when left out`);
    for (const [i, name] of COLUMNS.entries()) {
      const alone = withColumns(snapshots, (columns) => columns.map((c, j) => (j === i || j > 3 ? c : [])));
      const without = withColumns(snapshots, (columns) => columns.map((c, j) => (j === i ? [] : c)));
      console.log(`    ${name.padEnd(17)} ${String(alone).padStart(7)} / ${all - without}`);
    }
    const fields = withColumns(snapshots, (columns) => columns.map((c, j) => (j > 3 ? c : [])));
    console.log(`    message fields    ${String(fields).padStart(7)} (url, title, viewport... per part)`);
    const first = snapshots[0];
    if (first !== undefined && first.t === 'snapshot') {
      const one: ChannelMessage = {
        ...first,
        final: true,
        nodes: snapshots.flatMap((m) => ('nodes' in m ? m.nodes : [])),
      };
      const sum = (list: number[]): number => list.reduce((a, b) => a + b, 0);
      console.log(
        `  the same nodes as one message (a stream's first, so on one stream): ${sum(wireBytes([one]).perMessage)} B`,
      );
    }
  }
}
