/**
 * How the audit record names a remote action's target: tag, type and a
 * label, never a value and never masked content. The description goes on
 * the signaling socket to the server's audit, so it is built from what the
 * capture would show: a masked or blocked element is named by its tag
 * alone, and a link's, button's or label's text leaves out every masked or
 * blocked element inside it (an `<a>` "Signed in as <span
 * data-cobrowse-mask>jane@…</span>" is "Signed in as •"), a masked
 * field's value the text repeats is masked (masked-echoes.ts), and numbers
 * are masked as everywhere.
 */
import { decideField } from '../capture/mask.js';
import { titleOf } from '../capture/dom-read.js';
import { MaskedEchoes } from '../capture/masked-echoes.js';
import { describeField, type MaskConfig } from '../capture/mask-dom.js';
import { auditableText } from '../../shared/page-privacy.js';

const LABEL_LIMIT = 60;
/** Characters of text read from a target before giving up (a description keeps 60). */
const READ_LIMIT = 240;
/** Elements whose text is a value or not shown: never read into a description. */
const UNREAD_TAGS: ReadonlySet<string> = new Set([
  'input',
  'textarea',
  'select',
  'option',
  'optgroup',
  'datalist',
  'script',
  'style',
  'template',
  'noscript',
]);

/** Whether the capture masks or blocks `el` (its text then never goes out). */
export function isMaskedElement(el: Element, config: MaskConfig): boolean {
  return decideField(describeField(el, config)).decision !== 'clear';
}

/** `root`'s text with each masked or blocked element inside it as one '•'. */
function shownText(root: Element, config: MaskConfig): string {
  let text = '';
  const read = (node: Node): void => {
    for (let child = node.firstChild; child !== null && text.length < READ_LIMIT; child = child.nextSibling) {
      if (child.nodeType === Node.TEXT_NODE) text += (child as Text).data;
      else if (child.nodeType === Node.ELEMENT_NODE) {
        const el = child as Element;
        if (UNREAD_TAGS.has(el.localName)) continue;
        if (isMaskedElement(el, config)) text += ' • ';
        else read(el);
      }
    }
  };
  read(root);
  return text;
}

/** The text of `el`'s first label, masked parts left out; null without one. */
function labelText(el: Element, config: MaskConfig): string | null {
  const label = (el as HTMLInputElement).labels?.[0];
  return label === undefined ? null : shownText(label, config);
}

/** `text` with the values of the page's masked fields it repeats ("Pay as <name on card>") masked. */
function withoutEchoes(text: string, doc: Document, config: MaskConfig): string {
  if (text === '') return text;
  const echoes = new MaskedEchoes();
  echoes.prescan(doc, (field) => isMaskedElement(field, config));
  return echoes.mask({ text, masked: false }).text;
}

/** The page's title as the audit's page-visited event carries it: a masked field's value it repeats masked. */
export function auditableTitle(doc: Document, config: MaskConfig): string {
  return withoutEchoes(titleOf(doc).slice(0, 2_048), doc, config);
}

/** A short description for the audit log: tag, type, and an accessible label; never a value or masked text. */
export function describeTarget(el: Element, config: MaskConfig): string {
  const tag = el.tagName.toLowerCase();
  const type = el.getAttribute('type');
  const kind = `${tag}${type ? `[type=${type}]` : ''}`;
  if (isMaskedElement(el, config)) return kind;
  const label =
    el.getAttribute('aria-label') ??
    labelText(el, config) ??
    el.getAttribute('name') ??
    el.getAttribute('id') ??
    (tag === 'a' || tag === 'button' ? shownText(el, config) : null) ??
    '';
  const clean = auditableText(
    withoutEchoes(label, el.ownerDocument, config).replace(/\s+/g, ' ').trim().slice(0, LABEL_LIMIT),
  );
  return `${kind}${clean ? ` "${clean}"` : ''}`;
}
