/**
 * The customer's deflate stream in a real worker (shared/deflate-offload.ts):
 * same bytes as deflating on the page's thread, in order; the CSP fallback is
 * deflate-offload-csp.test.ts.
 */
import { expect } from '@open-wc/testing';
import { OffloadedDeflater } from '../../shared/deflate-offload.js';
import { deflateAll, deflateHere, expectDecodesTo, sampleMessages } from './helpers/deflate-messages.js';

const MODULE_URL = new URL('/shared/cobrowse-deflate.js', location.href).href;

describe('deflate in a worker', () => {
  it('answers in order with the bytes the main-thread stream makes, and the agent decodes them', async () => {
    const messages = sampleMessages(300);
    const deflater = new OffloadedDeflater(MODULE_URL);
    try {
      const wire = await deflateAll(deflater, messages);
      expect(deflater.mode).to.equal('worker');
      expect(wire).to.deep.equal(deflateHere(messages));
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
      expect(wire).to.deep.equal(deflateHere(messages));
    } finally {
      deflater.close();
    }
  });
});
