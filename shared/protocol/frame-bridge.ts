/**
 * The postMessage bridge between the capture of a page and a cross-origin
 * iframe that also embeds our script (client/capture/frame-bridge.ts on the
 * page, client/capture/frame-child.ts in the frame, client/frame-listener.ts
 * in the frame's loader).
 *
 * Handshake, on windows (each side checks the other's origin against the
 * list its integrator declared, and the sender's window):
 *   page  -> frame  `frame-probe`  (posted only to the declared frame origins)
 *   frame -> page   `frame-ready`  (posted only to the declared parent origins; also sent unasked when the frame loads)
 *   page  -> frame  `frame-hello`  with a MessagePort, only while the page's capture runs (after consent)
 * Everything else goes over that private port, which no other window holds:
 *   frame -> page   DOM frames and assets of the frame's own capture (ChannelMessage, masked in the frame), `frame-gone`
 *   page  -> frame  `frame-resync`, `frame-stop`
 * The frame-ready and probe messages carry nothing about either page.
 */
import * as z from 'zod/mini';
import { assetPolicy } from './dom-frames.js';
import { FRAME_BRIDGE_TAG, FRAME_BRIDGE_VERSION } from './frame-handshake.js';

export { FRAME_BRIDGE_TAG, FRAME_BRIDGE_VERSION } from './frame-handshake.js';

export const frameProbe = z.strictObject({
  cobrowse: z.literal(FRAME_BRIDGE_TAG),
  v: z.literal(FRAME_BRIDGE_VERSION),
  kind: z.literal('frame-probe'),
});
export const frameReady = z.strictObject({
  cobrowse: z.literal(FRAME_BRIDGE_TAG),
  v: z.literal(FRAME_BRIDGE_VERSION),
  kind: z.literal('frame-ready'),
});
export const frameHello = z.strictObject({
  cobrowse: z.literal(FRAME_BRIDGE_TAG),
  v: z.literal(FRAME_BRIDGE_VERSION),
  kind: z.literal('frame-hello'),
  /** The page's asset policy: the frame sends its assets the same way. */
  assets: z.optional(assetPolicy),
});
export type FrameHello = z.infer<typeof frameHello>;

/** Page -> frame, over the port. */
export const frameControl = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('frame-resync') }),
  z.strictObject({ t: z.literal('frame-stop') }),
]);
export type FrameControl = z.infer<typeof frameControl>;

/** Frame -> page, over the port, besides the frame's channel messages: its page is going away. */
export const frameGone = z.strictObject({ t: z.literal('frame-gone') });
