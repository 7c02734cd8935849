// The demo shop's own behaviour: a one-product cart kept in localStorage and
// forms that confirm instead of submitting. Nothing here knows about co-browsing.

const CART_KEY = 'lumen-demo-cart';
const PRICE_CENTS = 8900;
const SHIPPING_CENTS = 0;
const TAX_RATE = 0.08;

/** @returns {{ colour: string, quantity: number }} */
function readCart() {
  try {
    const parsed = JSON.parse(localStorage.getItem(CART_KEY) ?? 'null');
    if (parsed && typeof parsed.colour === 'string' && Number.isInteger(parsed.quantity) && parsed.quantity >= 0)
      return parsed;
  } catch {
    // A broken entry is replaced below.
  }
  // A visitor who lands on checkout directly still sees a realistic order.
  return { colour: 'Teal', quantity: 1 };
}

function writeCart(cart) {
  localStorage.setItem(CART_KEY, JSON.stringify(cart));
}

const money = (cents) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function renderCart() {
  const cart = readCart();
  for (const badge of document.querySelectorAll('[data-cart-count]')) badge.textContent = String(cart.quantity);

  for (const container of document.querySelectorAll('[data-cart-items]')) {
    container.replaceChildren();
    if (cart.quantity === 0) {
      container.append(
        element('p', { className: 'empty', textContent: 'Your cart is empty.' }),
        element('a', { href: '/demo/', textContent: 'Browse the shop' }),
      );
      continue;
    }
    const details = element('div', {}, [
      element(container.hasAttribute('data-compact') ? 'h3' : 'h2', { textContent: 'Arc Desk Lamp' }),
      element('p', { textContent: `${cart.colour} · Qty ${cart.quantity}` }),
    ]);
    const right = element('div', {}, [element('strong', { textContent: money(PRICE_CENTS * cart.quantity) })]);
    if (!container.hasAttribute('data-compact')) {
      const remove = element('button', { type: 'button', className: 'button secondary', textContent: 'Remove' });
      remove.setAttribute('aria-label', 'Remove Arc Desk Lamp from cart');
      remove.addEventListener('click', () => {
        writeCart({ ...cart, quantity: 0 });
        renderCart();
      });
      right.append(element('div', {}, [remove]));
    }
    const thumb = element('div', { className: 'thumb' }, [element('img', { src: '/demo/img/lamp.svg', alt: '' })]);
    container.append(element('div', { className: 'line-item' }, [thumb, details, right]));
  }

  const subtotal = PRICE_CENTS * cart.quantity;
  const tax = Math.round(subtotal * TAX_RATE);
  for (const list of document.querySelectorAll('[data-cart-summary]')) {
    list.replaceChildren(
      element('dt', { textContent: 'Subtotal' }),
      element('dd', { textContent: money(subtotal) }),
      element('dt', { textContent: 'Delivery' }),
      element('dd', { textContent: SHIPPING_CENTS === 0 ? 'Free' : money(SHIPPING_CENTS) }),
      element('dt', { textContent: 'Estimated tax' }),
      element('dd', { textContent: money(tax) }),
      element('dt', { className: 'total', textContent: 'Total' }),
      element('dd', { className: 'total', textContent: money(subtotal + SHIPPING_CENTS + tax) }),
    );
  }
}

function wireAddToCart() {
  const form = document.getElementById('add-to-cart');
  if (!form) return;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const quantity = Math.min(9, Math.max(1, Number.parseInt(String(data.get('quantity') ?? '1'), 10) || 1));
    writeCart({ colour: String(data.get('colour') ?? 'Teal'), quantity });
    location.assign('/demo/cart');
  });
}

/** Demo forms confirm on the page; nothing is sent anywhere. */
function wireDemoForm(id, confirmation) {
  const form = document.getElementById(id);
  if (!form) return;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const status = form.querySelector('[role="status"]');
    if (status) status.textContent = confirmation(new FormData(form));
  });
}

renderCart();
wireAddToCart();
wireDemoForm('checkout', (data) => {
  const name = String(data.get('name') ?? '').trim();
  return `Thanks${name ? `, ${name}` : ''}! This is a demo shop, so no order was placed.`;
});
wireDemoForm('credit', () => 'Application received. This is a demo, so nothing was sent.');
wireDemoForm('account', () => 'Account created. This is a demo, so nothing was stored.');
