/** Where the customer's session finds its deflate module (its own module: it reads import.meta.url). */
import { OffloadedDeflater } from './deflate-offload.js';

/**
 * The customer's deflater for CobrowseChannel's `deflater` option: the
 * deflate module is cobrowse-deflate.js next to the bundle this code runs
 * from (the session bundle, served with CORS by the signaling server).
 */
export function customerDeflater(): OffloadedDeflater {
  return new OffloadedDeflater(new URL('./cobrowse-deflate.js', import.meta.url).href);
}
