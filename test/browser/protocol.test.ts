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
      viewportWidth: innerWidth,
      viewportHeight: innerHeight,
      devicePixelRatio: devicePixelRatio,
      scrollX: 0,
      scrollY: 0,
      nodes: [
        { kind: 'el', id: 1, parent: 0, tag: 'html' },
        { kind: 'text', id: 2, parent: 1, text: 'hello' },
      ],
    };
    const result = decoder.decode(encoder.encode(snapshot));
    expect(result.ok).to.equal(true);
    if (result.ok) expect(result.message).to.deep.equal(snapshot);
  });
});
