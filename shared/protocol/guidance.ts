/**
 * Data channel messages of guidance and control: either side's pointer, the
 * agent's highlights and drawings, asking for and granting control, and the
 * agent's remote actions with the customer's answers.
 */
import * as z from 'zod/mini';
import { coord, nodeId, seq, shortText, url } from './fields.js';

/** The keys that move a text field's selection by characters or to its ends, which an edit may carry (14.0). */
export const SELECTION_KEYS = [
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
  'Shift+ArrowLeft',
  'Shift+ArrowRight',
  'Shift+Home',
  'Shift+End',
] as const;
export const selectionKey = z.enum(SELECTION_KEYS);
export type SelectionKey = z.infer<typeof selectionKey>;

export const remoteActionKind = z.enum(['click', 'input', 'key', 'scroll', 'navigate', 'edit']);

/** A pointer position in page coordinates (either side's pointer). */
export const pointerMessage = z.strictObject({
  t: z.literal('pointer'),
  x: coord,
  y: coord,
  /** A click ripple. */
  click: z.optional(z.boolean()),
  /** The pointer left the page. */
  gone: z.optional(z.boolean()),
  /** The customer holds the primary button down (the page's `:active` rules match under it). */
  down: z.optional(z.boolean()),
});

export const highlightMessage = z.strictObject({
  t: z.literal('highlight'),
  /** null clears the highlight. */
  id: z.nullable(nodeId),
  label: z.optional(shortText),
});

export const annotationMessage = z.strictObject({
  t: z.literal('annotation'),
  id: z.string().check(z.maxLength(64)),
  shape: z.enum(['path', 'arrow']),
  /** Page coordinates, flattened [x0, y0, x1, y1, ...]. */
  points: z.array(coord).check(z.maxLength(20_000)),
  color: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/)),
});

export const annotationClearMessage = z.strictObject({ t: z.literal('annotation-clear') });

export const controlRequestMessage = z.strictObject({ t: z.literal('control-request') });
export const controlGrantMessage = z.strictObject({ t: z.literal('control-grant') });
export const controlDenyMessage = z.strictObject({ t: z.literal('control-deny') });
export const controlRevokeMessage = z.strictObject({ t: z.literal('control-revoke') });

export const remoteAction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('click'), id: nodeId, x: z.optional(coord), y: z.optional(coord) }),
  z.strictObject({ kind: z.literal('input'), id: nodeId, value: z.string().check(z.maxLength(100_000)) }),
  z.strictObject({
    kind: z.literal('key'),
    id: nodeId,
    key: z.string().check(z.maxLength(32)),
    code: z.optional(z.string().check(z.maxLength(32))),
    shift: z.optional(z.boolean()),
    ctrl: z.optional(z.boolean()),
    alt: z.optional(z.boolean()),
    meta: z.optional(z.boolean()),
  }),
  z.strictObject({ kind: z.literal('scroll'), id: nodeId, x: coord, y: coord }),
  z.strictObject({ kind: z.literal('navigate'), to: z.union([url, z.enum(['back', 'forward', 'reload'])]) }),
  /**
   * One keystroke's worth of text editing in a field, as a splice of the
   * field's value: replace `deleteCount` characters at `at` with `insert`, then
   * put the selection at selectionStart..selectionEnd. A splice, not the whole value, so the agent's copy
   * (whose digits may show as • while the customer's field has focus) never
   * writes its bullets back. `chain` counts the agent's runs of typing in a
   * field; after the customer edits that field, the customer refuses the rest
   * of the run (the customer's text wins).
   */
  z.strictObject({
    kind: z.literal('edit'),
    id: nodeId,
    chain: z.number().check(z.int(), z.nonnegative()),
    at: z.number().check(z.int(), z.nonnegative()),
    deleteCount: z.number().check(z.int(), z.nonnegative()),
    insert: z.string().check(z.maxLength(100_000)),
    selectionStart: z.optional(z.number().check(z.int(), z.nonnegative())),
    selectionEnd: z.optional(z.number().check(z.int(), z.nonnegative())),
    /** What the key did (an InputEvent inputType such as insertText, deleteContentBackward, insertFromPaste, insertCompositionText). */
    inputType: z.optional(z.string().check(z.maxLength(48))),
    /** No key typed this text (an input method's or emoji picker's commit, dictation): no key events for it. */
    keyless: z.optional(z.boolean()),
    /**
     * The key that moved the selection (an edit that changes no text): the customer moves its field's selection by
     * that key over the field's own text, formatting included, as the key moves a person's (14.0).
     */
    key: z.optional(selectionKey),
  }),
]);
export type RemoteAction = z.infer<typeof remoteAction>;
export type EditAction = Extract<RemoteAction, { kind: 'edit' }>;

/**
 * A remote action. `serial` numbers the agent's actions (1, 2, ...) for this
 * channel: the customer applies each at most once, in order, and answers every
 * numbered action with `action-ack` or `action-refused` carrying the same `serial`.
 */
export const actionMessage = z.strictObject({ t: z.literal('action'), action: remoteAction, serial: z.optional(seq) });

export const actionRefusal = z.enum([
  'no-control',
  'masked',
  'not-found',
  'cross-origin',
  'invalid',
  'scheme',
  'conflict',
  'unsupported',
  /** Over the customer's bounds: actions per second, characters typed in all, a field's length (13.0). */
  'limit',
]);
export type ActionRefusal = z.infer<typeof actionRefusal>;

/** The customer's answer to an action it did not apply. */
export const actionRefusedMessage = z.strictObject({
  t: z.literal('action-refused'),
  kind: remoteActionKind,
  reason: actionRefusal,
  serial: z.optional(seq),
});

/** The customer applied the agent's action `serial`. */
export const actionAckMessage = z.strictObject({ t: z.literal('action-ack'), serial: seq });

/** The customer typed into the field the agent is typing in: the customer's text wins. */
export const inputConflictMessage = z.strictObject({ t: z.literal('input-conflict'), id: nodeId });
