// Test only: responses the asset tests need and static files cannot give
// (documents of a customer's account, fonts served as octet-stream, a body
// that never ends, one that never starts). Every secret body holds SECRET so
// a test can look for it in the bytes that went over the channel.
import { Readable } from 'node:stream';

export const ASSET_FIXTURE_PREFIX = '/__asset-fixtures/';
const SECRET = 'ACCOUNT-SECRET-4711';
/** A woff2 file's magic followed by filler: what the sender recognises as a font. */
const WOFF2 = Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(60, 7)]);

/** A CDN stylesheet: a border to compare, a relative URL to make absolute, a card number in a string to mask. */
function CDN_CSS(name) {
  return `.cdn-${name} { border: 7px solid rgb(1, 2, 3); background-image: url(../test/browser/pages/assets/tile.png); }
.cdn-${name}::after { content: "4111 1111 1111 1111"; }`;
}

const FIXED = {
  'statement.pdf': ['application/pdf', `%PDF-1.4 ${SECRET} statement`],
  'summary.html': ['text/html', `<!doctype html><p>${SECRET} balance</p>`],
  'captions.vtt': ['text/vtt', `WEBVTT\n\n00:00.000 --> 00:01.000\n${SECRET}\n`],
  'imported.css': ['text/css', `/* ${SECRET} */ body { color: black; }`],
  'secret.bin': ['application/octet-stream', `${SECRET} not a font`],
  'untyped.bin': ['', `${SECRET} no type`],
  'font.bin': ['application/octet-stream', WOFF2],
  'page-as-image.png': ['text/html', `<p>${SECRET}</p>`],
  // A CDN's stylesheet, with and without CORS (served the same on both test origins).
  'cdn-cors.css': ['text/css', CDN_CSS('cors')],
  'cdn-plain.css': ['text/css', CDN_CSS('plain')],
};
/** Stylesheets that allow any origin to read them, as most CDNs do. */
const CORS_ALLOWED = new Set(['cdn-cors.css']);

/** Koa middleware serving the fixtures under ASSET_FIXTURE_PREFIX. */
export function assetFixtures() {
  return async (context, next) => {
    if (!context.path.startsWith(ASSET_FIXTURE_PREFIX)) return next();
    const name = context.path.slice(ASSET_FIXTURE_PREFIX.length);
    context.set('cache-control', 'no-store');
    if (name === 'endless.mjpg') {
      // Never ends and has no length, as an MJPEG camera; stops at 256 MB or when the reader goes.
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 0xff);
      context.type = 'multipart/x-mixed-replace; boundary=frame';
      context.body = new Readable({
        read() {
          sent += chunk.length;
          this.push(sent > 256 * 1024 * 1024 ? null : chunk);
        },
      });
      return;
    }
    if (name === 'stalled.png') {
      // Headers, then nothing: the sender's timeout is the only way out.
      context.type = 'image/png';
      context.body = new Readable({ read() {} });
      return;
    }
    const fixed = FIXED[name];
    if (fixed === undefined) return next();
    const [type, body] = fixed;
    context.status = 200;
    if (CORS_ALLOWED.has(name)) context.set('access-control-allow-origin', '*');
    context.body = Buffer.isBuffer(body) ? body : Buffer.from(body);
    if (type === '') context.remove('content-type');
    else context.type = type;
  };
}
