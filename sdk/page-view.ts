/**
 * What a program reads from the page model: text, links, headings, form
 * fields with their accessible labels, visibility where the sent attributes
 * tell it, and queries by text, role and label. Derived on demand from
 * PageModel; holds nothing of its own.
 */
import type { ModelNode, PageModel } from './page-model.js';

export interface PageLink {
  id: number;
  text: string;
  href: string;
}

export interface PageHeading {
  id: number;
  level: number;
  text: string;
}

export interface PageField {
  id: number;
  tag: 'input' | 'select' | 'textarea';
  type: string;
  name: string;
  /** The accessible label (aria-labelledby, aria-label, label[for], wrapping label, title, placeholder). */
  label: string;
  /** The current value; for a masked field, the placeholder the customer's browser sent instead. */
  value: string;
  /** The customer's browser masked this field: its value never left the customer's page. */
  masked: boolean;
  checked: boolean | undefined;
  /** For a select: its options. */
  options: { id: number; value: string; text: string; selected: boolean }[];
  visible: boolean;
  disabled: boolean;
}

export interface PageElement {
  id: number;
  tag: string;
  role: string;
  name: string;
  text: string;
  visible: boolean;
}

const SKIPPED_TEXT = new Set(['script', 'style', 'template', 'noscript', 'head', 'title']);
const FIELD_TAGS = new Set(['input', 'select', 'textarea']);
const NOT_FIELDS = new Set(['hidden', 'submit', 'button', 'reset', 'image']);

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export class PageView {
  constructor(private readonly model: PageModel) {}

  get url(): string {
    return this.model.url;
  }

  get title(): string {
    return this.model.title;
  }

  node(id: number): ModelNode | undefined {
    return this.model.nodes.get(id);
  }

  /** Elements in document order. */
  elements(): ModelNode[] {
    const out: ModelNode[] = [];
    const stack = [...(this.model.nodes.get(0)?.children ?? [])].reverse();
    while (stack.length > 0) {
      const node = this.model.nodes.get(stack.pop() ?? -1);
      if (!node) continue;
      if (node.kind === 'element') out.push(node);
      stack.push(...[...node.children].reverse());
    }
    return out;
  }

  /** The text a node renders (script and style skipped), whitespace collapsed. */
  textOf(id: number): string {
    const parts: string[] = [];
    const walk = (nodeId: number): void => {
      const node = this.model.nodes.get(nodeId);
      if (!node) return;
      if (node.kind === 'text') parts.push(node.text);
      if (node.kind === 'comment' || (node.kind === 'element' && SKIPPED_TEXT.has(node.tag))) return;
      for (const child of node.children) walk(child);
    };
    walk(id);
    return normalise(parts.join(''));
  }

  /** The page's visible body text. */
  text(): string {
    const body = this.elements().find((node) => node.tag === 'body');
    return body ? this.textOf(body.id) : this.textOf(0);
  }

  /** Hidden by an attribute or inline style it or an ancestor carries (layout itself is not sent). */
  isVisible(id: number): boolean {
    let node = this.model.nodes.get(id);
    while (node && node.id !== 0) {
      if (node.kind === 'element') {
        const attributes = node.attributes;
        if ('hidden' in attributes || attributes['aria-hidden'] === 'true') return false;
        if (node.tag === 'input' && attributes['type']?.toLowerCase() === 'hidden') return false;
        const style = (attributes['style'] ?? '').replace(/\s+/g, '').toLowerCase();
        if (style.includes('display:none') || style.includes('visibility:hidden')) return false;
        if (node.blocked) return false;
        if (
          node.tag === 'dialog' &&
          !('open' in attributes) &&
          !this.model.topLayer.some((entry) => entry.id === node?.id)
        )
          return false;
      }
      node = this.model.nodes.get(node.parent);
    }
    return node !== undefined;
  }

  links(): PageLink[] {
    return this.elements()
      .filter((node) => node.tag === 'a' && node.attributes['href'] !== undefined)
      .map((node) => ({ id: node.id, text: this.nameOf(node), href: node.attributes['href'] ?? '' }));
  }

  headings(): PageHeading[] {
    return this.elements().flatMap((node) => {
      const match = /^h([1-6])$/.exec(node.tag);
      const level = match
        ? Number(match[1])
        : node.attributes['role'] === 'heading'
          ? Number(node.attributes['aria-level'] ?? 2)
          : 0;
      return level > 0 ? [{ id: node.id, level, text: this.textOf(node.id) }] : [];
    });
  }

  fields(): PageField[] {
    return this.elements()
      .filter(
        (node) =>
          FIELD_TAGS.has(node.tag) &&
          !(node.tag === 'input' && NOT_FIELDS.has((node.attributes['type'] ?? 'text').toLowerCase())),
      )
      .map((node) => this.#field(node));
  }

  /** The field whose label contains `label` (case-insensitive), or undefined. */
  field(label: string | RegExp): PageField | undefined {
    return this.fields().find((field) => matches(field.label, label));
  }

  /** The accessible name of an element. */
  nameOf(node: ModelNode): string {
    const labelledBy = node.attributes['aria-labelledby'];
    if (labelledBy) {
      const text = labelledBy
        .split(/\s+/)
        .map((ref) => this.#byDomId(ref))
        .filter((el): el is ModelNode => el !== undefined)
        .map((el) => this.textOf(el.id))
        .join(' ');
      if (normalise(text)) return normalise(text);
    }
    const ariaLabel = node.attributes['aria-label'];
    if (ariaLabel && normalise(ariaLabel)) return normalise(ariaLabel);
    if (FIELD_TAGS.has(node.tag)) {
      const domId = node.attributes['id'];
      const forLabel = domId
        ? this.elements().find((el) => el.tag === 'label' && el.attributes['for'] === domId)
        : undefined;
      if (forLabel) return this.textOf(forLabel.id);
      const wrapping = this.#ancestor(node, (el) => el.tag === 'label');
      if (wrapping) return this.textOf(wrapping.id);
      return normalise(node.attributes['title'] ?? node.attributes['placeholder'] ?? '');
    }
    if (node.tag === 'img') return normalise(node.attributes['alt'] ?? '');
    return this.textOf(node.id) || normalise(node.attributes['title'] ?? '');
  }

  /** The ARIA role: explicit, or the implicit one of common elements. */
  roleOf(node: ModelNode): string {
    const explicit = node.attributes['role']?.split(/\s+/)[0];
    if (explicit) return explicit;
    const type = (node.attributes['type'] ?? 'text').toLowerCase();
    switch (node.tag) {
      case 'a':
        return node.attributes['href'] !== undefined ? 'link' : '';
      case 'button':
        return 'button';
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
      case 'h5':
      case 'h6':
        return 'heading';
      case 'select':
        return 'multiple' in node.attributes ? 'listbox' : 'combobox';
      case 'textarea':
        return 'textbox';
      case 'input':
        if (type === 'checkbox' || type === 'radio') return type;
        if (['submit', 'button', 'reset', 'image'].includes(type)) return 'button';
        if (type === 'range') return 'slider';
        return type === 'hidden' ? '' : 'textbox';
      case 'img':
        return 'img';
      case 'nav':
        return 'navigation';
      case 'main':
        return 'main';
      case 'form':
        return 'form';
      case 'ul':
      case 'ol':
        return 'list';
      case 'li':
        return 'listitem';
      case 'dialog':
        return 'dialog';
      default:
        return '';
    }
  }

  /** Elements with this role (and, if given, an accessible name containing `name`). */
  getByRole(role: string, options: { name?: string | RegExp } = {}): PageElement[] {
    return this.elements()
      .filter((node) => this.roleOf(node) === role)
      .map((node) => this.#describe(node))
      .filter((el) => options.name === undefined || matches(el.name, options.name));
  }

  /** The innermost elements whose text contains `text`. */
  getByText(text: string | RegExp): PageElement[] {
    const hits = this.elements().filter((node) => !SKIPPED_TEXT.has(node.tag) && matches(this.textOf(node.id), text));
    const hitIds = new Set(hits.map((node) => node.id));
    return hits
      .filter((node) => !node.children.some((child) => this.#hasDescendantIn(child, hitIds)))
      .map((node) => this.#describe(node));
  }

  /** Form fields whose label contains `label`. */
  getByLabel(label: string | RegExp): PageField[] {
    return this.fields().filter((field) => matches(field.label, label));
  }

  #field(node: ModelNode): PageField {
    const options = node.tag === 'select' ? this.#options(node) : [];
    const selectedOption = options.find((option) => option.selected) ?? options[0];
    const value =
      node.value ?? (node.tag === 'select' ? (selectedOption?.value ?? '') : (node.attributes['value'] ?? ''));
    return {
      id: node.id,
      tag: node.tag as PageField['tag'],
      type: node.tag === 'input' ? (node.attributes['type'] ?? 'text').toLowerCase() : node.tag,
      name: node.attributes['name'] ?? '',
      label: this.nameOf(node),
      value,
      masked: node.masked,
      checked: node.checked,
      options,
      visible: this.isVisible(node.id),
      disabled: 'disabled' in node.attributes,
    };
  }

  #options(select: ModelNode): PageField['options'] {
    const out: PageField['options'] = [];
    const walk = (id: number): void => {
      const node = this.model.nodes.get(id);
      if (!node) return;
      if (node.kind === 'element' && node.tag === 'option') {
        const text = this.textOf(node.id);
        out.push({
          id: node.id,
          value: node.attributes['value'] ?? text,
          text,
          selected: node.selected ?? 'selected' in node.attributes,
        });
        return;
      }
      for (const child of node.children) walk(child);
    };
    for (const child of select.children) walk(child);
    return out;
  }

  #describe(node: ModelNode): PageElement {
    return {
      id: node.id,
      tag: node.tag,
      role: this.roleOf(node),
      name: this.nameOf(node),
      text: this.textOf(node.id),
      visible: this.isVisible(node.id),
    };
  }

  #byDomId(domId: string): ModelNode | undefined {
    return this.elements().find((node) => node.attributes['id'] === domId);
  }

  #ancestor(node: ModelNode, test: (el: ModelNode) => boolean): ModelNode | undefined {
    let current = this.model.nodes.get(node.parent);
    while (current && current.id !== 0) {
      if (current.kind === 'element' && test(current)) return current;
      current = this.model.nodes.get(current.parent);
    }
    return undefined;
  }

  #hasDescendantIn(id: number, ids: ReadonlySet<number>): boolean {
    if (ids.has(id)) return true;
    return (this.model.nodes.get(id)?.children ?? []).some((child) => this.#hasDescendantIn(child, ids));
  }
}

function matches(text: string, query: string | RegExp): boolean {
  return typeof query === 'string' ? text.toLowerCase().includes(query.toLowerCase()) : query.test(text);
}
