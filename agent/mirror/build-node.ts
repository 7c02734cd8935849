/**
 * Turns serialized nodes into sanitized DOM nodes of a mirror document. Every
 * attribute the customer's page sends goes through setMirrorAttribute, for the
 * snapshot and for later mutations alike.
 */
import type { z } from 'zod';
import type { blockedBox, elementNode } from '../../shared/protocol.js';
import { BLOCKED_ATTRIBUTE, BLOCKED_TAG, INERT_TAG, INERT_TAG_ATTRIBUTE, MASKED_ATTRIBUTE } from './masked-style.js';
import { rewriteInteractionCss } from './interaction-css.js';
import { isFetchedUrlAttribute } from '../../shared/asset-urls.js';
import { PLACEHOLDER_MARK, type UrlUse } from './assets.js';
import {
  isInertTag,
  isUrlAttribute,
  isValidAttributeName,
  MIRROR_ATTRIBUTE_PREFIX,
  sanitizeAttribute,
  sanitizeCss,
  srcsetCandidates,
} from './sanitize.js';

export type ElementNode = z.infer<typeof elementNode>;
export type BlockedBox = z.infer<typeof blockedBox>;

/** What building needs from the mirror: URL resolution against the customer's page and counters. */
export interface BuildContext {
  /** The URL the mirror uses for `url` (absolute, or an asset sent over the channel), or null to drop it; `use` defaults to 'link'. */
  resolveUrl(url: string, use?: UrlUse): string | null;
  count(kind: 'droppedAttributes' | 'inertElements'): void;
  /** An attribute now holds a placeholder for an asset still on its way (agent/mirror/assets.ts). */
  pendingAsset?(element: Element, name: string): void;
  /** Directives the mirror documents' CSP adds to MIRROR_CSP (the asset policy's). */
  extraCsp?(): string;
}

/** The only policy a mirror document runs under; the first element of every mirrored <head>. */
export const MIRROR_CSP =
  "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; connect-src 'none'; worker-src 'none'; manifest-src 'none'";

/** Marks the <style> that stands in for a <link> whose rules the capture sent. */
export const LINK_STAND_IN_ATTRIBUTE = `${MIRROR_ATTRIBUTE_PREFIX}-link`;

const NAMESPACES = {
  svg: 'http://www.w3.org/2000/svg',
  math: 'http://www.w3.org/1998/Math/MathML',
} as const;
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Elements that cannot show the blocked label (void or replaced): a stand-in element takes their place. */
const NO_LABEL_TAGS = new Set([
  'img',
  'input',
  'textarea',
  'select',
  'video',
  'audio',
  'canvas',
  'iframe',
  'br',
  'hr',
  'wbr',
  'area',
  'col',
  'embed',
  'object',
  'source',
  'track',
  'picture',
  'svg',
  'math',
  'meter',
  'progress',
]);

/** Attributes the mirror manages itself on customer elements; a customer change never removes them. */
const MIRROR_MANAGED_ATTRIBUTES = new Set(['sandbox']);

/** Blocked boxes by element, so a later style change cannot resize the placeholder. */
const blockedBoxes = new WeakMap<Element, BlockedBox>();

/**
 * Resets `doc` to an empty document under the mirror CSP, in standards mode
 * when the customer's document had a doctype. The policy stays in force after
 * the skeleton's own <html> is removed for the customer's.
 *
 * The document is left open (no document.close()): it never fires
 * DOMContentLoaded, and Chrome's autofill, which waits for that event,
 * never scans the customer's mirrored forms. Once it had fired, every form
 * field a build slice added made it extract all forms of the page 100 ms
 * later: 200-800 ms tasks while a 100k-node page was built (measured), and
 * the agent's saved passwords offered in the customer's fields.
 */
export function prepareDocument(doc: Document, withDoctype: boolean, csp = MIRROR_CSP): void {
  doc.open();
  doc.write(`${withDoctype ? '<!DOCTYPE html>' : ''}<html><head>${cspMetaMarkup(csp)}</head></html>`);
  doc.documentElement?.remove();
}

function cspMetaMarkup(csp: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, '&quot;')}">`;
}

/** The policy of mirror documents: MIRROR_CSP and what the asset policy adds. */
export function documentCsp(ctx: BuildContext): string {
  const extra = ctx.extraCsp?.() ?? '';
  return extra === '' ? MIRROR_CSP : `${MIRROR_CSP}; ${extra}`;
}

/** A CSP <meta> for the top of a mirrored <head>. */
export function createCspMeta(doc: Document, csp = MIRROR_CSP): HTMLMetaElement {
  const meta = doc.createElement('meta');
  meta.setAttribute('http-equiv', 'Content-Security-Policy');
  meta.setAttribute('content', csp);
  return meta;
}

/** Rewrites customer CSS for the mirror: unsafe URLs dropped, the rest absolute. */
export function mirrorCss(css: string, ctx: BuildContext): string {
  return rewriteInteractionCss(sanitizeCss(css, (url) => ctx.resolveUrl(url, 'css')));
}

/**
 * Creates the sanitized element for `node` in `doc` with its attributes (form
 * state, CSS rules and scroll are applied by the caller once children exist).
 */
export function createMirrorElement(doc: Document, node: ElementNode, ctx: BuildContext): Element {
  const lowerTag = node.tag.toLowerCase();
  if (node.blocked) return createBlockedElement(doc, node, ctx);
  if (isInertTag(lowerTag)) return createInertElement(doc, lowerTag, ctx);
  if (lowerTag === 'link' && node.cssRules && !node.namespace) return createLinkStandIn(doc, node, ctx);
  let element: Element;
  try {
    element = node.namespace ? doc.createElementNS(NAMESPACES[node.namespace], node.tag) : doc.createElement(node.tag);
  } catch {
    return createInertElement(doc, 'invalid', ctx);
  }
  if (element.localName === 'iframe') element.setAttribute('sandbox', 'allow-same-origin');
  for (const [name, value] of Object.entries(node.attributes ?? {})) setMirrorAttribute(element, name, value, ctx);
  if (element.localName === 'video' || element.localName === 'audio') (element as HTMLMediaElement).muted = true;
  if (node.masked) element.setAttribute(MASKED_ATTRIBUTE, '');
  return element;
}

function createInertElement(doc: Document, originalTag: string, ctx: BuildContext): Element {
  ctx.count('inertElements');
  const element = doc.createElement(INERT_TAG);
  element.setAttribute(INERT_TAG_ATTRIBUTE, originalTag.replace(/[^a-z0-9-]/g, '').slice(0, 64));
  return element;
}

function createLinkStandIn(doc: Document, node: ElementNode, ctx: BuildContext): Element {
  const style = doc.createElement('style');
  style.setAttribute(LINK_STAND_IN_ATTRIBUTE, '');
  const media = node.attributes?.['media'];
  if (media !== undefined) setMirrorAttribute(style, 'media', media, ctx);
  style.textContent = mirrorCss((node.cssRules ?? []).join('\n'), ctx);
  return style;
}

function createBlockedElement(doc: Document, node: ElementNode, ctx: BuildContext): Element {
  const lowerTag = node.tag.toLowerCase();
  let element: Element;
  if (node.namespace || NO_LABEL_TAGS.has(lowerTag) || isInertTag(lowerTag)) {
    element = doc.createElement(BLOCKED_TAG);
  } else {
    try {
      element = doc.createElement(node.tag);
    } catch {
      element = doc.createElement(BLOCKED_TAG);
    }
  }
  for (const name of ['class', 'style']) {
    const value = node.attributes?.[name];
    if (value !== undefined) setMirrorAttribute(element, name, value, ctx);
  }
  element.setAttribute(BLOCKED_ATTRIBUTE, '');
  if (node.blocked) {
    blockedBoxes.set(element, node.blocked);
    applyBlockedBox(element, node.blocked);
  }
  return element;
}

function applyBlockedBox(element: Element, box: BlockedBox): void {
  const style = (element as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  const width = `${Math.max(0, box.width)}px`;
  const height = `${Math.max(0, box.height)}px`;
  for (const [property, value] of [
    ['width', width],
    ['min-width', width],
    ['max-width', width],
    ['height', height],
    ['min-height', height],
    ['max-height', height],
  ] as const) {
    style.setProperty(property, value, 'important');
  }
}

/** True for the mirror's own stand-ins, whose attributes the customer's page does not drive. */
function isStandIn(element: Element): boolean {
  return element.localName === INERT_TAG || element.hasAttribute(LINK_STAND_IN_ATTRIBUTE);
}

/**
 * Sets (or with null removes) one customer attribute, sanitized: dropped when
 * unsafe, URLs resolved against the customer's page, CSS rewritten. Never throws.
 */
export function setMirrorAttribute(element: Element, name: string, value: string | null, ctx: BuildContext): void {
  if (!isValidAttributeName(name) || name.toLowerCase().startsWith(MIRROR_ATTRIBUTE_PREFIX)) {
    ctx.count('droppedAttributes');
    return;
  }
  if (isStandIn(element)) return;
  const blockedBox = blockedBoxes.get(element);
  const lowerName = name.toLowerCase();
  if (blockedBox && lowerName !== 'class' && lowerName !== 'style') return;
  const safe = value === null ? null : sanitizeValue(element.localName, name, value, ctx);
  try {
    if (safe === null) {
      if (value !== null) ctx.count('droppedAttributes');
      if (!MIRROR_MANAGED_ATTRIBUTES.has(lowerName)) element.removeAttribute(name);
    } else {
      setNamespacedAttribute(element, name, safe);
      // Only where the mirror itself resolves fetched URLs; a followed link keeps the page's text as it is.
      if (safe.includes(PLACEHOLDER_MARK) && handsOutAssets(element.localName, lowerName))
        ctx.pendingAsset?.(element, name);
    }
  } catch {
    ctx.count('droppedAttributes');
  }
  if (blockedBox && lowerName === 'style') applyBlockedBox(element, blockedBox);
}

/** Attributes whose URLs the mirror answers with assets (placeholders until they arrive). */
function handsOutAssets(tag: string, lowerName: string): boolean {
  return lowerName === 'style' || isFetchedUrlAttribute(tag, lowerName);
}

function sanitizeValue(tag: string, name: string, value: string, ctx: BuildContext): string | null {
  const safe = sanitizeAttribute(tag, name, value);
  if (safe === null) return null;
  const lowerName = name.toLowerCase();
  if (lowerName === 'style') return mirrorCss(safe, ctx);
  const use = !isFetchedUrlAttribute(tag, lowerName) ? 'link' : tag.toLowerCase() === 'use' ? 'reference' : 'attribute';
  if (lowerName === 'srcset' || lowerName === 'imagesrcset') return resolveSrcset(safe, ctx, use);
  if (isUrlAttribute(name)) return safe.trim() === '' ? safe : ctx.resolveUrl(safe, use);
  return safe;
}

function resolveSrcset(value: string, ctx: BuildContext, use: UrlUse): string | null {
  const candidates: string[] = [];
  for (const { url, descriptors } of srcsetCandidates(value)) {
    const resolved = ctx.resolveUrl(url, use);
    if (resolved === null) return null;
    candidates.push(descriptors === '' ? resolved : `${resolved} ${descriptors}`);
  }
  return candidates.join(', ');
}

function setNamespacedAttribute(element: Element, name: string, value: string): void {
  if (name.startsWith('xlink:')) element.setAttributeNS(XLINK_NS, name, value);
  else if (name.startsWith('xml:')) element.setAttributeNS(XML_NS, name, value);
  else if (name === 'xmlns' || name.startsWith('xmlns:')) element.setAttributeNS(XMLNS_NS, name, value);
  else element.setAttribute(name, value);
}

/** Form state from a snapshot node or an input frame, set as properties and reflected in attributes. */
export interface FormState {
  value?: string | undefined;
  checked?: boolean | undefined;
  selected?: boolean | undefined;
  indeterminate?: boolean | undefined;
  invalid?: boolean | undefined;
}

/** Applies value/checked/selected so the mirror shows them; never throws (file inputs refuse values). */
export function applyFormState(element: Element, state: FormState): void {
  if (blockedBoxes.has(element) || isStandIn(element)) return;
  const tag = element.localName;
  try {
    if (state.value !== undefined) {
      if (tag === 'input') {
        const input = element as HTMLInputElement;
        if (input.type !== 'file') {
          input.setAttribute('value', state.value);
          input.value = state.value;
        }
      } else if (tag === 'textarea' || tag === 'select') {
        (element as HTMLTextAreaElement | HTMLSelectElement).value = state.value;
      } else if (tag === 'option' || tag === 'button' || tag === 'output' || tag === 'data') {
        element.setAttribute('value', state.value);
      }
    }
    if (state.checked !== undefined && tag === 'input') {
      element.toggleAttribute('checked', state.checked);
      (element as HTMLInputElement).checked = state.checked;
    }
    if (state.indeterminate !== undefined && tag === 'input')
      (element as HTMLInputElement).indeterminate = state.indeterminate;
    // The customer's message stays on the customer's side; a fixed one makes :invalid match the same way.
    if (state.invalid !== undefined && (tag === 'input' || tag === 'textarea' || tag === 'select')) {
      (element as HTMLInputElement).setCustomValidity(state.invalid ? 'invalid' : '');
    }
    if (state.selected !== undefined && tag === 'option')
      applyOptionSelected(element as HTMLOptionElement, state.selected);
  } catch {
    // A value the control cannot take is shown as the control's default.
  }
}

/** Whether the customer's copy of each option is selected, as last sent. */
const sentSelected = new WeakMap<Element, boolean>();

/**
 * Sets one option's selectedness as the customer has it. The property only:
 * changing the `selected` attribute, or unselecting the option of a
 * single-choice list, makes the browser pick a default option again, where
 * the customer's list may have none (selectedIndex -1) or another one.
 */
function applyOptionSelected(option: HTMLOptionElement, selected: boolean): void {
  sentSelected.set(option, selected);
  option.selected = selected;
  const select = option.closest('select');
  if (select === null || select.multiple) return;
  let chosen = -1;
  const options = select.options;
  for (let i = 0; i < options.length; i++) {
    const candidate = options[i];
    if (candidate === undefined) continue;
    // One choice only: the option just selected replaces the one before.
    if (selected && candidate !== option) sentSelected.set(candidate, false);
    else if (sentSelected.get(candidate) === true) chosen = i;
  }
  if (select.selectedIndex !== chosen) select.selectedIndex = chosen;
}

/** Replaces the CSSOM rules of a mirrored <style> (or the text of a link stand-in); rules the browser rejects are skipped. */
export function applySheetRules(element: Element, rules: readonly string[], ctx: BuildContext): void {
  if (element.localName !== 'style') return;
  if (element.hasAttribute(LINK_STAND_IN_ATTRIBUTE)) {
    element.textContent = mirrorCss(rules.join('\n'), ctx);
    return;
  }
  const sheet = (element as HTMLStyleElement).sheet;
  if (!sheet) return;
  while (sheet.cssRules.length > 0) sheet.deleteRule(sheet.cssRules.length - 1);
  for (const rule of rules) {
    try {
      sheet.insertRule(mirrorCss(rule, ctx), sheet.cssRules.length);
    } catch {
      // The customer's browser accepted a rule this one does not know; skip it like a parser would.
    }
  }
}

/** Replaces a mirrored <link> with a <style> stand-in holding `rules`, in place; returns the stand-in. */
export function replaceLinkWithRules(link: Element, rules: readonly string[], ctx: BuildContext): Element {
  const doc = link.ownerDocument;
  const style = doc.createElement('style');
  style.setAttribute(LINK_STAND_IN_ATTRIBUTE, '');
  const media = link.getAttribute('media');
  if (media !== null) style.setAttribute('media', media);
  style.textContent = mirrorCss(rules.join('\n'), ctx);
  link.replaceWith(style);
  return style;
}
