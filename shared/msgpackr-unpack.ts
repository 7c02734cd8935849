/**
 * msgpackr's Unpackr as the codec's msgpack reader, for the agent's side,
 * which reads the customer's large DOM frames (msgpackr's key cache and, in
 * Node, its native string extraction pay off there). The customer's side
 * reads with msgpack-reader.ts, which gives the same values.
 *
 * Browser bundles must be built with scripts/esbuild-aliases.mjs: msgpackr
 * compiles record readers with `new Function` (a hostile peer can send
 * records), which a strict Content-Security-Policy forbids; the build blocks
 * that call and takes only msgpackr's ESM unpack.
 */
import { Unpackr } from 'msgpackr';
import type { MsgpackUnpack } from './codec.js';

/** A reader for one decoder. */
export function msgpackrUnpack(): MsgpackUnpack {
  // useRecords must be off here too, or bytes 0x40-0x7f (positive fixints) would read as record references.
  // structuredClone: false refuses msgpackr's shared-reference extensions, which our encoder never
  // writes: with them a 30 KB message could name one big object thousands of times, and validation
  // would copy it for every reference until the tab ran out of memory.
  const unpackr = new Unpackr({
    useRecords: false,
    mapsAsObjects: true,
    int64AsType: 'number',
    structuredClone: false,
  });
  return (packed) => unpackr.unpack(packed) as unknown;
}
