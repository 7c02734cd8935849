/**
 * The deflate module the customer loads beside the session bundle
 * (dist/browser/cobrowse-deflate.js). In a worker it compresses every
 * message it is sent on one stream and posts the bytes back in order (see
 * deflate-offload.ts); on the main thread, where the page's CSP forbids a
 * worker, the session imports it and calls deflateStream() itself.
 */
import { DeflateStream, deflateStream } from './deflate-stream.js';

export { deflateStream };

/**
 * zlib level in the worker: 9, where the main-thread fallback keeps the
 * default 6. The inflater does not care. Level 9 searches longer for copies,
 * which pays on text that repeats beyond a few KB: long article page 12.4 ->
 * 11.2 KB (-9 %), 10k-node page -1.3 %, 100k -1.5 %, in about the same time
 * on the generated pages and 4-5x the time on the article (tens of ms, off
 * the page's main thread; bench/wire-dump.ts dumps, medians of 9 in Node).
 */
export const WORKER_LEVEL = 9;

/** What the worker posts back for each message, in order. */
export type DeflateReply = { ok: true; bytes: Uint8Array } | { ok: false; code: string; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

function isWorkerScope(scope: unknown): scope is WorkerScope {
  const workerScope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown }).WorkerGlobalScope;
  return typeof workerScope === 'function' && scope instanceof workerScope;
}

const scope: unknown = globalThis;
if (isWorkerScope(scope)) {
  const stream = new DeflateStream({ level: WORKER_LEVEL });
  scope.onmessage = (event) => {
    const packed: unknown = event.data;
    let reply: DeflateReply;
    try {
      if (!(packed instanceof Uint8Array)) throw new TypeError('expected the bytes of one packed message');
      reply = { ok: true, bytes: stream.deflate(packed) };
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'INTERNAL';
      reply = { ok: false, code, message: error instanceof Error ? error.message : String(error) };
    }
    scope.postMessage(reply, reply.ok ? [reply.bytes.buffer as ArrayBuffer] : []);
  };
}
