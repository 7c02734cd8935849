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
function grow(parent: Element | ShadowRoot, depth: number, random: () => number, odd = false): void {
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
    if (odd && random() < 0.12) {
      // Names the selector may or may not match: other cases (an SVG child keeps its case), a namespace.
      const pick = Math.floor(random() * 4);
      if (pick === 0) el.setAttributeNS(null, 'DATA-Cobrowse-Mask', '');
      else if (pick === 1) el.setAttributeNS('urn:x', 'x:data-cobrowse-block', '');
      else if (pick === 2) el.setAttributeNS(null, 'contentEditable', '');
      else el.setAttributeNS('urn:x', 'data-cobrowse-mask', '');
    }
    if (odd && random() < 0.08) {
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      const child = document.createElementNS('http://www.w3.org/2000/svg', 'g');
      child.setAttributeNS(null, random() < 0.5 ? 'DATA-COBROWSE-MASK' : 'data-cobrowse-mask', '');
      child.append(document.createElementNS('http://www.w3.org/2000/svg', 'text'));
      svg.append(child);
      el.append(svg);
    }
    if (tag === 'select') {
      const option = document.createElement('option');
      option.textContent = 'x';
      el.append(option);
    }
    if (tag === 'input' && random() < 0.3) el.setAttribute('name', random() < 0.5 ? 'card-number' : 'nickname');
    parent.append(el);
    if (tag === 'div' && random() < 0.15) grow(el.attachShadow({ mode: 'open' }), depth + 1, random, odd);
    else if (tag !== 'input' && tag !== 'textarea' && tag !== 'select') grow(el, depth + 1, random, odd);
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

  it('reads markers and contenteditable from attribute names as the DOM does, when no integrator selector is set', () => {
    const config = createMaskConfig({});
    let compared = 0;
    let marked = 0;
    for (let seed = 1; seed <= 120; seed++) {
      host.replaceChildren();
      grow(host, 0, seededRandom(seed), true);
      const visit = (el: Element, inherited: MaskAncestry | undefined): void => {
        // As the serializer does: the names it reads for the attributes anyway.
        const ancestry = maskAncestry(el, config, inherited, el.getAttributeNames());
        const where = `seed ${seed}, <${el.localName} ${el.getAttributeNames().join(' ')}>`;
        // The oracles: the live tree's own answers (closest, matches), not the names.
        expect(describeField(el, config, undefined, ancestry), where).to.deep.equal(describeField(el, config));
        const decision = decideField(describeField(el, config)).decision;
        if (isPlainClear(el, ancestry)) expect(decision, where).to.equal('clear');
        if (ancestry.marked) marked++;
        compared++;
        if (el.shadowRoot) for (const child of el.shadowRoot.children) visit(child, rootAncestry(ancestry));
        for (const child of el.children) visit(child, ancestry);
      };
      visit(host, undefined);
    }
    expect(compared).to.be.greaterThan(500);
    expect(marked).to.be.greaterThan(50);
    // Control: names read as "unmarked" where the selector matches make the oracle fail.
    host.innerHTML = '<div><p DATA-COBROWSE-MASK>x</p></div>';
    const p = host.querySelector('p') as Element;
    const wrong = maskAncestry(p, config, { marked: false, editableAttr: null }, []);
    expect(describeField(p, config, undefined, wrong)).not.to.deep.equal(describeField(p, config));
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
