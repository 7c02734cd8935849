// Injected into browser bundles (esbuild `inject`, see esbuild-browser-options.mjs)
// for simple-peer and readable-stream, which read Node's `Buffer` and `process`
// as globals. Use it only for bundles that include shared/peer.ts: it brings
// the npm `buffer` polyfill (about 25 KB minified) with it.
import { Buffer } from 'buffer';
import process from 'process';

if (typeof globalThis.Buffer === 'undefined') globalThis.Buffer = Buffer;
if (typeof globalThis.process === 'undefined') globalThis.process = process;
