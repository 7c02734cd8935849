/**
 * A page whose Content-Security-Policy forbids workers: the customer's
 * deflater compresses on the main thread instead, with the same bytes.
 * Its own file: the policy applies to this test page from here on.
 */
import { expect } from '@open-wc/testing';
import { OffloadedDeflater } from '../../shared/deflate-offload.js';
import { deflateAll, deflateHere, expectDecodesTo, sampleMessages } from './helpers/deflate-messages.js';

const MODULE_URL = new URL('/shared/cobrowse-deflate.js', location.href).href;

before(() => {
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = "worker-src 'none'";
  document.head.append(meta);
});

describe('deflate under a CSP that forbids workers', () => {
  it('control: the policy is in force (a blob worker fails and a violation is reported)', async () => {
    const url = URL.createObjectURL(new Blob(['postMessage(1);'], { type: 'text/javascript' }));
    const violation = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective), {
        once: true,
      }),
    );
    const worker = new Worker(url, { type: 'module' });
    const outcome = await new Promise<string>((resolve) => {
      worker.onerror = () => resolve('error');
      worker.onmessage = () => resolve('ran');
    });
    worker.terminate();
    URL.revokeObjectURL(url);
    expect(outcome).to.equal('error');
    expect(await violation).to.equal('worker-src');
  });

  it('falls back to the main thread: same bytes, in order, decoded by the agent', async () => {
    const messages = sampleMessages(120);
    const deflater = new OffloadedDeflater(MODULE_URL);
    try {
      const wire = await deflateAll(deflater, messages);
      expect(deflater.mode).to.equal('main-thread');
      expect(deflater.fallbackReason).to.be.a('string');
      expect(wire).to.deep.equal(deflateHere(messages));
      // The second snapshot part and the long insertions went on all three streams, the first part not.
      expect(wire[0]?.[0]).to.not.equal(0xc1);
      expect(wire.filter((bytes) => bytes[0] === 0xc1)).to.have.length(6);
      expectDecodesTo(wire, messages);
    } finally {
      deflater.close();
    }
  });
});
