/**
 * The mirror leaves the agent's caret alone while the agent types in a
 * field (agent/mirror/state-frames.ts applySelection, through
 * dom-nodes.ts hasEditingFocus): the customer's selection frames would
 * otherwise move the document's selection under the caret, and text the
 * agent then typed as text (an accented letter, IME) replaced what the
 * selection covered. A field inside an open shadow root (a design-system
 * input) was not recognised: the document's active element is its host,
 * and 'Happy birthday, Zoë' arrived as 'Hë' (found in review). Control: a
 * focused plain <div> is not editing focus, and a selection frame is applied.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { hasEditingFocus } from '../../agent/mirror/dom-nodes.js';
import { applySelection } from '../../agent/mirror/state-frames.js';

class GiftField extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = '<input id="inner" value="Happy birthday, Zo">';
  }
}
customElements.define('gift-field-test', GiftField);

describe('mirror: the agent’s editing focus', () => {
  it('a field inside an open shadow root is editing focus, and a selection frame leaves its caret', async () => {
    const host = await fixture<HTMLElement>(
      html`<div><p id="para">Some text</p><gift-field-test></gift-field-test></div>`,
    );
    const inner = host.querySelector('gift-field-test')?.shadowRoot?.getElementById('inner') as HTMLInputElement;
    inner.focus();
    inner.setSelectionRange(18, 18);
    expect(document.activeElement?.localName).to.equal('gift-field-test');
    expect(hasEditingFocus(document)).to.equal(true);
    const para = host.querySelector('#para')?.firstChild as Node;
    const applied = applySelection(
      document,
      { t: 'selection', seq: 1, ranges: [{ start: 1, startOffset: 0, end: 1, endOffset: 4 }] },
      () => para,
    );
    expect(applied).to.equal(true);
    expect(inner.selectionStart).to.equal(18);
    expect(inner.selectionEnd).to.equal(18);
    expect((inner.getRootNode() as ShadowRoot).activeElement === inner).to.equal(true);
  });

  it('control: focus on something the agent does not type into is not editing focus; the selection is shown', async () => {
    const host = await fixture<HTMLElement>(
      html`<div><p id="para">Some text</p><div id="box" tabindex="0">x</div></div>`,
    );
    (host.querySelector('#box') as HTMLElement).focus();
    expect(hasEditingFocus(document)).to.equal(false);
    const para = host.querySelector('#para')?.firstChild as Node;
    applySelection(
      document,
      { t: 'selection', seq: 1, ranges: [{ start: 1, startOffset: 0, end: 1, endOffset: 4 }] },
      () => para,
    );
    expect(document.getSelection()?.toString()).to.equal('Some');
  });
});
