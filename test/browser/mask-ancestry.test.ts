import { expect } from '@open-wc/testing';
import { decideField } from '../../client/capture/mask.js';
import {
  createMaskConfig,
  describeField,
  isPlainClear,
  maskAncestry,
  rootAncestry,
  type MaskAncestry,
} from '../../client/capture/mask-dom.js';
import { seededRandom } from './helpers/pipeline-harness.js';

const TAGS = ['div', 'section', 'span', 'p', 'input', 'textarea', 'select', 'label', 'b'];

/** A random subtree with markers, integrator classes, contenteditable (true/false islands) and open shadow roots. */
function grow(parent: Element | ShadowRoot, depth: number, random: () => number): void {
  const count = depth > 4 ? 0 : Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const tag = TAGS[Math.floor(random() * TAGS.length)] as string;
    const el = document.createElement(tag);
    const roll = random();
    if (roll < 0.06) el.setAttribute('data-cobrowse-mask', '');
    else if (roll < 0.1) el.setAttribute('data-cobrowse-block', '');
    else if (roll < 0.16) el.className = 'secure';
    else if (roll < 0.22) el.setAttribute('contenteditable', '');
    else if (roll < 0.26) el.setAttribute('contenteditable', 'false');
    if (tag === 'select') {
      const option = document.createElement('option');
      option.textContent = 'x';
      el.append(option);
    }
    if (tag === 'input' && random() < 0.3) el.setAttribute('name', random() < 0.5 ? 'card-number' : 'nickname');
    parent.append(el);
    if (tag === 'div' && random() < 0.15) grow(el.attachShadow({ mode: 'open' }), depth + 1, random);
    else if (tag !== 'input' && tag !== 'textarea' && tag !== 'select') grow(el, depth + 1, random);
  }
}

describe('maskAncestry (masking context passed down a walk)', () => {
  let host: HTMLElement;
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
  });
  afterEach(() => host.remove());

  it('gives every element the same field description as the precise per-element checks', () => {
    const config = createMaskConfig({
      extraMaskSelectors: ['.secure input', '.secure [contenteditable]'],
      extraBlockSelectors: ['section.secure'],
    });
    let compared = 0;
    for (let seed = 1; seed <= 120; seed++) {
      host.replaceChildren();
      grow(host, 0, seededRandom(seed));
      // Pre-order walk as the snapshot does it: each element from its parent's ancestry.
      const known = new Map<Node, MaskAncestry>();
      const visit = (node: Node, inherited: MaskAncestry | undefined): void => {
        if (node.nodeType !== 1) return;
        const el = node as Element;
        const ancestry = maskAncestry(el, config, inherited);
        known.set(el, ancestry);
        expect(
          describeField(el, config, undefined, ancestry),
          `seed ${seed}, <${el.localName}> under ${el.parentElement?.localName}`,
        ).to.deep.equal(describeField(el, config));
        compared++;
        if (el.shadowRoot) for (const child of el.shadowRoot.children) visit(child, rootAncestry(ancestry));
        for (const child of el.children) visit(child, ancestry);
      };
      // The host's ancestry comes from the live tree (no parent known), as at the start of a slice.
      visit(host, undefined);
    }
    expect(compared).to.be.greaterThan(500);
  });

  it('calls an element plain-clear only when the precise decision is clear (the serializer then skips it)', () => {
    const config = createMaskConfig({
      extraMaskSelectors: ['.secure input', '.secure [contenteditable]'],
      extraBlockSelectors: ['section.secure'],
    });
    let plain = 0;
    let notPlain = 0;
    for (let seed = 1; seed <= 120; seed++) {
      host.replaceChildren();
      grow(host, 0, seededRandom(seed));
      const visit = (el: Element, inherited: MaskAncestry | undefined): void => {
        const ancestry = maskAncestry(el, config, inherited);
        // The oracle: the decision from the live tree, without the ancestry the shortcut relies on.
        const decision = decideField(describeField(el, config)).decision;
        if (isPlainClear(el, ancestry)) {
          expect(decision, `seed ${seed}, <${el.localName}> under ${el.parentElement?.localName}`).to.equal('clear');
          plain++;
        } else notPlain++;
        if (el.shadowRoot) for (const child of el.shadowRoot.children) visit(child, rootAncestry(ancestry));
        for (const child of el.children) visit(child, ancestry);
      };
      visit(host, undefined);
    }
    // Both kinds are common in these trees (fields, markers and editable hosts are frequent here).
    expect(plain).to.be.greaterThan(200);
    expect(notPlain).to.be.greaterThan(200);
    // Control: an ancestry wrongly saying "unmarked" inside a masked subtree makes the oracle fail.
    host.innerHTML = '<div data-cobrowse-mask><span contenteditable>secret</span><p>x</p></div>';
    const inside = host.querySelector('p') as Element;
    expect(isPlainClear(inside, { marked: false, editableAttr: null })).to.equal(true);
    expect(decideField(describeField(inside, config)).decision).to.equal('mask');
  });
});
