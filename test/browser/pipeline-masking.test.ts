import { expect } from '@open-wc/testing';
import { allRoots, loadCustomerPage, Pipeline } from './helpers/pipeline-harness.js';

const CARD = '4111 1111 1111 1111';
const SSN = '123-45-6789';
const PASSWORD = 'Hunter2-Zebra!';
/** The sentinels and fragments of them that must never reach the mirror. */
const FORBIDDEN = [
  CARD,
  '4111',
  '1111 1111',
  '41111111',
  SSN,
  '123-45',
  '45-6789',
  '6789',
  PASSWORD,
  'Hunter2',
  'Zebra',
];

const PAGE = `<!DOCTYPE html><html><head><title>checkout</title></head><body>
  <form id="pay">
    <label>Password <input type="password" id="pw"></label>
    <label>Card <input id="cc" autocomplete="cc-number"></label>
    <label>CVV <input id="cvv" name="cvv"></label>
    <label for="ssn">Social security number</label><input id="ssn">
    <input id="iban" placeholder="IBAN">
    <input id="marked" data-cobrowse-mask>
    <textarea id="notes-masked" data-cobrowse-mask></textarea>
    <select id="pin-select" aria-label="PIN"><option>0000</option><option>6789</option></select>
    <input id="plain" value="nothing secret">
  </form>
  <p id="free-text">Card on file: ${CARD}, ssn ${SSN}.</p>
  <div data-cobrowse-mask id="masked-div">secret ${PASSWORD}</div>
  <div data-cobrowse-block id="blocked" style="width:120px;height:40px">blocked ${CARD}</div>
  <div id="editable" contenteditable="true">edit</div>
</body></html>`;

/** Sets a value the way typing does: the value, then an input event. */
function type(doc: Document, id: string, value: string): void {
  const field = doc.getElementById(id) as HTMLInputElement | HTMLTextAreaElement;
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Every sentinel fragment found in the mirror: attribute values, text, form values, CSS. */
function leaks(doc: Document): string[] {
  const found: string[] = [];
  const check = (where: string, value: string): void => {
    for (const fragment of FORBIDDEN) if (value.includes(fragment)) found.push(`${fragment} in ${where}`);
  };
  for (const root of allRoots([doc])) {
    const walker = (
      root.nodeType === Node.DOCUMENT_NODE ? (root as Document) : (root.ownerDocument ?? doc)
    ).createTreeWalker(root, NodeFilter.SHOW_ALL);
    for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.COMMENT_NODE)
        check('text', (node as CharacterData).data);
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const element = node as Element;
      for (const attribute of element.attributes) check(`${attribute.name} of <${element.localName}>`, attribute.value);
      if ('value' in element && typeof (element as HTMLInputElement).value === 'string')
        check(`value of <${element.localName}>`, (element as HTMLInputElement).value);
    }
  }
  check('title', doc.title);
  return found;
}

describe('pipeline: masking end to end', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;

  before(async () => {
    const customer = await loadCustomerPage(PAGE);
    const doc = customer.doc;
    // Typed before the capture starts: travels in the snapshot.
    type(doc, 'pw', PASSWORD);
    type(doc, 'cc', CARD);
    type(doc, 'cvv', '123');
    type(doc, 'ssn', SSN);
    type(doc, 'marked', `${PASSWORD} ${CARD}`);
    type(doc, 'notes-masked', `notes ${SSN}`);
    pipeline = new Pipeline(customer);
    await pipeline.start();
  });

  after(() => pipeline.dispose());

  it('keeps the sentinels typed before the snapshot out of the mirror', () => {
    // Control: the customer's own page does hold them, so the search can find them.
    expect(leaks(pipeline.customer.doc).length).to.be.greaterThan(5);
    expect(pipeline.resyncRequests).to.deep.equal([]);
    expect(leaks(pipeline.mirrorDocument())).to.deep.equal([]);
  });

  it('keeps sentinels typed, pasted and set by script after the snapshot out of the mirror', async () => {
    const doc = pipeline.customer.doc;
    type(doc, 'pw', `${PASSWORD}x`);
    type(doc, 'cc', CARD.replace(/ /g, ''));
    type(doc, 'ssn', SSN);
    type(doc, 'iban', CARD);
    (doc.getElementById('marked') as HTMLInputElement).value = `script ${CARD}`;
    (doc.getElementById('pin-select') as HTMLSelectElement).selectedIndex = 1;
    doc.getElementById('cc')?.setAttribute('value', CARD);
    doc.getElementById('cvv')?.setAttribute('placeholder', SSN);
    doc.getElementById('plain')?.setAttribute('data-card', CARD);
    doc.getElementById('masked-div')?.append(doc.createTextNode(` more ${SSN}`));
    const editable = doc.getElementById('editable');
    if (editable) editable.textContent = `typed ${CARD}`;
    const added = doc.createElement('input');
    added.type = 'password';
    added.value = PASSWORD;
    doc.getElementById('pay')?.append(added);
    const paragraph = doc.createElement('p');
    paragraph.textContent = `new text with ${SSN}`;
    doc.body.append(paragraph);
    await pipeline.settle(3);
    expect(pipeline.resyncRequests).to.deep.equal([]);
    expect(leaks(pipeline.mirrorDocument())).to.deep.equal([]);
    // The unmasked field still follows the customer (the mirror is live, not frozen).
    type(doc, 'plain', 'still visible');
    await pipeline.settle(2);
    const plain = pipeline.mirror.nodeById(
      pipeline.engine.idOf(doc.getElementById('plain') as Node) ?? -1,
    ) as HTMLInputElement;
    expect(plain.value).to.equal('still visible');
  });

  it('marks masked fields visibly in the mirror and blocks the blocked box at its size', () => {
    const doc = pipeline.customer.doc;
    const twin = (id: string): HTMLElement => {
      const captureId = pipeline.engine.idOf(doc.getElementById(id) as Node);
      const node = captureId === undefined ? undefined : pipeline.mirror.nodeById(captureId);
      if (!(node instanceof (pipeline.mirrorDocument().defaultView as Window & typeof globalThis).HTMLElement))
        throw new Error(`no mirror element for #${id}`);
      return node;
    };
    for (const id of ['pw', 'cc', 'cvv', 'ssn', 'marked', 'notes-masked']) {
      const element = twin(id);
      expect(element.hasAttribute('data-cobrowse-mirror-masked'), `#${id} marked`).to.equal(true);
      const style = getComputedStyle(element);
      expect(style.outlineStyle, `#${id} outline`).to.equal('dashed');
      expect(style.backgroundImage, `#${id} lock`).to.contain('data:image/svg+xml');
    }
    expect(twin('plain').hasAttribute('data-cobrowse-mirror-masked')).to.equal(false);
    const blocked = twin('blocked');
    expect(blocked.hasAttribute('data-cobrowse-mirror-blocked')).to.equal(true);
    const box = blocked.getBoundingClientRect();
    const original = doc.getElementById('blocked')?.getBoundingClientRect();
    expect(Math.abs(box.width - (original?.width ?? 0))).to.be.at.most(1);
    expect(Math.abs(box.height - (original?.height ?? 0))).to.be.at.most(1);
  });
});
