import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decideField,
  isLuhnValid,
  isSensitiveAttribute,
  maskAttribute,
  maskAttributeByDecision,
  maskInputValue,
  maskTextContent,
  maskValue,
  type FieldDescriptor,
  type MaskDecision,
  type MaskReason,
} from '../../client/capture/mask.js';
import { LINE_BREAK_MARK, luhnValid, maskNumbers } from '../../shared/sensitive-numbers.js';

const unmarked = { markedMask: false, markedBlock: false, matchesExtraSelector: false } as const;
const input = (extra: Partial<FieldDescriptor>): FieldDescriptor => ({
  tag: 'input',
  type: 'text',
  ...unmarked,
  ...extra,
});
const element = (tag: string, extra: Partial<FieldDescriptor> = {}): FieldDescriptor => ({
  tag,
  ...unmarked,
  ...extra,
});

type Row = [label: string, field: FieldDescriptor, decision: MaskDecision, reason: MaskReason];

const DECISIONS: Row[] = [
  // Markers, selectors and their precedence.
  ['data-cobrowse-block on a div', element('div', { markedBlock: true }), 'block', 'marked-block'],
  ['block beats mask marker', element('div', { markedBlock: true, markedMask: true }), 'block', 'marked-block'],
  ['block beats password', input({ type: 'password', markedBlock: true }), 'block', 'marked-block'],
  ['extra block selector', element('section', { matchesExtraBlockSelector: true }), 'block', 'block-selector'],
  ['data-cobrowse-mask on a span', element('span', { markedMask: true }), 'mask', 'marked-mask'],
  ['data-cobrowse-mask on a plain input', input({ name: 'city', markedMask: true }), 'mask', 'marked-mask'],
  ['extra mask selector on a paragraph', element('p', { matchesExtraSelector: true }), 'mask', 'mask-selector'],
  ['extra mask selector on an input', input({ name: 'q', matchesExtraSelector: true }), 'mask', 'mask-selector'],
  // Types.
  ['password input', input({ type: 'password' }), 'mask', 'password-input'],
  ['password input named innocently', input({ type: 'password', name: 'field1' }), 'mask', 'password-input'],
  ['hidden input', input({ type: 'hidden', name: 'csrf' }), 'mask', 'hidden-input'],
  ['missing type defaults to text', element('input', { name: 'city' }), 'clear', 'none'],
  // autocomplete.
  ['autocomplete cc-number', input({ autocomplete: 'cc-number', name: 'f1' }), 'mask', 'autocomplete'],
  ['autocomplete cc-csc', input({ autocomplete: 'cc-csc' }), 'mask', 'autocomplete'],
  ['autocomplete cc-exp', input({ autocomplete: 'cc-exp' }), 'mask', 'autocomplete'],
  [
    'autocomplete cc-exp-month on a select',
    element('select', { autocomplete: 'cc-exp-month' }),
    'mask',
    'autocomplete',
  ],
  ['autocomplete cc-exp-year', input({ autocomplete: 'cc-exp-year' }), 'mask', 'autocomplete'],
  ['autocomplete cc-name', input({ autocomplete: 'cc-name' }), 'mask', 'autocomplete'],
  [
    'autocomplete with section and billing tokens',
    input({ autocomplete: 'section-pay billing CC-Number' }),
    'mask',
    'autocomplete',
  ],
  ['autocomplete one-time-code', input({ autocomplete: 'one-time-code' }), 'mask', 'autocomplete'],
  ['autocomplete new-password on a text input', input({ autocomplete: 'new-password' }), 'mask', 'autocomplete'],
  ['autocomplete current-password', input({ autocomplete: 'current-password' }), 'mask', 'autocomplete'],
  ['autocomplete username stays clear', input({ autocomplete: 'username', name: 'login' }), 'clear', 'none'],
  ['autocomplete email stays clear', input({ type: 'email', autocomplete: 'email' }), 'clear', 'none'],
  ['autocomplete on a div is ignored', element('div', { autocomplete: 'cc-number' }), 'clear', 'none'],
  // Card numbers, in many spellings.
  ['name card_number', input({ name: 'card_number' }), 'mask', 'sensitive-name'],
  ['name cardNumber', input({ name: 'cardNumber' }), 'mask', 'sensitive-name'],
  ['name cc-num', input({ name: 'cc-num' }), 'mask', 'sensitive-name'],
  ['name ccnum', input({ name: 'ccnum' }), 'mask', 'sensitive-name'],
  ['name creditcard', input({ name: 'creditcard' }), 'mask', 'sensitive-name'],
  ['name card-no', input({ name: 'card-no' }), 'mask', 'sensitive-name'],
  ['name CCNumber', input({ name: 'CCNumber' }), 'mask', 'sensitive-name'],
  ['bracketed name payment[card][number]', input({ name: 'payment[card][number]' }), 'mask', 'sensitive-name'],
  ['id credit-card', input({ id: 'credit-card' }), 'mask', 'sensitive-name'],
  ['id x_card_num', input({ id: 'x_card_num' }), 'mask', 'sensitive-name'],
  ['name cc#', input({ name: 'cc#' }), 'mask', 'sensitive-name'],
  ['gift card number', input({ name: 'giftCardNumber' }), 'mask', 'sensitive-name'],
  ['label Card number', input({ name: 'f7', labelText: 'Card number' }), 'mask', 'sensitive-label'],
  ['label Numéro de carte', input({ labelText: 'Numéro de carte' }), 'mask', 'sensitive-label'],
  ['label Kartennummer', input({ labelText: 'Kartennummer' }), 'mask', 'sensitive-label'],
  ['card-shaped placeholder', input({ name: 'f2', placeholder: '1234 5678 9012 3456' }), 'mask', 'sensitive-label'],
  ['x-shaped placeholder', input({ placeholder: 'XXXX-XXXX-XXXX-XXXX' }), 'mask', 'sensitive-label'],
  // Verification codes and expiry.
  ['name cvv', input({ name: 'cvv' }), 'mask', 'sensitive-name'],
  ['name cvc2', input({ name: 'cvc2' }), 'mask', 'sensitive-name'],
  ['name CSC', input({ name: 'CSC' }), 'mask', 'sensitive-name'],
  ['aria-label Security code', input({ ariaLabel: 'Security code' }), 'mask', 'sensitive-label'],
  ['label Card verification value', input({ labelText: 'Card verification value' }), 'mask', 'sensitive-label'],
  ['name exp_date', input({ name: 'exp_date' }), 'mask', 'sensitive-name'],
  ['select name expMonth', element('select', { name: 'expMonth' }), 'mask', 'sensitive-name'],
  ['placeholder MM / YY', input({ placeholder: 'MM / YY' }), 'mask', 'sensitive-label'],
  ['name otp', input({ name: 'otp' }), 'mask', 'sensitive-name'],
  ['label Verification code', input({ labelText: 'Verification code' }), 'mask', 'sensitive-label'],
  // Identity and tax numbers.
  ['name ssn', input({ name: 'ssn' }), 'mask', 'sensitive-name'],
  ['name applicant_ssn4', input({ name: 'applicant_ssn4' }), 'mask', 'sensitive-name'],
  ['label Social Security Number', input({ labelText: 'Social Security Number' }), 'mask', 'sensitive-label'],
  ['name taxId', input({ name: 'taxId' }), 'mask', 'sensitive-name'],
  ['name tax-id', input({ name: 'tax-id' }), 'mask', 'sensitive-name'],
  ['label Tax identification number', input({ labelText: 'Tax identification number' }), 'mask', 'sensitive-label'],
  ['ssn-shaped placeholder', input({ placeholder: 'XXX-XX-XXXX' }), 'mask', 'sensitive-label'],
  ['passport number', input({ name: 'passportNo' }), 'mask', 'sensitive-name'],
  // Bank.
  ['name iban', input({ name: 'iban' }), 'mask', 'sensitive-name'],
  ['name IBAN in caps inside a longer name', input({ name: 'payout_IBAN_field' }), 'mask', 'sensitive-name'],
  ['name accountNumber', input({ name: 'accountNumber' }), 'mask', 'sensitive-name'],
  ['name acct_no', input({ name: 'acct_no' }), 'mask', 'sensitive-name'],
  ['label Account number', input({ labelText: 'Account number' }), 'mask', 'sensitive-label'],
  ['name routing_number', input({ name: 'routing_number' }), 'mask', 'sensitive-name'],
  ['label Sort code', input({ labelText: 'Sort code' }), 'mask', 'sensitive-label'],
  ['name sortcode', input({ name: 'sortcode' }), 'mask', 'sensitive-name'],
  // PINs and passwords.
  ['name pin', input({ name: 'pin' }), 'mask', 'sensitive-name'],
  ['name atmPin', input({ name: 'atmPin' }), 'mask', 'sensitive-name'],
  ['name pin_code', input({ name: 'pin_code' }), 'mask', 'sensitive-name'],
  ['name passcode', input({ type: 'tel', name: 'passcode' }), 'mask', 'sensitive-name'],
  ['text input named password (show-password toggle)', input({ name: 'password' }), 'mask', 'sensitive-name'],
  ['name userPassword', input({ name: 'userPassword' }), 'mask', 'sensitive-name'],
  ['name passwd', input({ name: 'passwd' }), 'mask', 'sensitive-name'],
  ['name pwd', input({ name: 'pwd' }), 'mask', 'sensitive-name'],
  ['name pass_word', input({ name: 'pass_word' }), 'mask', 'sensitive-name'],
  ['label Passwort', input({ labelText: 'Passwort' }), 'mask', 'sensitive-label'],
  ['label Contraseña', input({ labelText: 'Contraseña' }), 'mask', 'sensitive-label'],
  ['label Mot de passe', input({ labelText: 'Mot de passe' }), 'mask', 'sensitive-label'],
  ['textarea named client_secret', element('textarea', { name: 'client_secret' }), 'mask', 'sensitive-name'],
  [
    'contenteditable host labelled Card number',
    element('div', { editable: true, ariaLabel: 'Card number' }),
    'mask',
    'sensitive-label',
  ],
  // False-positive traps.
  ['name pinterest', input({ name: 'pinterest' }), 'clear', 'none'],
  ['aria-label Share on Pinterest', input({ ariaLabel: 'Share on Pinterest' }), 'clear', 'none'],
  ['name spinner', input({ type: 'number', name: 'spinner' }), 'clear', 'none'],
  ['name shipping', input({ name: 'shipping' }), 'clear', 'none'],
  ['name shippingAddress', input({ name: 'shippingAddress' }), 'clear', 'none'],
  ['label Your opinion', element('textarea', { labelText: 'Your opinion' }), 'clear', 'none'],
  ['label Account name', input({ labelText: 'Account name' }), 'clear', 'none'],
  ['name accountName', input({ name: 'accountName' }), 'clear', 'none'],
  ['name username', input({ name: 'username' }), 'clear', 'none'],
  ['name user_name', input({ name: 'user_name' }), 'clear', 'none'],
  ['name account', input({ name: 'account' }), 'clear', 'none'],
  ['label Name on card', input({ labelText: 'Name on card' }), 'clear', 'none'],
  ['name cardholder', input({ name: 'cardholder' }), 'clear', 'none'],
  ['name card_type', element('select', { name: 'card_type' }), 'clear', 'none'],
  ['name passenger', input({ name: 'passenger' }), 'clear', 'none'],
  ['name compass', input({ name: 'compass' }), 'clear', 'none'],
  ['name bypass', input({ name: 'bypass' }), 'clear', 'none'],
  ['name company', input({ name: 'company' }), 'clear', 'none'],
  ['name japan_region', input({ name: 'japan_region' }), 'clear', 'none'],
  ['name postcode', input({ name: 'postcode' }), 'clear', 'none'],
  ['label Promo code', input({ labelText: 'Promo code' }), 'clear', 'none'],
  ['label Order number', input({ labelText: 'Order number' }), 'clear', 'none'],
  ['label Phone number', input({ type: 'tel', labelText: 'Phone number' }), 'clear', 'none'],
  ['label Sort order', element('select', { labelText: 'Sort order' }), 'clear', 'none'],
  ['name email cc', input({ type: 'email', name: 'cc' }), 'clear', 'none'],
  ['name experience_years', input({ name: 'experience_years' }), 'clear', 'none'],
  ['name martin', input({ name: 'martin' }), 'clear', 'none'],
  ['name description', element('textarea', { name: 'description' }), 'clear', 'none'],
  ['name search, type search', input({ type: 'search', name: 'q', placeholder: 'Search products' }), 'clear', 'none'],
  ['checkbox labelled Pin this note', input({ type: 'checkbox', labelText: 'Pin this note' }), 'clear', 'none'],
  ['submit button named password_submit', input({ type: 'submit', name: 'password_submit' }), 'clear', 'none'],
  [
    'radio named card_number_choice is not typed',
    input({ type: 'radio', name: 'card_number_choice' }),
    'clear',
    'none',
  ],
  ['date placeholder is not MM/YY', input({ type: 'text', placeholder: 'DD/MM/YYYY' }), 'clear', 'none'],
  // Non-field elements: only markers and selectors count.
  ['div with id card-number', element('div', { id: 'card-number' }), 'clear', 'none'],
  ['label element with password text', element('label', { labelText: 'Password' }), 'clear', 'none'],
  ['button named pin', element('button', { name: 'pin' }), 'clear', 'none'],
];

describe('decideField', () => {
  it.each(DECISIONS)('%s', (_label, field, decision, reason) => {
    expect(decideField(field)).toEqual({ decision, reason });
  });

  it('masks any field whose name embeds a sensitive word under any separator or casing', () => {
    const words: [string, string][] = [
      ['card', 'number'],
      ['cc', 'num'],
      ['security', 'code'],
      ['social', 'security'],
      ['account', 'number'],
      ['routing', 'number'],
      ['sort', 'code'],
      ['tax', 'id'],
      ['pin', 'code'],
    ];
    const join = fc.constantFrom('_', '-', ' ', '.', '[', '', 'camel');
    const affix = fc.constantFrom('', 'billing', 'customer', 'new', 'payout');
    fc.assert(
      fc.property(fc.constantFrom(...words), join, affix, affix, ([a, b], separator, before, after) => {
        const core = separator === 'camel' ? `${a}${b.charAt(0).toUpperCase()}${b.slice(1)}` : `${a}${separator}${b}`;
        const name = [before, core, after].filter((part) => part !== '').join('_');
        expect(decideField(input({ name })).decision).toBe('mask');
      }),
    );
  });

  it('decides a field the same whether its texts were asked before or not (answers are remembered by text)', () => {
    const sensitive = ['cardNumber', 'Card number', 'cvc', 'Social security number', 'one-time code', 'IBAN'];
    const plain = ['email', 'First name', 'comment', 'Search', 'Delivery notes'];
    const fields = (text: string): FieldDescriptor[] => [
      input({ name: text }),
      input({ id: text }),
      input({ labelText: text }),
      input({ ariaLabel: text }),
      input({ placeholder: text }),
    ];
    const decisions = (text: string): MaskDecision[] => fields(text).map((field) => decideField(field).decision);
    const first = new Map([...sensitive, ...plain].map((text) => [text, decisions(text)]));
    for (const text of sensitive) expect(first.get(text)).toEqual(['mask', 'mask', 'mask', 'mask', 'mask']);
    for (const text of plain) expect(first.get(text)).toEqual(['clear', 'clear', 'clear', 'clear', 'clear']);
    // Asked again, and again after more distinct texts than are remembered (the memory starts over).
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 300 }), (others) => {
        for (const other of others) decideField(input({ name: other }));
        for (const [text, expected] of first) expect(decisions(text)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
    for (let i = 0; i < 5000; i++) decideField(input({ name: `field ${i} card number`.slice(i % 7) }));
    for (const [text, expected] of first) expect(decisions(text)).toEqual(expected);
  });

  it('returns the same frozen result object for the same reason (no allocation per element)', () => {
    const a = decideField(element('div'));
    const b = decideField(element('p'));
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });
});

// ---------------------------------------------------------------------------

/** Expected length class, written independently of the implementation. */
function lengthClass(length: number): number {
  if (length === 0) return 0;
  let size = 4;
  while (size < length && size < 256) size *= 2;
  return size;
}

const ALNUM = /[\p{L}\p{N}]/u;

describe('maskValue', () => {
  it('keeps only the length class', () => {
    expect(maskValue('')).toBe('');
    expect(maskValue('a')).toBe('••••');
    expect(maskValue('abcd')).toBe('••••');
    expect(maskValue('abcde')).toBe('••••••••');
    expect(maskValue('4111111111111111')).toBe('•'.repeat(16));
    expect(maskValue('x'.repeat(17)).length).toBe(32);
    expect(maskValue('x'.repeat(10_000)).length).toBe(256);
  });

  it('never outputs an alphanumeric character of the input, and depends only on the length class', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 600 }),
        fc.string({ unit: 'binary', maxLength: 600 }),
        (a, b) => {
          const masked = maskValue(a);
          for (const char of masked) {
            if (ALNUM.test(char)) expect(a.includes(char)).toBe(false);
          }
          expect(masked).toMatch(/^•*$/);
          expect(masked.length).toBe(lengthClass(a.length));
          if (lengthClass(a.length) === lengthClass(b.length)) expect(maskValue(b)).toBe(masked);
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------

const KNOWN_CARDS = [
  '4111111111111111', // Visa
  '4012888888881881', // Visa
  '4222222222222', // Visa, 13 digits
  '5555555555554444', // Mastercard
  '2223003122003222', // Mastercard 2-series
  '378282246310005', // Amex
  '371449635398431', // Amex
  '6011111111111117', // Discover
  '30569309025904', // Diners, 14 digits
  '3530111333300000', // JCB
  '6304000000000000', // Maestro
  '6011000990139424', // Discover
];

describe('isLuhnValid', () => {
  it.each(KNOWN_CARDS)('accepts test card %s', (card) => {
    expect(isLuhnValid(card)).toBe(true);
  });

  it('rejects a single altered digit, non-digits and the empty string', () => {
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(isLuhnValid('4111 1111 1111 1111')).toBe(false);
    expect(isLuhnValid('41111111111111a1')).toBe(false);
    expect(isLuhnValid('')).toBe(false);
  });

  it('agrees with a reference implementation and catches every single-digit change', () => {
    const reference = (digits: string): boolean => {
      const sum = [...digits]
        .reverse()
        .map(Number)
        .reduce((acc, d, i) => acc + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
      return sum % 10 === 0;
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,30}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (digits, at, delta) => {
        expect(isLuhnValid(digits)).toBe(reference(digits));
        const i = at % digits.length;
        const changed = digits.slice(0, i) + String((Number(digits[i]) + delta) % 10) + digits.slice(i + 1);
        if (isLuhnValid(digits)) expect(isLuhnValid(changed)).toBe(false);
      }),
    );
  });
});

// ---------------------------------------------------------------------------

const SEPARATORS = [' ', '-', '\u00a0', '\u2007', '\u2009', '\u202f'];
const SEPARATOR_CLASS = '[ \\u00a0\\u2007\\u2009\\u202f-]';

/** Appends the Luhn check digit to a payload. */
function withCheckDigit(payload: string): string {
  for (let check = 0; check <= 9; check++) {
    if (isLuhnValid(payload + check)) return payload + check;
  }
  throw new Error('unreachable');
}

const luhnCard = fc.stringMatching(/^[0-9]{12,18}$/).map(withCheckDigit);

/** Splits digits into groups: none, the common 4-4-4-4 / 4-6-5 shapes, or random sizes. */
const groupedCard = fc
  .tuple(
    luhnCard,
    fc.constantFrom(...SEPARATORS),
    fc.oneof(
      fc.constant<number[]>([]),
      fc.constant([4, 4, 4, 4, 4]),
      fc.constant([4, 6, 5, 4]),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 }),
    ),
  )
  .map(([digits, separator, sizes]) => {
    if (sizes.length === 0) return digits;
    const groups: string[] = [];
    let at = 0;
    for (const size of sizes) {
      if (at >= digits.length) break;
      groups.push(digits.slice(at, at + size));
      at += size;
    }
    if (at < digits.length) groups.push(digits.slice(at));
    return groups.join(separator);
  });

/** A character that ends a digit run: anything but a digit (separators included). */
/**
 * One visible character that is not a digit (nor a number form such as '⁴' or '④', read as a digit). Characters that render as
 * nothing (controls, zero-width, combining marks) are left out on purpose:
 * "123-45-6789" + U+0000 + "5" reads as "123-45-67895", a 3-2-5 number and
 * not an SSN, so such a "boundary" would not bound anything.
 */
const boundary = fc.oneof(
  fc.constantFrom(' ', '-', ':', '\n', '/', '(', ')', 'a', 'Z', '#', '.', ',', '\u00a0', '•'),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 1 })
    .filter((c) => !/[\p{Nd}\p{No}]/u.test(c) && (/\s/u.test(c) || !/[\p{Cc}\p{Cf}\p{Mn}\p{Me}]/u.test(c))),
);

const digitFree = fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/[0-9]/g, ''));

/** Text made mostly of digit groups and separators, to stress run detection. */
const digitHeavy = fc
  .array(
    fc.oneof(
      fc.stringMatching(/^[0-9]{1,8}$/),
      fc.constantFrom(...SEPARATORS),
      fc.constantFrom('a', 'x', '/', '.', '\n', '  '),
      luhnCard,
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Independent leak finder: group-aligned 13–19 digit Luhn windows and 3-2-4 windows in digit runs. */
function findLeaks(text: string): string[] {
  const leaks: string[] = [];
  const runs = text.match(new RegExp(`[0-9]+(?:${SEPARATOR_CLASS}[0-9]+)*`, 'g')) ?? [];
  for (const run of runs) {
    const groups = run.split(new RegExp(SEPARATOR_CLASS));
    for (let first = 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length; last++) {
        digits += groups[last];
        if (digits.length > 19) break;
        if (digits.length >= 13 && isLuhnValid(digits)) leaks.push(digits);
      }
      const sizes = groups.slice(first, first + 3).map((g) => g.length);
      if (sizes.join(',') === '3,2,4') leaks.push(groups.slice(first, first + 3).join('-'));
    }
  }
  return leaks;
}

/**
 * Asserts that masking only replaced digits (any script; superscript, subscript, circled and other number forms,
 * which read as digits and are masked as such since ce747b2; or percent-encoded) by '•' and kept every other
 * character in place.
 */
function expectOnlyDigitsMasked(original: string, masked: string): void {
  expect(masked.length).toBe(original.length);
  const digitUnits = new Set<number>();
  for (const match of original.matchAll(/\p{Nd}|\p{No}|%3[0-9]/gu))
    for (let k = 0; k < match[0].length; k++) digitUnits.add(match.index + k);
  for (let i = 0; i < original.length; i++) {
    if (masked[i] !== original[i]) {
      expect(digitUnits.has(i), `position ${i} of ${JSON.stringify(original)} is not a digit`).toBe(true);
      expect(masked[i]).toBe('•');
    }
  }
}

describe('maskNumbers', () => {
  it.each([
    ['Card: 4111 1111 1111 1111, thanks', 'Card: •••• •••• •••• ••••, thanks'],
    ['4111-1111-1111-1111', '••••-••••-••••-••••'],
    ['pay with 4111111111111111.', 'pay with ••••••••••••••••.'],
    ['Amex 3782 822463 10005 ok', 'Amex •••• •••••• ••••• ok'],
    ['ref 12 4111 1111 1111 1111', 'ref •• •••• •••• •••• ••••'],
    ['Order 4111111111111112 shipped', 'Order •••••••••••••••• shipped'], // any 13+ digit run, Luhn or not
    ['Order 123456789 shipped', 'Order ••••••••• shipped'], // any 9-digit run: SSN, SIN, routing number
    ['ISBN 978-3-16-148410-0', 'ISBN •••-•-••-••••••-•'],
    ['4111.1111.1111.1111', '••••.••••.••••.••••'],
    ['4111/1111/1111/1111', '••••/••••/••••/••••'],
    ['123.45.6789', '•••.••.••••'],
    ['123\u201145\u20116789', '•••\u2011••\u2011••••'],
    ['q=4111%201111%2D1111%201111', 'q=••••%20••••%2D••••%20••••'],
    ['４１１１ １１１１ １１１１ １１１１', '•••• •••• •••• ••••'],
    ['4111\u200b1111\u00ad1111 1111', '••••\u200b••••\u00ad•••• ••••'],
    ['/cards/4111111111111111/edit', '/cards/••••••••••••••••/edit'],
    ['SSN 123-45-6789.', 'SSN •••-••-••••.'],
    ['ssn 123 45 6789', 'ssn ••• •• ••••'],
    ['SSN: 123456789', 'SSN: •••••••••'],
    ['My social security number is 123456789', 'My social security number is •••••••••'],
    ['4532 -- 0196 -- 7788 -- 1234', '•••• -- •••• -- •••• -- ••••'],
    ['(4532)(0196)(7788)(1234)', '(••••)(••••)(••••)(••••)'],
    ['4532 / - 0196 / - 7788 / - 1234', '•••• / - •••• / - •••• / - ••••'],
    ['SSN 2 7 8 4 1 5 3 9 6', 'SSN • • • • • • • • •'],
    ['ssn 2-7-8-4-1-5-3-9-6', 'ssn •-•-•-•-•-•-•-•-•'],
    ['SSN 27 84 15 39 6', 'SSN •• •• •• •• •'],
    ['ssn 27-84-15-39-6.', 'ssn ••-••-••-••-•.'],
    ['27.84.15.39.6', '••.••.••.••.•'],
    ['(27)(84)(15)(39)(6)', '(••)(••)(••)(••)(•)'],
  ])('masks %j', (text, expected) => {
    expect(maskNumbers(text)).toEqual({ text: expected, masked: true });
  });

  it.each([
    'Call 555-123-4567 or +44 20 7946 0958',
    'Total: 1,234,567.89 EUR', // commas: a price, not an id
    '221B Baker Street, London NW1 6XE',
    'Qty 2 × 12.99 = 25.98',
    'Released 2024-11-24, version 1.2.3',
    'uuid 550e8400-e29b-41d4-a716-446655440000',
    'Total: 1234.56 EUR',
    'Router 192.168.1.10, gateway 172.16.254.1',
    'Pages 1 2 3 4 5 6 7 8 9 10',
    '« 1 2 3 4 5 6 7 8 9 »',
    '$1,250,000 - $1,400,000',
    '$12,345.67 – $23,456.78',
    '12.99 | $8.50 | $3.25 | $1.99 | $4.00',
    '(800) 555-0199, (800) 555-0100',
    '9 10 11 12 1 2',
    '5 12 23 34 41',
    '6 12 34 56 78',
    // Two digits at a time but not an id: mixed separators (dates, times, versions), 10 digits.
    '12/05 10:30 26-4',
    'v 10.15.07.12.3-1',
    '12 34 56 78 90',
    // The gap rule's limit: a fourth punctuation character between groups ends the run.
    '4532 ---- 0196 ---- 7788 ---- 1234',
    '',
  ])('leaves %j alone', (text) => {
    expect(maskNumbers(text)).toEqual({ text, masked: false });
  });

  it('across a line break (<br>), a card must pass Luhn: one number per line stays readable', () => {
    const card = '4532019673158241';
    const digits = (text: string): number[] => [...text.replace(/[^0-9]/g, '')].map(Number);
    expect(luhnValid(digits(card))).toBe(true);
    expect(maskNumbers(card.slice(8), { before: `${card.slice(0, 8)}${LINE_BREAK_MARK}` })).toEqual({
      text: '••••••••',
      masked: true,
    });
    expect(maskNumbers('278-41', { after: `${LINE_BREAK_MARK}-5396` }).text).toBe('•••-••');
    for (const [first, second] of [
      ['555-0199', '555-0100'],
      ['12/03/2024', '15/03/2024'],
      ['12,345.67', '23,456.78'],
    ] as const) {
      expect(luhnValid(digits(first + second))).toBe(false);
      expect(maskNumbers(second, { before: `${first}${LINE_BREAK_MARK}` })).toEqual({ text: second, masked: false });
      // Control: joined by a space on one line, the same digits are a possible card.
      expect(maskNumbers(second, { before: `${first} ` }).masked).toBe(true);
    }
    // 13 or more digits on one line of a run over lines: masked by the ordinary rule, Luhn or not.
    const notLuhn = '4532 0196 7315 8240';
    expect(luhnValid(digits(notLuhn))).toBe(false);
    expect(maskNumbers(notLuhn, { before: `12${LINE_BREAK_MARK}` }).text).toBe('•••• •••• •••• ••••');
    expect(maskNumbers(notLuhn, { after: `${LINE_BREAK_MARK}7` }).text).toBe('•••• •••• •••• ••••');
    // Lists of dates and times one per line: over lines, a card's inner groups have 4 digits or more (a tenth of
    // the 13-19 digit windows of their 2-digit groups passed Luhn: 10 of 27 three-date lists, 27 of 27 with times).
    for (let day = 1; day < 28; day++) {
      const dates = [0, 1, 2].map((k) => `2026-12-${String(day + k).padStart(2, '0')}`);
      expect(maskNumbers(dates.join(LINE_BREAK_MARK)).masked).toBe(false);
      const times = dates.map((date, k) => `${date} 1${k}:${10 + day}`);
      expect(maskNumbers(times.join(LINE_BREAK_MARK)).masked).toBe(false);
    }
    expect(maskNumbers(`3782 822463${LINE_BREAK_MARK}10005`).text).toBe(`•••• ••••••${LINE_BREAK_MARK}•••••`);
    // The page's own U+2028 (a line separator in its text) is whitespace like any other: no Luhn needed.
    expect(maskNumbers(`4532 0196\u2028 7315 8240`).masked).toBe(true);
  });

  it('never changes text that has no digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
        const text = raw.replace(/[0-9]/g, '');
        expect(maskNumbers(text)).toEqual({ text, masked: false });
      }),
      { numRuns: 500 },
    );
  });

  it('masks every Luhn-valid card, in any grouping, whatever text surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        boundary,
        groupedCard,
        boundary,
        fc.string({ unit: 'binary', maxLength: 40 }),
        (before, open, card, close, after) => {
          const text = before + open + card + close + after;
          const start = before.length + open.length;
          const { text: masked, masked: flag } = maskNumbers(text);
          expect(flag).toBe(true);
          expect(masked.slice(start, start + card.length)).not.toMatch(/[0-9]/);
          expectOnlyDigitsMasked(text, masked);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('masks every dashed or spaced SSN, whatever text surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        boundary,
        fc.stringMatching(/^[0-9]{3}$/),
        fc.stringMatching(/^[0-9]{2}$/),
        fc.stringMatching(/^[0-9]{4}$/),
        fc.constantFrom('-', ' ', '\u00a0'),
        boundary,
        fc.string({ unit: 'binary', maxLength: 40 }),
        (before, open, area, group, serial, separator, close, after) => {
          const ssn = [area, group, serial].join(separator);
          const text = before + open + ssn + close + after;
          const start = before.length + open.length;
          const masked = maskNumbers(text).text;
          expect(masked.slice(start, start + ssn.length)).not.toMatch(/[0-9]/);
          expectOnlyDigitsMasked(text, masked);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never leaves a Luhn-valid 13–19 digit run or an SSN pattern in its output', () => {
    fc.assert(
      fc.property(fc.oneof(digitHeavy, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        const masked = maskNumbers(text).text;
        expect(findLeaks(masked)).toEqual([]);
        expectOnlyDigitsMasked(text, masked);
      }),
      { numRuns: 1000 },
    );
  });

  it('the leak finder does find leaks (so the property above can fail)', () => {
    expect(findLeaks('x 4111 1111 1111 1111 y')).toEqual(['4111111111111111']);
    expect(findLeaks('7 123-45-6789')).toEqual(['123-45-6789']);
  });
});

// ---------------------------------------------------------------------------

const PASSWORD_SENTINEL = 'Tr0ub4dor&3-S3cr3t-9274-pw!';
const DIGIT_SENTINELS = ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111', '123-45-6789'];

/** True when `output` holds any 4 consecutive digits of `sentinel` (separators in the output ignored). */
function leaksSentinelDigits(output: string, sentinel: string): boolean {
  const digits = sentinel.replace(/[^0-9]/g, '');
  const compact = output.replace(new RegExp(SEPARATOR_CLASS, 'g'), '');
  for (let i = 0; i + 4 <= digits.length; i++) if (compact.includes(digits.slice(i, i + 4))) return true;
  return false;
}

/** True when `output` holds any 4 consecutive characters of `sentinel`. */
function leaksSentinelText(output: string, sentinel: string): boolean {
  for (let i = 0; i + 4 <= sentinel.length; i++) if (output.includes(sentinel.slice(i, i + 4))) return true;
  return false;
}

const passwordField = input({ type: 'password', name: 'password' });
const plainField = input({ name: 'comment' });
const plainDiv = element('div');

/** Every output of the module a value can reach, for one value in one kind of element. */
function allOutputs(value: string, field: FieldDescriptor): string[] {
  const decision = decideField(field).decision;
  const outputs = [
    maskInputValue(decision, value).value,
    maskTextContent(decision, value).text,
    maskNumbers(value).text,
  ];
  for (const attr of ['value', 'title', 'data-value', 'aria-valuetext', 'placeholder', 'href', 'class', 'aria-label']) {
    outputs.push(maskAttribute(field, attr, value).value);
  }
  return outputs;
}

describe('sentinels', () => {
  it.each(DIGIT_SENTINELS)(
    '%s leaves no 4-digit fragment in any output, in any element, in any digit-free text',
    (sentinel) => {
      fc.assert(
        fc.property(
          digitFree,
          digitFree,
          fc.constantFrom(passwordField, plainField, plainDiv, element('div', { markedMask: true })),
          (before, after, field) => {
            const text = `${before} ${sentinel} ${after}`;
            for (const output of allOutputs(text, field)) expect(leaksSentinelDigits(output, sentinel)).toBe(false);
            expect(leaksSentinelDigits(maskValue(text), sentinel)).toBe(false);
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('the password sentinel leaves no fragment in any output of a masked field', () => {
    const maskedFields = [
      passwordField,
      input({ autocomplete: 'current-password' }),
      input({ name: 'pwd' }),
      input({ markedMask: true }),
      element('div', { markedMask: true }),
      element('div', { editable: true, labelText: 'Passcode' }),
    ];
    for (const field of maskedFields) {
      for (const output of allOutputs(PASSWORD_SENTINEL, field).slice(0, 2)) {
        expect(leaksSentinelText(output, PASSWORD_SENTINEL)).toBe(false);
        expect(leaksSentinelDigits(output, PASSWORD_SENTINEL)).toBe(false);
      }
      for (const attr of ['value', 'title', 'data-value', 'data-last', 'aria-valuetext', 'alt']) {
        expect(leaksSentinelText(maskAttribute(field, attr, PASSWORD_SENTINEL).value, PASSWORD_SENTINEL)).toBe(false);
      }
    }
    expect(leaksSentinelText(maskValue(PASSWORD_SENTINEL), PASSWORD_SENTINEL)).toBe(false);
  });
});

// ---------------------------------------------------------------------------

describe('attributes, input values and text nodes', () => {
  it('masks value-echoing attributes of a masked field and keeps the others readable', () => {
    expect(maskAttribute(passwordField, 'value', 'hunter2')).toEqual({ value: '••••••••', masked: true });
    expect(maskAttribute(passwordField, 'data-last-value', 'hunter2')).toEqual({ value: '••••••••', masked: true });
    expect(maskAttribute(passwordField, 'TITLE', 'hunter2')).toEqual({ value: '••••••••', masked: true });
    expect(maskAttribute(passwordField, 'placeholder', 'Your password')).toEqual({
      value: 'Your password',
      masked: false,
    });
    expect(maskAttribute(passwordField, 'aria-label', 'Password')).toEqual({ value: 'Password', masked: false });
    expect(maskAttribute(passwordField, 'data-cobrowse-mask', '')).toEqual({ value: '', masked: false });
    expect(maskAttribute(passwordField, 'class', 'field')).toEqual({ value: 'field', masked: false });
  });

  it('masks card numbers in any attribute of a clear element, and nothing else', () => {
    expect(maskAttribute(plainDiv, 'title', 'Card 4111 1111 1111 1111')).toEqual({
      value: 'Card •••• •••• •••• ••••',
      masked: true,
    });
    expect(maskAttribute(plainDiv, 'value', 'hello')).toEqual({ value: 'hello', masked: false });
    expect(maskAttribute(plainDiv, 'data-id', '42')).toEqual({ value: '42', masked: false });
    expect(maskAttributeByDecision('block', 'data-x', 'secret')).toEqual({ value: '••••••••', masked: true });
  });

  it('knows which attributes can echo a value', () => {
    for (const name of ['value', 'title', 'alt', 'aria-valuetext', 'aria-valuenow', 'data-value', 'DATA-X']) {
      expect(isSensitiveAttribute(name)).toBe(true);
    }
    for (const name of ['class', 'placeholder', 'aria-label', 'href', 'data-cobrowse-mask', 'type', 'name']) {
      expect(isSensitiveAttribute(name)).toBe(false);
    }
  });

  it('masks input values by decision', () => {
    expect(maskInputValue('mask', '4111')).toEqual({ value: '••••', masked: true });
    expect(maskInputValue('clear', 'note 4111111111111111')).toEqual({ value: 'note ••••••••••••••••', masked: true });
    expect(maskInputValue('clear', 'hello')).toEqual({ value: 'hello', masked: false });
  });

  it('masks text nodes by decision, keeping layout whitespace', () => {
    expect(maskTextContent('mask', '\n    ')).toEqual({ text: '\n    ', masked: false });
    expect(maskTextContent('mask', 'Jane Doe')).toEqual({ text: '••••••••', masked: true });
    expect(maskTextContent('clear', 'Jane Doe')).toEqual({ text: 'Jane Doe', masked: false });
  });

  it("keeps SVG xlink:href on the resource rule: a sprite's cache-buster or numeric name is not masked, a card number is", () => {
    for (const url of ['sprite.svg?v=1733390000000#cart', '/i/1234567890123.svg', 'icons.svg?password=x#eye'])
      expect(maskAttributeByDecision('clear', 'xlink:href', url)).toEqual({ value: url, masked: false });
    expect(maskAttributeByDecision('clear', 'xlink:href', '/cards/4111111111111111.svg').value).not.toContain('4111');
    // Control: the navigation rule, which links keep, masks a secret-named parameter.
    expect(maskAttributeByDecision('clear', 'href', 'icons.svg?password=x#eye').value).not.toContain('password=x');
  });
});
