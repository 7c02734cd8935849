import { expect } from '@open-wc/testing';
import { MessageDecoder } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { inflateStream } from '../../shared/inflate-stream.js';

describe('codec in the browser', () => {
  it('round-trips a snapshot through msgpack + deflate', () => {
    const encoder = new MessageEncoder();
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const snapshot: ChannelMessage = {
      t: 'snapshot',
      seq: 0,
      part: 0,
      final: true,
      url: location.href,
      title: document.title,
      vw: innerWidth,
      vh: innerHeight,
      dpr: devicePixelRatio,
      sx: 0,
      sy: 0,
      nodes: [
        { k: 'el', id: 1, p: 0, tag: 'html' },
        { k: 'text', id: 2, p: 1, x: 'hello' },
      ],
    };
    const result = decoder.decode(encoder.encode(snapshot));
    expect(result.ok).to.equal(true);
    if (result.ok) expect(result.message).to.deep.equal(snapshot);
  });
});
