/**
 * Seeded random DOM mutations on a customer page: insert, remove, move,
 * attribute, text, style, form value and CSSOM changes, in the top document,
 * its open shadow roots and same-origin iframes. Text is words only, so no
 * step makes something that the masking rules (card numbers, SSNs) rewrite.
 */
import { allRoots } from './pipeline-harness.js';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'fox', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
const CLASSES = ['a', 'b', 'wide', 'flexy', 'hidden-x', 'big', 'box'];
const CONTAINER_TAGS = new Set([
  'div',
  'span',
  'p',
  'li',
  'ul',
  'section',
  'td',
  'b',
  'i',
  'em',
  'label',
  'article',
  'h2',
  'main',
  'header',
  'aside',
]);
const NEW_TAGS = ['div', 'span', 'p', 'b', 'section', 'em', 'button', 'input', 'input-checkbox', 'textarea', 'ul'];
const STYLES = [
  'width:120px',
  'height:40px',
  'color:rgb(0,0,255)',
  'background-color:rgb(255,240,200)',
  'padding:7px',
  'margin-left:13px',
  'display:flex',
  'display:inline-block',
  'display:none',
  'font-size:19px',
  'font-weight:700',
  'opacity:0.5',
  'transform:translateX(5px)',
  'visibility:hidden',
  'border:3px solid rgb(0,0,0)',
  'position:relative;left:4px',
];

export type MutationKind = 'insert' | 'remove' | 'move' | 'attribute' | 'text' | 'style' | 'value' | 'cssom';

export class RandomMutator {
  readonly counts: Record<MutationKind, number> = {
    insert: 0,
    remove: 0,
    move: 0,
    attribute: 0,
    text: 0,
    style: 0,
    value: 0,
    cssom: 0,
  };
  readonly #random: () => number;
  readonly #doc: Document;
  #serial = 0;

  constructor(doc: Document, random: () => number) {
    this.#doc = doc;
    this.#random = random;
  }

  /** Applies one random mutation; returns what it did (for failure messages). */
  step(): string {
    const kinds: MutationKind[] = [
      'insert',
      'insert',
      'remove',
      'move',
      'attribute',
      'text',
      'style',
      'value',
      'cssom',
    ];
    for (let attempt = 0; attempt < 10; attempt++) {
      const kind = this.#pick(kinds);
      const done = this.#apply(kind);
      if (done !== null) {
        this.counts[kind]++;
        return `${kind}: ${done}`;
      }
    }
    return 'nothing applicable';
  }

  #pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#random() * items.length)];
    if (item === undefined) throw new Error('empty pick');
    return item;
  }

  /** Elements inside the bodies and shadow roots of the page, scripts and style sheets excluded. */
  #elements(): Element[] {
    const elements: Element[] = [];
    for (const root of allRoots([this.#doc])) {
      const scope = root.nodeType === Node.DOCUMENT_NODE ? (root as Document).body : root;
      if (!scope) continue;
      for (const element of scope.querySelectorAll('*')) {
        if (['script', 'style', 'option', 'optgroup', 'iframe'].includes(element.localName)) continue;
        if (element.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
        elements.push(element);
      }
    }
    return elements;
  }

  #containers(): Element[] {
    const containers = this.#elements().filter((element) => CONTAINER_TAGS.has(element.localName));
    for (const root of allRoots([this.#doc]))
      if (root.nodeType === Node.DOCUMENT_NODE && (root as Document).body) containers.push((root as Document).body);
    return containers;
  }

  #words(count: number): string {
    return Array.from({ length: count }, () => this.#pick(WORDS)).join(' ');
  }

  #apply(kind: MutationKind): string | null {
    switch (kind) {
      case 'insert': {
        const parent = this.#pick(this.#containers());
        const doc = parent.ownerDocument;
        const tag = this.#pick(NEW_TAGS);
        let element: Element;
        if (tag === 'input') {
          element = doc.createElement('input');
          (element as HTMLInputElement).value = this.#words(1);
        } else if (tag === 'input-checkbox') {
          element = doc.createElement('input');
          element.setAttribute('type', 'checkbox');
          (element as HTMLInputElement).checked = this.#random() < 0.5;
        } else if (tag === 'textarea') {
          element = doc.createElement('textarea');
          element.textContent = this.#words(2);
        } else {
          element = doc.createElement(tag);
          element.textContent = `${this.#words(2)} ${++this.#serial}`;
          if (tag === 'ul') element.innerHTML = `<li>${this.#words(1)}</li><li>${this.#words(1)}</li>`;
        }
        if (this.#random() < 0.4) element.setAttribute('class', this.#pick(CLASSES));
        const children = [...parent.childNodes];
        const before = children.length > 0 && this.#random() < 0.7 ? this.#pick(children) : null;
        parent.insertBefore(element, before);
        return `<${tag}> into <${parent.localName}>`;
      }
      case 'remove': {
        const candidates = this.#elements().filter((element) => element.parentNode && element.localName !== 'body');
        if (candidates.length < 8) return null;
        const victim = this.#pick(candidates);
        victim.remove();
        return `<${victim.localName}>`;
      }
      case 'move': {
        const subject = this.#pick(this.#elements());
        const targets = this.#containers().filter(
          (parent) => parent !== subject && !subject.contains(parent) && parent.ownerDocument === subject.ownerDocument,
        );
        if (targets.length === 0) return null;
        const parent = this.#pick(targets);
        const children = [...parent.childNodes].filter((child) => child !== subject);
        const before = children.length > 0 && this.#random() < 0.6 ? this.#pick(children) : null;
        parent.insertBefore(subject, before);
        return `<${subject.localName}> to <${parent.localName}>`;
      }
      case 'attribute': {
        const element = this.#pick(this.#elements());
        const roll = this.#random();
        if (roll < 0.5) element.setAttribute('class', this.#pick(CLASSES));
        else if (roll < 0.7) element.setAttribute('title', this.#words(2));
        else if (roll < 0.85) element.setAttribute('data-step', this.#words(1));
        else element.removeAttribute(this.#pick(['class', 'title', 'data-step', 'style']));
        return `<${element.localName}>`;
      }
      case 'text': {
        const texts: Text[] = [];
        for (const element of this.#elements()) {
          if (element.localName === 'textarea') continue;
          for (const child of element.childNodes) if (child.nodeType === Node.TEXT_NODE) texts.push(child as Text);
        }
        if (texts.length === 0) return null;
        const text = this.#pick(texts);
        text.data = this.#words(1 + Math.floor(this.#random() * 3));
        return `text in <${text.parentElement?.localName}>`;
      }
      case 'style': {
        const element = this.#pick(this.#elements()) as HTMLElement;
        element.style.cssText = this.#random() < 0.2 ? '' : `${this.#pick(STYLES)};${this.#pick(STYLES)}`;
        return `<${element.localName}> ${element.style.cssText}`;
      }
      case 'value': {
        const controls = this.#elements().filter(
          (element) =>
            ['input', 'textarea', 'select'].includes(element.localName) &&
            (element as HTMLInputElement).type !== 'file',
        );
        if (controls.length === 0) return null;
        const control = this.#pick(controls);
        if (control.localName === 'select') {
          const select = control as HTMLSelectElement;
          select.selectedIndex = Math.floor(this.#random() * select.options.length);
        } else if (
          control.localName === 'input' &&
          ['checkbox', 'radio'].includes((control as HTMLInputElement).type)
        ) {
          (control as HTMLInputElement).checked = !(control as HTMLInputElement).checked;
        } else {
          (control as HTMLInputElement).value = this.#words(2);
        }
        return `<${control.localName}>`;
      }
      case 'cssom': {
        const styles = [...this.#doc.querySelectorAll('style')].filter((style) => style.sheet !== null);
        const style = styles.length > 0 ? this.#pick(styles) : null;
        const sheet = style?.sheet;
        if (!sheet) return null;
        if (sheet.cssRules.length > 2 && this.#random() < 0.4) {
          sheet.deleteRule(sheet.cssRules.length - 1);
          return 'deleteRule';
        }
        sheet.insertRule(`.${this.#pick(CLASSES)}{${this.#pick(STYLES)}}`, sheet.cssRules.length);
        return 'insertRule';
      }
    }
  }
}
