/**
 * A capture engine on a test page whose every message goes through the real
 * codec (encoder, decoder, side streams from the first byte, so masking
 * suites really read them), with the decoded messages' strings collected
 * for the leak oracles (test/oracles/message-strings.ts).
 */
import { CaptureEngine } from '../../../client/capture/capture-engine.js';
import { MessageDecoder } from '../../../shared/codec.js';
import { inflateStream } from '../../../shared/inflate-stream.js';
import { MessageEncoder } from '../../../shared/message-encoder.js';
import type { ChannelMessage } from '../../../shared/protocol.js';
import { messageStrings } from '../../oracles/message-strings.js';

/** A sender that decodes what it is given and pushes its strings onto `strings`; it throws on what does not decode. */
export function decodingSender(strings: string[]): (message: ChannelMessage) => boolean {
  const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
  const decoder = new MessageDecoder({ inflater: inflateStream });
  return (message) => {
    const result = decoder.decode(encoder.encode(message));
    if (!result.ok) throw new Error(`undecodable ${message.t}`);
    strings.push(...messageStrings(result.message));
    return true;
  };
}

/** A capture of `win` (not started) whose decoded strings go onto `strings`. */
export function decodedCapture(win: Window & typeof globalThis, strings: string[]): CaptureEngine {
  return new CaptureEngine({ window: win, send: decodingSender(strings) });
}
