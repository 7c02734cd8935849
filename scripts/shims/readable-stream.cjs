/**
 * Browser stand-in for the npm `readable-stream` package (35 KB minified, plus
 * `events`, `string_decoder`, `process` and more), for simple-peer only (see
 * simple-peer-shims.mjs). simple-peer's Peer extends `stream.Duplex`, and our
 * adapter (shared/peer.ts) uses it as an event emitter with send()/destroy().
 * What this keeps of Node's semantics:
 * - EventEmitter: on/once/off, emit returns whether anyone listened, 'error'
 *   with no listener throws, listeners added or removed during an emit do not
 *   change that emit.
 * - Readable side, push only (no read(), pipe() or highWaterMark): a 'data'
 *   listener starts the flow; chunks pushed before it are held and emitted in
 *   order on the next microtask; push(null) ends the side and 'end' follows
 *   once the held chunks are out.
 * - Writable side: write() hands chunks to _write(chunk, encoding, cb) one at
 *   a time in order (the rest wait for cb, which is where simple-peer applies
 *   its backpressure); end() emits 'finish' once they are written.
 * - allowHalfOpen: false ends the writable side when the readable side ends.
 * - destroy(err) calls _destroy(err, cb), then emits 'error' (if any) and
 *   'close'; simple-peer overrides destroy() and does this itself.
 */
'use strict';

function streamError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

class EventEmitter {
  #listeners = new Map();

  on(event, listener) {
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  addListener(event, listener) {
    return this.on(event, listener);
  }

  once(event, listener) {
    const wrapper = (...args) => {
      this.removeListener(event, wrapper);
      listener.apply(this, args);
    };
    wrapper.listener = listener;
    return this.on(event, wrapper);
  }

  /** Removes the most recently added match, like Node's. */
  removeListener(event, listener) {
    const list = this.#listeners.get(event);
    if (!list) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        list.splice(i, 1);
        break;
      }
    }
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  off(event, listener) {
    return this.removeListener(event, listener);
  }

  removeAllListeners(event) {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listeners(event) {
    return (this.#listeners.get(event) ?? []).map((listener) => listener.listener ?? listener);
  }

  listenerCount(event) {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Node warns past 10 listeners; nothing here keeps a count, so this only keeps callers working. */
  setMaxListeners() {
    return this;
  }

  emit(event, ...args) {
    const list = this.#listeners.get(event);
    if (!list) {
      if (event === 'error')
        throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error: ${String(args[0])}`);
      return false;
    }
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }
}

class Duplex extends EventEmitter {
  constructor(options = {}) {
    super();
    this.readable = true;
    this.writable = true;
    this.destroyed = false;
    this.allowHalfOpen = options.allowHalfOpen !== false;
    /** Field names are readable-stream's, which simple-peer reads (`ended`, `finished`). */
    this._readableState = { flowing: null, held: [], ended: false, endEmitted: false };
    this._writableState = { queue: [], writing: false, needDrain: false, ending: false, ended: false, finished: false };
    if (!this.allowHalfOpen) {
      this.once('end', () => {
        if (!this._writableState.ending) queueMicrotask(() => this.end());
      });
    }
  }

  /** A 'data' listener starts the flow, as in Node. */
  on(event, listener) {
    super.on(event, listener);
    if (event === 'data' && this._readableState.flowing !== false) this.resume();
    return this;
  }

  resume() {
    const state = this._readableState;
    if (!state.flowing) {
      state.flowing = true;
      queueMicrotask(() => this.#flow());
    }
    return this;
  }

  pause() {
    this._readableState.flowing = false;
    return this;
  }

  isPaused() {
    return this._readableState.flowing === false;
  }

  /** Queues a chunk for 'data' (null ends the readable side); always returns true: there is no read buffer limit. */
  push(chunk) {
    const state = this._readableState;
    if (state.ended) return false;
    if (chunk === null) {
      state.ended = true;
      if (state.flowing && state.held.length === 0) queueMicrotask(() => this.#flow());
      return false;
    }
    if (state.flowing && state.held.length === 0) this.emit('data', chunk);
    else state.held.push(chunk);
    return true;
  }

  #flow() {
    const state = this._readableState;
    while (state.flowing && state.held.length > 0) this.emit('data', state.held.shift());
    if (state.ended && state.held.length === 0 && !state.endEmitted) {
      state.endEmitted = true;
      this.readable = false;
      this.emit('end');
    }
  }

  _read() {}

  /** Hands chunks to _write one at a time; returns false while earlier ones wait, and 'drain' follows. */
  write(chunk, encoding, callback) {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    const state = this._writableState;
    if (state.ending) {
      const error = streamError('ERR_STREAM_WRITE_AFTER_END', 'write after end');
      queueMicrotask(() => callback?.(error));
      this.emit('error', error);
      return false;
    }
    const entry = { chunk, encoding: typeof chunk === 'string' ? (encoding ?? 'utf8') : 'buffer', callback };
    if (state.writing) {
      state.queue.push(entry);
      state.needDrain = true;
      return false;
    }
    this.#writeNext(entry);
    return !state.writing;
  }

  #writeNext(entry) {
    const state = this._writableState;
    state.writing = true;
    let called = false;
    this._write(entry.chunk, entry.encoding, (error) => {
      if (called) return;
      called = true;
      state.writing = false;
      entry.callback?.(error ?? null);
      if (error) {
        this.emit('error', error);
        return;
      }
      const next = state.queue.shift();
      if (next) {
        this.#writeNext(next);
        return;
      }
      if (state.needDrain) {
        state.needDrain = false;
        this.emit('drain');
      }
      this.#finishIfDone();
    });
  }

  _write(_chunk, _encoding, callback) {
    callback(streamError('ERR_METHOD_NOT_IMPLEMENTED', 'The _write() method is not implemented'));
  }

  /** Ends the writable side; 'finish' follows once queued writes are done. */
  end(chunk, encoding, callback) {
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    const state = this._writableState;
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
    if (callback) {
      if (state.finished) queueMicrotask(callback);
      else this.once('finish', callback);
    }
    if (state.ending) return this;
    state.ending = true;
    this.#finishIfDone();
    state.ended = true;
    this.writable = false;
    return this;
  }

  #finishIfDone() {
    const state = this._writableState;
    if (!state.ending || state.writing || state.queue.length > 0 || state.finished) return;
    state.finished = true;
    this.emit('prefinish');
    this.emit('finish');
  }

  destroy(error, callback) {
    if (this.destroyed) return this;
    this.destroyed = true;
    this._destroy(error ?? null, (finalError) => {
      queueMicrotask(() => {
        if (finalError) this.emit('error', finalError);
        this.emit('close');
      });
      callback?.(finalError ?? null);
    });
    return this;
  }

  _destroy(error, callback) {
    callback(error);
  }
}

module.exports = { Duplex, EventEmitter };
