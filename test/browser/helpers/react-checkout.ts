/**
 * A card form in real React 19 (controlled inputs, state in React): the name
 * on the card is echoed in a card preview above the field as it is typed.
 * React sets a controlled input's default value (and its value attribute) to
 * its value on every render, so the field never looks "changed" to the DOM.
 * Bundled for the browser tests (web-test-runner.config.mjs BUNDLED_ENTRIES):
 * React ships as CommonJS.
 */
import { createElement as e, useState, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

function Checkout(): ReactElement {
  const [holder, setHolder] = useState('');
  return e(
    'div',
    null,
    e('div', { className: 'preview' }, e('span', { id: 'p-holder', title: `Card of ${holder}` }, holder)),
    e(
      'label',
      null,
      'Name on card ',
      e('input', {
        id: 'holder',
        autoComplete: 'cc-name',
        value: holder,
        onChange: (event: { target: HTMLInputElement }) => setHolder(event.target.value),
      }),
    ),
    e('button', { id: 'away' }, 'Review'),
  );
}

/** Renders the checkout into `container` (any document's element); resolves once it is in the DOM. */
export async function mountReactCheckout(container: Element): Promise<Root> {
  const root = createRoot(container);
  root.render(e(Checkout, {}));
  const doc = container.ownerDocument;
  for (let i = 0; i < 100 && doc.getElementById('holder') === null; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return root;
}
