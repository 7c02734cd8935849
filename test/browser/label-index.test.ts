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

  it('built a step at a time, gives the answers of an index built at once; a change midway starts it again', () => {
    const rows: string[] = [];
    for (let i = 0; i < 300; i++) rows.push(`<label for="f${i % 150}">L${i}${i === 7 ? ' card number' : ''}</label>`);
    host.innerHTML = `${rows.join('')}<input id="f7"><input id="f149"><input id="none">`;
    const fields = ['#f7', '#f149', '#none'].map((selector) => host.querySelector(selector)!);
    const whole = new LabelIndex();
    const expected = fields.map((el) => whole.textFor(el));
    expect(expected[0]).to.contain('L7 card number').and.to.contain('L157');

    const stepped = new LabelIndex();
    let steps = 0;
    let calls = 0;
    // `more` says no after every few labels: the index needs many steps.
    while (!stepped.prepareSome(document, () => ++calls % 2 !== 0)) steps++;
    expect(steps).to.be.greaterThan(2);
    expect(fields.map((el) => stepped.textFor(el))).to.deep.equal(expected);

    // Midway, the page changes: the engine invalidates, and the next lookup reads the page as it is.
    const changed = new LabelIndex();
    expect(changed.prepareSome(document, () => false)).to.equal(false);
    expect(changed.prepareSome(document, () => false)).to.equal(false);
    const late = document.createElement('label');
    late.htmlFor = 'none';
    late.textContent = 'Security code';
    host.append(late);
    changed.invalidate();
    expect(changed.textFor(fields[2]!)).to.contain('Security code');
    // Control: without the invalidation the half-built list misses the new label.
    const stale = new LabelIndex();
    stale.prepareSome(document, () => false);
    const later = document.createElement('label');
    later.htmlFor = 'f149';
    later.textContent = 'Added after the scan';
    host.append(later);
    expect(stale.textFor(fields[1]!)).not.to.contain('Added after the scan');
  });
});
