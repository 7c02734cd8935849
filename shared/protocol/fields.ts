/** Field types several protocol modules share (not part of the public surface of shared/protocol.ts). */
import * as z from 'zod/mini';

/** A node id: >= 1 for nodes, 0 for the top document (nodes.ts). */
export const nodeId = z.number().check(z.int(), z.nonnegative(), z.lte(2 ** 31));
/** A DOM frame's sequence number, or an action's. */
export const seq = z.number().check(z.int(), z.nonnegative());
/** A length or position in CSS pixels. */
export const coord = z.number();
export const shortText = z.string().check(z.maxLength(2_048));
export const url = z.string().check(z.maxLength(8_192));
