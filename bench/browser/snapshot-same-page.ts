/**
 * Page bundle of bench/snapshot-same.ts: one snapshot with the tree's own capture engine and
 * packer (wire layout and msgpack, no deflate), as messages (structured clones) and packed bytes.
 * Slices without a time limit, so parts end only at the part size and two trees' parts line up.
 */
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { MessagePacker } from '../../shared/codec.js';
import type { ChannelMessage } from '../../shared/protocol.js';

async function snapshot(): Promise<{ messages: ChannelMessage[]; packed: string[] }> {
  // The two trees' bundles are served as rec=ours and rec=rrweb: the page's URL (sent) made alike.
  history.replaceState(null, '', location.href.replace('rec=rrweb', 'rec=ours'));
  const messages: ChannelMessage[] = [];
  const packed: string[] = [];
  const packer = new MessagePacker();
  const send = (message: ChannelMessage): boolean => {
    // Asset messages follow fetches that finish when they will: neither kept nor packed.
    if (message.t === 'asset' || message.t === 'asset-data') return true;
    messages.push(structuredClone(message));
    let text = '';
    for (const byte of packer.pack(message)) text += String.fromCharCode(byte);
    packed.push(btoa(text));
    return true;
  };
  const engine = new CaptureEngine({ window, send, sliceBudgetMs: 1e9 });
  await engine.start();
  engine.stop();
  return { messages, packed };
}

Object.assign(window, { __same: { snapshot } });
