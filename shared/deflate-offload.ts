/**
 * The customer's deflater: the deflate stream runs in a worker, so the
 * page's main thread only packs messages (pako's deflate was 35-45 % of the
 * snapshot's main-thread time at 10k nodes, measured with the CPU profiler).
 *
 * The worker is a module worker made from a blob that imports the deflate
 * module (deflate-worker.ts, served beside the session bundle): a worker
 * script must be same-origin with the page, the session's own files are
 * not. Where the page's CSP forbids blob workers (worker-src, or script-src
 * without blob:), or the worker fails before it answered anything, the same
 * module is imported on the main thread and the messages go through it
 * there, in order. A worker that fails after answering has taken the stream
 * with it: every pending message is rejected (the channel then closes and
 * the session reconnects with a fresh stream).
 */
import type { DeflateOutcome, StreamDeflater } from './codec.js';
import { ProtocolError } from './errors.js';

/** Where the stream is compressed: in a worker, on the main thread (CSP fallback), or not decided yet. */
export type DeflaterMode = 'worker' | 'main-thread' | 'starting';

interface DeflateModule {
  deflateStream(): { deflate(packed: Uint8Array): Uint8Array };
}

interface Pending {
  /** Kept only until the worker first answered: the main-thread fallback may still need it. */
  packed: Uint8Array | null;
  later: (outcome: DeflateOutcome) => void;
}

// Taken when the session bundle loads: the page's later replacements do not reach the deflater.
const { Worker: NativeWorker, Blob: NativeBlob, URL: NativeURL } = globalThis;

export class OffloadedDeflater implements StreamDeflater {
  readonly #moduleUrl: string;
  #mode: DeflaterMode = 'starting';
  #worker: Worker | null = null;
  #blobUrl: string | null = null;
  /** Messages handed to the worker (or waiting for the module) and not answered yet, in order. */
  #pending: Pending[] = [];
  #answered = false;
  #main: { deflate(packed: Uint8Array): Uint8Array } | null = null;
  #loading = false;
  #closed = false;
  /** Why the worker was not used (for diagnostics and the benchmark report). */
  fallbackReason: string | null = null;

  constructor(moduleUrl: string, options: { worker?: boolean } = {}) {
    this.#moduleUrl = moduleUrl;
    if (options.worker === false) this.#fallBack('worker disabled');
    else this.#startWorker();
  }

  get mode(): DeflaterMode {
    return this.#mode;
  }

  deflate(packed: Uint8Array, later: (outcome: DeflateOutcome) => void): Uint8Array | null {
    if (this.#closed) throw new ProtocolError('CORRUPT_STREAM', 'The deflater was closed.');
    if (this.#main !== null && this.#pending.length === 0) return this.#main.deflate(packed);
    if (this.#worker !== null && this.#answered) {
      // The stream lives in the worker now: hand the bytes over instead of copying them, so the page
      // holds none of a large snapshot's packed parts while they wait (at 300k nodes the copies kept
      // tens of MB alive and a major GC landed in a snapshot slice).
      this.#pending.push({ packed: null, later });
      if (packed.byteOffset === 0 && packed.byteLength === packed.buffer.byteLength)
        this.#worker.postMessage(packed, [packed.buffer as ArrayBuffer]);
      else this.#worker.postMessage(packed);
      return null;
    }
    this.#pending.push({ packed, later });
    if (this.#worker !== null) this.#worker.postMessage(packed);
    return null;
  }

  close(): void {
    this.#closed = true;
    this.#worker?.terminate();
    this.#worker = null;
    if (this.#blobUrl !== null) NativeURL.revokeObjectURL(this.#blobUrl);
    this.#blobUrl = null;
    this.#pending = [];
  }

  #startWorker(): void {
    try {
      const source = `import ${JSON.stringify(this.#moduleUrl)};`;
      this.#blobUrl = NativeURL.createObjectURL(new NativeBlob([source], { type: 'text/javascript' }));
      const worker = new NativeWorker(this.#blobUrl, { type: 'module', name: 'cobrowse-deflate' });
      worker.onmessage = (event: MessageEvent<unknown>) => this.#onReply(event.data);
      // Chromium reports a CSP refusal here, not by throwing: the worker fires error and never runs.
      worker.onerror = (event) => {
        event.preventDefault();
        this.#onWorkerFailed(event.message || 'the deflate worker could not start (CSP worker-src?)');
      };
      worker.onmessageerror = () => this.#onWorkerFailed('a reply could not be read');
      this.#worker = worker;
    } catch (error) {
      this.#fallBack(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }

  #onReply(data: unknown): void {
    const entry = this.#pending.shift();
    if (entry === undefined) return;
    this.#answered = true;
    this.#mode = 'worker';
    const reply = data as { ok?: unknown; bytes?: unknown; message?: unknown } | null;
    if (reply !== null && reply.ok === true && reply.bytes instanceof Uint8Array)
      entry.later({ ok: true, bytes: reply.bytes });
    else {
      const message = typeof reply?.message === 'string' ? reply.message : 'bad reply from the deflate worker';
      this.#fail(new ProtocolError('CORRUPT_STREAM', message), [entry]);
    }
  }

  #onWorkerFailed(reason: string): void {
    this.#worker?.terminate();
    this.#worker = null;
    if (this.#answered) {
      // The stream's state was in the worker: nothing sent later could be inflated.
      this.#fail(new ProtocolError('CORRUPT_STREAM', `The deflate worker stopped: ${reason}`));
      return;
    }
    this.#fallBack(reason);
  }

  /** Compresses on the main thread from here, starting with the messages the worker never answered. */
  #fallBack(reason: string): void {
    this.fallbackReason = reason;
    this.#mode = 'main-thread';
    if (this.#loading) return;
    this.#loading = true;
    // import() gives the engine's own promise, whatever the page did to the global Promise.
    void (import(/* @vite-ignore */ this.#moduleUrl) as Promise<DeflateModule>).then(
      (module) => {
        if (this.#closed) return;
        const main = module.deflateStream();
        for (const entry of this.#pending.splice(0)) {
          let outcome: DeflateOutcome;
          try {
            if (entry.packed === null) throw new ProtocolError('CORRUPT_STREAM', 'The worker took the stream.');
            outcome = { ok: true, bytes: main.deflate(entry.packed) };
          } catch (error) {
            outcome = { ok: false, error: asProtocolError(error) };
          }
          entry.later(outcome);
        }
        this.#main = main;
      },
      (error: unknown) =>
        this.#fail(new ProtocolError('CORRUPT_STREAM', `The deflate module did not load: ${String(error)}`)),
    );
  }

  /** The stream is gone: every message still waiting hears it, and later ones are refused. */
  #fail(error: ProtocolError, first: Pending[] = []): void {
    this.#closed = true;
    this.#worker?.terminate();
    this.#worker = null;
    for (const entry of [...first, ...this.#pending.splice(0)]) entry.later({ ok: false, error });
  }
}

function asProtocolError(error: unknown): ProtocolError {
  return error instanceof ProtocolError ? error : new ProtocolError('CORRUPT_STREAM', String(error));
}
