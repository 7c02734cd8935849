/**
 * Masking: the one choke point every outgoing value of the capture engine
 * passes through (element decisions, attribute values, text nodes, input
 * values). Pure and DOM-free; `mask-dom.ts` reads the DOM into a
 * `FieldDescriptor`. Everything here runs in the customer's browser before
 * anything is encoded, so a value masked here never leaves the page.
 *
 * Decisions, in order of precedence (the first that applies wins):
 *  1. `block`  — `data-cobrowse-block` on the element or an ancestor, or an
 *                integrator block selector: the engine replaces the whole
 *                subtree by a same-size box.
 *  2. `mask`   — `data-cobrowse-mask` on the element or an ancestor, or an
 *                integrator mask selector (these apply to any tag).
 *  3. `mask`   — form fields (`input`, `textarea`, `select`, contenteditable
 *                hosts) that are: `type=password`; `type=hidden` (they mostly
 *                carry CSRF/session tokens and show nothing, so masking costs
 *                the agent nothing); `autocomplete` with any `cc-*` token
 *                (cc-name included: the design says cc-*, and the holder's
 *                name is payment data), `one-time-code`, `new-password` or
 *                `current-password`; or whose name/id/label/aria-label/
 *                placeholder reads like a credential or payment/identity
 *                number (see `SENSITIVE_FIELD_WORDS`); or that are one of
 *                several short boxes a number is entered in (split-fields.ts).
 *     Name heuristics skip inputs whose value is not typed by the customer
 *     (checkbox, radio, buttons, range, color, file): a checkbox labelled
 *     "Pin this note" must not be masked, and those carry no secret.
 *  4. `clear`  — everything else. Clear values still go through
 *                `maskNumbers` (shared/sensitive-numbers.ts), so a card number typed into a comment
 *                box or shown in a page's text is masked anyway.
 *
 * When unsure the heuristics mask: a masked postcode costs the agent a
 * question, a leaked card number costs the customer. Known collateral,
 * accepted: Indian "PIN code" (postal code) fields, "credit card type",
 * generic "expiry date" fields.
 */

import { maskCss } from '../../shared/mask-css.js';
import { luhnValid, maskNumbers, maskUrl, type NumberMaskOptions } from '../../shared/sensitive-numbers.js';
import { maskSensitiveParams } from './url-params.js';
import { maskUrlCredentials } from '../../shared/url-credentials.js';
import { maskSrcsetSvgs, maskSvgDataUrl } from '../../shared/svg-data-url.js';

/** Everything the masking decision needs, read from the DOM by `describeField` (mask-dom.ts). */
export interface FieldDescriptor {
  /** Lower-case tag: 'input' | 'textarea' | 'select' | any other tag (contenteditable hosts too). */
  tag: string;
  /** Input type, lower-case. */
  type?: string;
  name?: string;
  id?: string;
  autocomplete?: string;
  placeholder?: string;
  ariaLabel?: string;
  /** Text of associated <label>s and aria-labelledby targets. */
  labelText?: string;
  /** The element is (or belongs to) a contenteditable host, so its text is a typed value. */
  editable?: boolean;
  /** The element or an ancestor has data-cobrowse-mask. */
  markedMask: boolean;
  /** The element or an ancestor has data-cobrowse-block. */
  markedBlock: boolean;
  /** One of the integrator's extra mask selectors matched the element or an ancestor. */
  matchesExtraSelector: boolean;
  /** One of the integrator's extra block selectors matched the element or an ancestor. */
  matchesExtraBlockSelector?: boolean;
  /** An input that is one box of a number entered in several short boxes (split-fields.ts). */
  splitBox?: boolean;
}

export type MaskDecision = 'clear' | 'mask' | 'block';

/** Why a decision was taken; safe to show to the agent (it never contains the value). */
export type MaskReason =
  | 'none'
  | 'marked-block'
  | 'block-selector'
  | 'marked-mask'
  | 'mask-selector'
  | 'password-input'
  | 'hidden-input'
  | 'autocomplete'
  /** name or id looks sensitive */
  | 'sensitive-name'
  /** label text, aria-label or placeholder looks sensitive */
  | 'sensitive-label'
  /** one box of a number entered in several short boxes */
  | 'split-number';

export type FieldMaskDecision = Readonly<{ decision: MaskDecision; reason: MaskReason }>;

// One frozen result per reason, so deciding allocates nothing on the hot path
// (decideField runs for every element of pages with 100k nodes).
const result = (decision: MaskDecision, reason: MaskReason): FieldMaskDecision => Object.freeze({ decision, reason });
const CLEAR = result('clear', 'none');
const BLOCK_MARKED = result('block', 'marked-block');
const BLOCK_SELECTOR = result('block', 'block-selector');
const MASK_MARKED = result('mask', 'marked-mask');
const MASK_SELECTOR = result('mask', 'mask-selector');
const MASK_PASSWORD = result('mask', 'password-input');
const MASK_HIDDEN = result('mask', 'hidden-input');
const MASK_AUTOCOMPLETE = result('mask', 'autocomplete');
const MASK_NAME = result('mask', 'sensitive-name');
const MASK_LABEL = result('mask', 'sensitive-label');
const MASK_SPLIT = result('mask', 'split-number');

const MASKED_AUTOCOMPLETE_TOKENS: ReadonlySet<string> = new Set(['one-time-code', 'new-password', 'current-password']);

/** Input types whose value the customer does not type, so name heuristics do not apply. */
const UNTYPED_INPUT_TYPES: ReadonlySet<string> = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'image',
  'range',
  'color',
  'file',
]);

/**
 * Sensitive words, matched against a normalised name: camelCase, snake_case,
 * kebab-case, brackets and letter/digit boundaries become single spaces,
 * lower case, diacritics removed, `#` read as "number". `\b` keeps
 * 'pinterest', 'spinner', 'shipping', 'opinion' clear; credential stems
 * ('password', 'passcode'...) match inside compounds like 'userpassword'.
 */
const SENSITIVE_FIELD_WORDS: readonly string[] = [
  // Passwords, passcodes, secrets (several languages).
  'pass ?(?:word|wd|wort|phrase|code)',
  '\\b(?:pwd|pw|pass)\\b',
  'kennwort|wachtwoord|contrasena|mot de passe|\\bsenha\\b',
  '\\bsecret\\b|\\bsecurity ?answer\\b|\\bapi ?key\\b|\\bprivate ?key\\b|\\baccess ?token\\b',
  // One-time codes.
  '\\b(?:otp|totp|hotp|mfa|2 ?fa)\\b',
  '\\bone ?time ?(?:code|pass|password|passcode|pin|token)\\b',
  '\\b(?:verification|security|auth|authentication|sms) ?code\\b',
  // Card numbers.
  '\\b(?:credit|debit|charge|bank|payment|pay) ?cards?\\b',
  '\\bcard ?(?:number|num|numb|nbr|no|nr|digits)\\b',
  '\\bcc ?(?:number|num|numb|nbr|no|nr|n)\\b',
  '\\bpan\\b',
  '\\bkarten ?(?:pruf)?(?:nummer|nr)\\b|\\bkreditkarte|\\b(?:numero|num|no) (?:de |da |do )?(?:la )?(?:carte|tarjeta|cartao)\\b',
  // Card verification codes.
  '\\b(?:cvv|cvc|csc|cvn|cvd|cav)\\b|\\bcv ?2\\b',
  '\\bcard ?(?:code|verification|security|cvv|cvc)\\b',
  // Card expiry.
  '\\b(?:cc|card) ?exp(?:iry|iration|ires)?\\b',
  '\\bexp(?:iry|iration|ires)? ?(?:date|month|year|mm|yy|yyyy|mo|yr)\\b',
  '(?<!\\bdd )\\bmm ?yy(?:yy)?\\b|\\bvalid ?(?:thru|through|until)\\b',
  // Social security, tax and national identity numbers.
  '\\bssn\\b|\\bsocial ?(?:security|insurance)\\b|\\bsin ?(?:number|no|num|nr)\\b',
  '\\bnational ?(?:id|identity|identification|insurance)\\b',
  '\\btax ?(?:id|identification|number|no|nr|code|payer)\\b|\\bi?tin\\b|\\bsteuer ?(?:id|nummer|nr)\\b',
  '\\bpassport ?(?:number|num|no|nr)\\b|\\bdrivers? ?(?:s )?licen[cs]e\\b',
  // Bank accounts.
  '\\biban\\b|\\bbank ?account\\b|\\bkonto ?(?:nummer|nr)\\b',
  '\\b(?:account|acct|acc) ?(?:number|num|numb|nbr|no|nr)\\b',
  '\\brouting ?(?:number|num|no|nr|code)?\\b|\\baba ?(?:number|no|routing)\\b|\\bsort ?code\\b|\\bbsb\\b|\\btransit ?(?:number|no)\\b',
  // PINs.
  '\\bpin\\b|\\bpin ?(?:code|number|no|nr)\\b|\\bpersonal identification number\\b',
];
const SENSITIVE_FIELD_NAME = new RegExp(SENSITIVE_FIELD_WORDS.join('|'));

/** Placeholders shaped like the value they stand for: "1234 5678 9012 3456", "XXX-XX-XXXX", "MM/YY". */
const SENSITIVE_PLACEHOLDER_SHAPE =
  /^\s*(?:(?:[0-9x•*#]{4}[ -]?){3}[0-9x•*#]{1,7}|[0-9x•*#]{3}-[0-9x•*#]{2}-[0-9x•*#]{4}|(?:mm|0[1-9]|1[0-2]) ?[/-] ?(?:yy|yyyy|[0-9]{2}|[0-9]{4}))\s*$/i;

const CAMEL_LOWER_UPPER = /(\p{Ll})(\p{Lu})/gu;
const CAMEL_ACRONYM = /(\p{Lu})(\p{Lu}\p{Ll})/gu;
const LETTER_DIGIT = /(\p{L})(\p{N})/gu;
const DIGIT_LETTER = /(\p{N})(\p{L})/gu;
const COMBINING_MARKS = /\p{M}+/gu;
const HASH_SIGN = /#/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Normalises a field name or label into space-separated lower-case words. */
function normaliseFieldWords(raw: string): string {
  return raw
    .slice(0, 512)
    .replace(CAMEL_LOWER_UPPER, '$1 $2')
    .replace(CAMEL_ACRONYM, '$1 $2')
    .replace(LETTER_DIGIT, '$1 $2')
    .replace(DIGIT_LETTER, '$1 $2')
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(HASH_SIGN, ' number ')
    .toLowerCase()
    .replace(NON_WORD, ' ');
}

/**
 * looksSensitive's answers by text: field names and labels repeat across a page's forms, and
 * normalising one costs nine regular-expression passes (a 100k-node page asked about 70k texts).
 */
const sensitiveByText = new Map<string, boolean>();
const MAX_REMEMBERED_TEXTS = 4096;
const MAX_REMEMBERED_LENGTH = 256;

function looksSensitive(raw: string | undefined): boolean {
  if (raw === undefined || raw.length === 0) return false;
  const known = sensitiveByText.get(raw);
  if (known !== undefined) return known;
  const sensitive = SENSITIVE_FIELD_NAME.test(normaliseFieldWords(raw));
  if (raw.length <= MAX_REMEMBERED_LENGTH) {
    if (sensitiveByText.size >= MAX_REMEMBERED_TEXTS) sensitiveByText.clear();
    sensitiveByText.set(raw, sensitive);
  }
  return sensitive;
}

function hasMaskedAutocompleteToken(autocomplete: string): boolean {
  for (const token of autocomplete.toLowerCase().split(/\s+/)) {
    if (token.startsWith('cc-') || MASKED_AUTOCOMPLETE_TOKENS.has(token)) return true;
  }
  return false;
}

/** Decides whether an element's values go out clear, masked, or its subtree is blocked. */
export function decideField(field: FieldDescriptor): FieldMaskDecision {
  if (field.markedBlock) return BLOCK_MARKED;
  if (field.matchesExtraBlockSelector === true) return BLOCK_SELECTOR;
  if (field.markedMask) return MASK_MARKED;
  if (field.matchesExtraSelector) return MASK_SELECTOR;

  const tag = field.tag;
  const isInput = tag === 'input';
  if (!isInput && tag !== 'textarea' && tag !== 'select' && field.editable !== true) return CLEAR;

  const type = isInput ? (field.type ?? 'text').toLowerCase() : '';
  if (type === 'password') return MASK_PASSWORD;
  if (type === 'hidden') return MASK_HIDDEN;
  if (field.autocomplete !== undefined && hasMaskedAutocompleteToken(field.autocomplete)) return MASK_AUTOCOMPLETE;
  if (UNTYPED_INPUT_TYPES.has(type)) return CLEAR;

  if (looksSensitive(field.name) || looksSensitive(field.id)) return MASK_NAME;
  if (looksSensitive(field.labelText) || looksSensitive(field.ariaLabel) || looksSensitive(field.placeholder)) {
    return MASK_LABEL;
  }
  if (field.placeholder !== undefined && SENSITIVE_PLACEHOLDER_SHAPE.test(field.placeholder)) return MASK_LABEL;
  if (field.splitBox === true) return MASK_SPLIT;
  return CLEAR;
}

// ---------------------------------------------------------------------------
// Values

const MASK_CHAR = '•';
const SMALLEST_LENGTH_CLASS = 4;
const LARGEST_LENGTH_CLASS = 256;
/** Masks for the length classes 4, 8, 16, ... 256, built once. */
const MASKS_BY_CLASS: readonly string[] = (() => {
  const masks: string[] = [];
  for (let size = SMALLEST_LENGTH_CLASS; size <= LARGEST_LENGTH_CLASS; size *= 2) masks.push(MASK_CHAR.repeat(size));
  return masks;
})();

/**
 * Replaces a value by '•' repeated to its length class (empty stays empty;
 * 1–4 → 4, 5–8 → 8, ... , over 128 → 256), so nothing but that class leaves.
 */
export function maskValue(value: string): string {
  const length = value.length;
  if (length === 0) return '';
  let index = 0;
  let size = SMALLEST_LENGTH_CLASS;
  while (size < length && size < LARGEST_LENGTH_CLASS) {
    size *= 2;
    index++;
  }
  return MASKS_BY_CLASS[index] ?? '';
}

/** True when `digits` is non-empty, only ASCII digits, and passes the Luhn checksum. */
export function isLuhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  return luhnValid(Array.from(digits, Number));
}

// ---------------------------------------------------------------------------
// Attributes, input values and text nodes

/**
 * Attributes that can echo a masked field's value (scripts mirror values into
 * `value`, `title`, `data-*`, ARIA value attributes). On a masked or blocked
 * element they are replaced by `maskValue`. `placeholder`, `aria-label` and
 * the like stay (author text that helps the agent; it cannot hold a typed
 * value without a script copying it there, and still gets free-text masking).
 */
export const SENSITIVE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'value',
  'title',
  'alt',
  'label',
  'aria-valuetext',
  'aria-valuenow',
  'aria-description',
]);
/** Attribute prefixes treated like `SENSITIVE_ATTRIBUTES` (except our own `data-cobrowse-*` markers). */
export const SENSITIVE_ATTRIBUTE_PREFIXES: readonly string[] = ['data-'];
const OWN_MARKER_PREFIX = 'data-cobrowse-';

/** Whether an attribute may echo the value of a masked field. */
export function isSensitiveAttribute(attrName: string): boolean {
  const name = attrName.toLowerCase();
  if (SENSITIVE_ATTRIBUTES.has(name)) return true;
  if (name.startsWith(OWN_MARKER_PREFIX)) return false;
  for (const prefix of SENSITIVE_ATTRIBUTE_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/** Attributes whose value is text a person reads (a number a page reveals in steps may be written there). */
export function showsText(attrName: string): boolean {
  const name = attrName.toLowerCase();
  return isSensitiveAttribute(name) || name.startsWith('aria-') || name === 'placeholder';
}

/**
 * Attributes that hold geometry or timing numbers, never text a customer
 * types: masking digits there would only break the mirror's drawing (an SVG
 * path's coordinates easily make a 13-digit run).
 */
const NUMERIC_ATTRIBUTES: ReadonlySet<string> = new Set([
  'd',
  'points',
  'viewbox',
  'transform',
  'gradienttransform',
  'patterntransform',
  'coords',
  'path',
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'dx',
  'dy',
  'fx',
  'fy',
  'width',
  'height',
  'offset',
  'stroke-dasharray',
  'keytimes',
  'keysplines',
  'keypoints',
  'values',
  'kernelmatrix',
  'tablevalues',
  'stddeviation',
  'rotate',
  'sizes',
]);

/** Attributes whose value the agent's browser fetches: their cards must pass Luhn so numeric CDN paths keep loading. */
const RESOURCE_URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'src',
  'srcset',
  'imagesrcset',
  'poster',
  'data',
  'background',
  'xlink:href',
]);

/**
 * Attributes whose URL a person follows or a form submits to: a page may echo a GET form's fields there.
 * Not xlink:href: on SVG it mostly loads a sprite or an image (<use>, <image>), which keeps the resource rule
 * (a cache-busting timestamp or a numeric file name is not a number to mask).
 */
const NAVIGATION_URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'action', 'formaction', 'cite']);

/** A page's URL or a link as it may go out: sensitive-looking parameters' values and card/SSN numbers masked. */
export function maskPageUrl(url: string): string {
  return maskUrlCredentials(maskUrl(maskSensitiveParams(url, looksSensitive, maskValue)).text);
}

/**
 * Masks one attribute value of an element whose decision is already known (`strict`: the customer is typing;
 * `typed`: the digits typed, for a style attribute's URLs and escapes, mask-css.ts).
 */
export function maskAttributeByDecision(
  decision: MaskDecision,
  attrName: string,
  attrValue: string,
  strict = false,
  typed: string | null = null,
): { value: string; masked: boolean } {
  const name = attrName.toLowerCase();
  if (decision !== 'clear' && isSensitiveAttribute(name)) return { value: maskValue(attrValue), masked: true };
  // A data: SVG image's text as it shows (red team s12 F5, shared/svg-data-url.ts), then the attribute's rule.
  const svg = name === 'srcset' || name === 'imagesrcset' ? maskSrcsetSvgs(attrValue) : maskSvgDataUrl(attrValue);
  if (svg.masked)
    return { value: maskAttributeByDecision(decision, attrName, svg.text, strict, typed).value, masked: true };
  if (!strict && NUMERIC_ATTRIBUTES.has(name)) return { value: attrValue, masked: false };
  if (NAVIGATION_URL_ATTRIBUTES.has(name)) {
    const kept = maskUrlCredentials(maskSensitiveParams(attrValue, looksSensitive, maskValue));
    const free = maskNumbers(kept, { strict });
    return { value: free.text, masked: free.masked || kept !== attrValue };
  }
  const free =
    name === 'style'
      ? maskCss(attrValue, strict, typed)
      : !strict && RESOURCE_URL_ATTRIBUTES.has(name)
        ? maskUrl(attrValue, true)
        : maskNumbers(attrValue, { strict });
  // A URL's user name and password in any attribute (src, srcset, data-*); style's are masked by maskCss.
  const value = maskUrlCredentials(free.text);
  return { value, masked: free.masked || value !== free.text };
}

/** Masks one attribute value: value-echoing attributes of masked fields entirely, card/SSN patterns everywhere. */
export function maskAttribute(
  field: FieldDescriptor,
  attrName: string,
  attrValue: string,
): { value: string; masked: boolean } {
  return maskAttributeByDecision(decideField(field).decision, attrName, attrValue);
}

/** Masks a form value (input value, selected option, contenteditable text) under its field's decision. */
export function maskInputValue(
  decision: MaskDecision,
  value: string,
  strict = false,
): { value: string; masked: boolean } {
  if (decision !== 'clear') return { value: maskValue(value), masked: true };
  const free = maskNumbers(value, { strict });
  return { value: free.text, masked: free.masked };
}

const WHITESPACE_ONLY = /^\s*$/;

/**
 * Masks a text node under its parent's decision; whitespace-only text in a
 * masked element is layout, not a value, and stays as it is.
 */
export function maskTextContent(
  decision: MaskDecision,
  text: string,
  options?: NumberMaskOptions,
): { text: string; masked: boolean } {
  if (decision === 'clear') return maskNumbers(text, options);
  if (WHITESPACE_ONLY.test(text)) return { text, masked: false };
  return { text: maskValue(text), masked: true };
}
