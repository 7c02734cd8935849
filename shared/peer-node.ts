/**
 * Node's WebRTC for the peer adapter: node-datachannel's polyfill, adjusted
 * where simple-peer expects browser behaviour. Kept apart from peer.ts so
 * browser bundles never reach node-datachannel (a native addon).
 */
import type { WrtcImplementation } from './peer-transport.js';

let cached: Promise<WrtcImplementation> | undefined;

/** Loads node-datachannel's WebRTC classes, adapted for simple-peer (Node only). */
export function nodeWrtc(): Promise<WrtcImplementation> {
  cached ??= loadNodeWrtc();
  return cached;
}

async function loadNodeWrtc(): Promise<WrtcImplementation> {
  const polyfill = await import('node-datachannel/polyfill');

  function plainDescription(description: unknown): RTCSessionDescriptionInit {
    const { type, sdp } = description as RTCSessionDescriptionInit;
    return sdp === undefined ? { type } : { type, sdp };
  }

  /**
   * simple-peer assigns to `offer.sdp` / `answer.sdp` (trickle filter, sdp
   * transform), but the polyfill's descriptions are read-only, so the
   * assignment throws. Browsers return plain init objects; so do we.
   */
  class PlainDescriptionPeerConnection extends polyfill.RTCPeerConnection {
    override async createOffer(): Promise<RTCSessionDescriptionInit> {
      return plainDescription(await super.createOffer());
    }

    override async createAnswer(): Promise<RTCSessionDescriptionInit> {
      return plainDescription(await super.createAnswer());
    }
  }

  // The polyfill's classes implement the DOM interfaces (its typings say so);
  // TypeScript cannot see that their constructors match the DOM ones exactly.
  return {
    RTCPeerConnection: PlainDescriptionPeerConnection as unknown as WrtcImplementation['RTCPeerConnection'],
    RTCSessionDescription: polyfill.RTCSessionDescription as unknown as WrtcImplementation['RTCSessionDescription'],
    RTCIceCandidate: polyfill.RTCIceCandidate as unknown as WrtcImplementation['RTCIceCandidate'],
  };
}
