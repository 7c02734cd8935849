/**
 * Byte-level facts both ends of the deflate stream share, in a module of
 * their own so the deflate worker (deflate-worker.ts) carries nothing else
 * of the codec.
 */
const MIB = 1024 * 1024;
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * MIB;
export const DEFAULT_MAX_INFLATED_BYTES = 64 * MIB;

/** Every sync flush ends with an empty stored block; like permessage-deflate we drop it on the wire. */
export const SYNC_FLUSH_TRAILER = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** Output buffer size of the zlib streams; most frames are tiny, so pako's 64 KiB default wastes allocations. */
export const ZLIB_CHUNK_BYTES = 16 * 1024;

/** The parts as one array (the part itself when there is only one). */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined && parts[0].length === total) return parts[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** True when `bytes` ends with a sync flush's empty stored block. */
export function endsWithTrailer(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[n - 4] === 0x00 && bytes[n - 3] === 0x00 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xff;
}
