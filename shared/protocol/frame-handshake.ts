/**
 * The frame bridge's handshake constants (schemas: frame-bridge.ts beside
 * this), apart from the schemas so the loader, which checks the handshake by
 * hand, carries no zod.
 */

/** The `cobrowse` field of every window-level bridge message: our messages among a page's other postMessage traffic. */
export const FRAME_BRIDGE_TAG = 'cobrowse-frame';
/** Version of the bridge handshake; both sides must match. */
export const FRAME_BRIDGE_VERSION = 1;
