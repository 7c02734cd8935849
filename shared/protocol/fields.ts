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

/**
 * Text the server stores and chains: well-formed Unicode without NUL (review s14 C1, U1). A name cut mid-emoji
 * (a lone surrogate) is written as U+FFFD in a row's column but as the escape in the chain's JSON (an honest
 * audit then reads as tampered), and PostgreSQL's jsonb refuses the escape and NUL.
 */
export const storedText = (min: number, max: number) =>
  z
    .string()
    .check(
      z.minLength(min),
      z.maxLength(max),
      z.regex(/^[^\p{Cs}\0]*$/u, 'must be well-formed Unicode text (no lone surrogate, no NUL)'),
    );
