/**
 * The customer's deflate stream in a real worker (shared/deflate-offload.ts):
 * same bytes as deflating on the page's thread, in order; the CSP fallback is
 * deflate-offload-csp.test.ts.
 */
import { expect } from '@open-wc/testing';
import { MessagePacker } from '../../shared/codec.js';
import { OffloadedDeflater } from '../../shared/deflate-offload.js';
import { WORKER_LEVEL } from '../../shared/deflate-worker.js';
import { deflateAll, deflateHere, expectDecodesTo, sampleMessages } from './helpers/deflate-messages.js';

const MODULE_URL = new URL('/shared/cobrowse-deflate.js', location.href).href;

describe('deflate in a worker', () => {
  it('answers in order with the bytes the main-thread stream makes, and the agent decodes them', async () => {
    const messages = sampleMessages(300);
    const deflater = new OffloadedDeflater(MODULE_URL);
    try {
      const wire = await deflateAll(deflater, messages);
      expect(deflater.mode).to.equal('worker');
      expect(wire).to.deep.equal(deflateHere(messages, WORKER_LEVEL));
      // The second snapshot part and the long insertions went on all three streams, the first part not.
      expect(wire[0]?.[0]).to.not.equal(0xc1);
      expect(wire.filter((bytes) => bytes[0] === 0xc1)).to.have.length(13);
      expectDecodesTo(wire, messages);
    } finally {
      deflater.close();
    }
  });

  it('hands each packed message to the worker once it has answered (no copy left on the page), same bytes', async () => {
    const messages = sampleMessages(60);
    const deflater = new OffloadedDeflater(MODULE_URL);
    try {
      const packer = new MessagePacker();
      const given: Uint8Array[] = [];
      const wire = await new Promise<Uint8Array[]>((resolve, reject) => {
        const out: Uint8Array[] = [];
        const sendFrom = (index: number): void => {
          const message = messages[index];
          if (message === undefined) return;
          const packed = packer.pack(message);
          given.push(packed);
          const now = deflater.deflate(packed, (outcome) => {
            if (!outcome.ok) return reject(outcome.error);
            out.push(outcome.bytes);
            if (out.length === messages.length) resolve(out);
            // After the first answer, the rest go in one burst.
            if (index === 0) for (let i = 1; i < messages.length; i++) sendFrom(i);
          });
          if (now !== null) reject(new Error('expected the worker to answer later'));
        };
        sendFrom(0);
      });
      expect(deflater.mode).to.equal('worker');
      // Control: the first message, sent before the worker had answered, is still whole (the fallback may need it).
      expect(given[0]?.byteLength).to.be.greaterThan(0);
      expect(given.slice(1).every((packed) => packed.byteLength === 0)).to.equal(true);
      expect(wire).to.deep.equal(deflateHere(messages, WORKER_LEVEL));
      expectDecodesTo(wire, messages);
    } finally {
      deflater.close();
    }
  });

  it('control: bytes of another message order do not decode to the messages', async () => {
    const messages = sampleMessages(40);
    const deflater = new OffloadedDeflater(MODULE_URL);
    try {
      const wire = await deflateAll(deflater, messages);
      const swapped = [wire[1], wire[0], ...wire.slice(2)].filter((bytes) => bytes !== undefined);
      expect(() => expectDecodesTo(swapped, messages)).to.throw();
    } finally {
      deflater.close();
    }
  });

  it('a deflate module that cannot load (worker, then main thread) rejects every message', async () => {
    const broken = new OffloadedDeflater(new URL('/no-such-deflate-module.js', location.href).href);
    try {
      let error: unknown = null;
      await deflateAll(broken, sampleMessages(5)).catch((e: unknown) => {
        error = e;
      });
      expect(error).to.be.instanceOf(Error);
      expect(broken.fallbackReason, 'the worker failed first').to.be.a('string');
    } finally {
      broken.close();
    }
  });

  it('worker: false deflates on the main thread from the start, same bytes', async () => {
    const messages = sampleMessages(50);
    const deflater = new OffloadedDeflater(MODULE_URL, { worker: false });
    try {
      const wire = await deflateAll(deflater, messages);
      expect(deflater.mode).to.equal('main-thread');
      expect(wire).to.deep.equal(deflateHere(messages, WORKER_LEVEL));
    } finally {
      deflater.close();
    }
  });
});
