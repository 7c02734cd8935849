/**
 * A small customer site on its own origin (127.0.0.1:<port>, the signaling
 * server is on another port), embedding the element exactly as the README
 * tells integrators to.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Shop {
  url: string;
  close(): Promise<void>;
}

const styles = `
  body { font-family: system-ui, sans-serif; margin: 0; color: #111827; }
  header { background: #0f766e; color: #fff; padding: 16px 24px; }
  main { padding: 24px; max-width: 640px; }
  label { display: block; margin: 12px 0 4px; font-weight: 600; }
  input { font: inherit; padding: 8px; width: 100%; box-sizing: border-box; }
  .tall { height: 1800px; background: linear-gradient(#f0fdfa, #ccfbf1); }
`;

function page(server: string, title: string, body: string, navigationOrigins = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${title}</title>
  <link rel="stylesheet" href="/shop.css">
  <script type="module" src="${server}/cobrowse.js"></script>
</head>
<body>
  <header><strong>Test Shop</strong></header>
  <main>${body}</main>
  <cobrowse-session server="${server}"${navigationOrigins ? ` navigation-origins="${navigationOrigins}"` : ''}></cobrowse-session>
  <script type="module" src="/shop.js"></script>
</body>
</html>`;
}

const checkout = `
  <h1 id="title">Checkout</h1>
  <form id="checkout" action="/shipping" method="get">
    <label for="name">Full name</label><input id="name" name="name" autocomplete="name">
    <label for="email">Email</label><input id="email" name="email" type="email">
    <label for="address">Street address</label><input id="address" name="address" autocomplete="street-address">
    <label for="card">Card number</label><input id="card" name="cardnumber" autocomplete="cc-number" inputmode="numeric">
    <label for="cvc">CVC</label><input id="cvc" name="cvc" autocomplete="cc-csc">
    <label for="ssn">Social security number</label><input id="ssn" name="ssn">
    <label for="password">Create a password</label><input id="password" name="password" type="password" autocomplete="new-password">
    <p id="note" data-cobrowse-mask>Account 4111 1111 1111 1111 on file</p>
    <button type="button" id="next">Next</button>
    <p id="status"></p>
  </form>
  <div class="tall"></div>
  <a id="to-shipping" href="/shipping">Continue to shipping</a>`;

/**
 * A delivery form for remote typing: plain fields, fields rendered the way a
 * framework renders a controlled input (the value written back on every input
 * event, and again on the next animation frame, with a summary re-rendered
 * beside them), a search field and a textarea.
 */
const form = `
  <h1 id="title">Delivery details</h1>
  <form id="details" action="/shipping" method="get">
    <label for="fullname">Full name</label><input id="fullname" name="fullname" autocomplete="name">
    <label for="street">Street address</label><input id="street" name="street" data-controlled>
    <label for="borough">Borough</label><input id="borough" name="borough" data-controlled>
    <label for="postcode">Postcode</label><input id="postcode" name="postcode">
    <label for="help">Search help</label><input id="help" name="help" type="search">
    <label for="notes">Delivery notes</label><textarea id="notes" name="notes" rows="3" data-controlled></textarea>
    <label for="lossy">Reference (drops every third key: the oracle's control)</label><input id="lossy" name="lossy" data-drop-every="3">
  </form>
  <p id="summary" aria-live="polite"></p>`;

/** Every other kind of control an agent may use remotely. */
const controls = `
  <h1 id="title">Preferences</h1>
  <form id="prefs">
    <label><input type="checkbox" id="gift" name="gift"> Gift wrap</label>
    <fieldset><legend>Delivery speed</legend>
      <label><input type="radio" name="speed" id="speed-standard" value="standard" checked> Standard</label>
      <label><input type="radio" name="speed" id="speed-express" value="express"> Express</label>
    </fieldset>
    <label for="size">Size</label><select id="size" name="size"><option value="s">Small</option><option value="m">Medium</option><option value="l">Large</option></select>
    <label for="when">Delivery date</label><input id="when" name="when" type="date">
    <label for="qty">Quantity</label><input id="qty" name="qty" type="number" value="1" min="1" max="99">
    <label for="volume">Doorbell volume</label><input id="volume" name="volume" type="range" min="0" max="10" value="5">
    <div id="editor" contenteditable="true"><p>Rich <b>text</b> note</p></div>
  </form>
  <div id="scroller" tabindex="0" aria-label="Terms" style="height:120px;overflow:auto;border:1px solid #999"><div style="height:900px">Terms <p id="terms-end" style="margin-top:800px">End of terms</p></div></div>
  <iframe id="help-frame" src="/frame" title="Help" style="width:100%;height:140px"></iframe>
  <div class="tall"></div>`;

const frame = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Help</title></head><body>
  <button type="button" id="frame-button">Show help</button><p id="frame-status"></p>
  <label for="frame-input">Question</label><input id="frame-input">
  <script src="/frame.js"></script></body></html>`;
const frameScript = `document.getElementById('frame-button').addEventListener('click', () => { document.getElementById('frame-status').textContent = 'Help shown'; });`;

const shipping = `<h1 id="title">Shipping</h1><p id="intro">Choose how to ship your order.</p><a href="/checkout">Back to checkout</a>`;

// The shop's own script: reacts to the Next button like a real checkout would.
const shopScript = `
  const state = {};
  const writeValue = (el, value) => Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set.call(el, value);
  const renderSummary = () => { document.getElementById('summary').textContent = Object.values(state).join(' | '); };
  for (const el of document.querySelectorAll('[data-controlled]')) {
    state[el.id] = el.value;
    el.addEventListener('input', () => {
      state[el.id] = el.value;
      writeValue(el, state[el.id]);
      renderSummary();
      requestAnimationFrame(() => writeValue(el, state[el.id]));
    });
  }
  for (const el of document.querySelectorAll('[data-drop-every]')) {
    let keys = 0;
    const every = Number(el.getAttribute('data-drop-every'));
    el.addEventListener('beforeinput', (event) => { keys += 1; if (keys % every === 0) event.preventDefault(); });
  }
  const next = document.getElementById('next');
  if (next) next.addEventListener('click', () => {
    document.getElementById('status').textContent = 'Next clicked with address: ' + document.getElementById('address').value;
  });
`;

export interface ShopOptions {
  /** A Content-Security-Policy header for every page (the integrator's own policy). */
  csp?: string;
  /** The integrator's allowlist for remote navigation, on every page's element. */
  navigationOrigins?: string;
}

export async function startShop(serverUrl: string, options: ShopOptions = {}): Promise<Shop> {
  const http: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/shop.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(shopScript);
      return;
    }
    if (path === '/frame.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(frameScript);
      return;
    }
    if (path === '/frame') {
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          ...(options.csp ? { 'content-security-policy': options.csp } : {}),
        })
        .end(frame);
      return;
    }
    if (path === '/shop.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(styles);
      return;
    }
    const html =
      path === '/shipping'
        ? page(serverUrl, 'Test Shop · Shipping', shipping, options.navigationOrigins)
        : path === '/form'
          ? page(serverUrl, 'Test Shop · Delivery', form, options.navigationOrigins)
          : path === '/controls'
            ? page(serverUrl, 'Test Shop · Preferences', controls, options.navigationOrigins)
            : page(serverUrl, 'Test Shop · Checkout', checkout, options.navigationOrigins);
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        ...(options.csp ? { 'content-security-policy': options.csp } : {}),
      })
      .end(html);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}
