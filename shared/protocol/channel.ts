/**
 * The data channel's message union (customer <-> agent, msgpack + deflate,
 * see shared/codec.ts) and which side may send what. The order of this union
 * is the wire's type codes (shared/wire-format.ts): append, never reorder.
 */
import * as z from 'zod/mini';
import { seq } from './fields.js';
import {
  assetDataFrame,
  assetFrame,
  canvasFrame,
  focusFrame,
  inputFrame,
  mediaFrame,
  mutationsFrame,
  navigationFrame,
  scrollFrame,
  selectionFrame,
  snapshotFrame,
  topLayerFrame,
  viewportFrame,
} from './dom-frames.js';
import {
  actionAckMessage,
  actionMessage,
  actionRefusedMessage,
  annotationClearMessage,
  annotationMessage,
  controlDenyMessage,
  controlGrantMessage,
  controlRequestMessage,
  controlRevokeMessage,
  highlightMessage,
  inputConflictMessage,
  pointerMessage,
} from './guidance.js';
import { endReason, errorCode, role } from './session.js';

/** Messages of the link itself: ending, resync, keep-alive, errors. */
export const endMessage = z.strictObject({ t: z.literal('end'), by: role, reason: endReason });
export const resyncMessage = z.strictObject({ t: z.literal('resync'), lastSeq: z.nullable(seq) });
export const pingMessage = z.strictObject({ t: z.literal('ping'), ts: z.number() });
export const pongMessage = z.strictObject({ t: z.literal('pong'), ts: z.number() });
export const errorMessage = z.strictObject({
  t: z.literal('error'),
  code: errorCode,
  message: z.string().check(z.maxLength(2_048)),
});

export const DOM_FRAME_TYPES = [
  'snapshot',
  'mutations',
  'input',
  'scroll',
  'viewport',
  'selection',
  'focus',
  'media',
  'nav',
  'top',
  'canvas',
] as const;

export const channelMessage = z.discriminatedUnion('t', [
  snapshotFrame,
  mutationsFrame,
  inputFrame,
  scrollFrame,
  viewportFrame,
  selectionFrame,
  focusFrame,
  mediaFrame,
  navigationFrame,
  topLayerFrame,
  pointerMessage,
  highlightMessage,
  annotationMessage,
  annotationClearMessage,
  controlRequestMessage,
  controlGrantMessage,
  controlDenyMessage,
  controlRevokeMessage,
  actionMessage,
  actionRefusedMessage,
  endMessage,
  resyncMessage,
  pingMessage,
  pongMessage,
  errorMessage,
  actionAckMessage,
  inputConflictMessage,
  canvasFrame,
  assetFrame,
  assetDataFrame,
]);
export type ChannelMessage = z.infer<typeof channelMessage>;
export type DomFrame = Extract<ChannelMessage, { t: (typeof DOM_FRAME_TYPES)[number] }>;

export function isDomFrame(message: ChannelMessage): message is DomFrame {
  return (DOM_FRAME_TYPES as readonly string[]).includes(message.t);
}

/** Messages only the customer sends over the data channel (DOM frames and control answers). */
export const CUSTOMER_ONLY_TYPES = new Set<ChannelMessage['t']>([
  ...DOM_FRAME_TYPES,
  'control-grant',
  'control-deny',
  'action-refused',
  'action-ack',
  'input-conflict',
  'asset',
  'asset-data',
]);
/** Messages only the agent sends over the data channel. */
export const AGENT_ONLY_TYPES = new Set<ChannelMessage['t']>([
  'highlight',
  'annotation',
  'annotation-clear',
  'control-request',
  'action',
  'resync',
]);
