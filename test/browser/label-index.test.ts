import { expect } from '@open-wc/testing';
import { LabelIndex, createMaskConfig, describeField } from '../../client/capture/mask-dom.js';

describe('LabelIndex (label lookup without el.labels)', () => {
  let host: HTMLElement;
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
  });
  afterEach(() => host.remove());

  it('finds <label for>, wrapping labels, and labels inside the same shadow root only', () => {
    host.innerHTML = `
      <label for="cc">Card number</label><input id="cc">
      <label>Security code <input id="cvc"></label>
      <label for="elsewhere">Nickname <input id="nick"></label>
      <div id="shadow-host"></div>`;
    const shadow = host.querySelector('#shadow-host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<label for="ssn">Social security number</label><input id="ssn">`;
    const index = new LabelIndex();
    expect(index.textFor(host.querySelector('#cc')!)).to.contain('Card number');
    expect(index.textFor(host.querySelector('#cvc')!)).to.contain('Security code');
    // A wrapping label that names another control does not label this one.
    expect(index.textFor(host.querySelector('#nick')!)).not.to.contain('Nickname');
    expect(index.textFor(shadow.querySelector('#ssn')!)).to.contain('Social security number');
    // Same answers as the browser's own el.labels, through the masking decision.
    const config = createMaskConfig();
    for (const el of [host.querySelector('#cc')!, host.querySelector('#cvc')!, shadow.querySelector('#ssn')!]) {
      expect(describeField(el, config, index).labelText).to.equal(describeField(el, config).labelText);
    }
  });

  it('sees labels added later once invalidated', () => {
    host.innerHTML = `<input id="late">`;
    const index = new LabelIndex();
    expect(index.textFor(host.querySelector('#late')!).trim()).to.equal('');
    const label = document.createElement('label');
    label.htmlFor = 'late';
    label.textContent = 'Card number';
    host.prepend(label);
    index.invalidate();
    expect(index.textFor(host.querySelector('#late')!)).to.contain('Card number');
  });
});
