/**
 * An independent leak finder for card numbers and SSNs: it shares no code
 * with the product's masking (shared/sensitive-numbers.ts) and reads text
 * more loosely than the product does, so a masking gap shows up here.
 *
 * Given a secret's digits and every string that left the customer's
 * browser, it reports which positions of the secret can be read: any run of
 * at least `minWindow` consecutive secret digits found in a string, after
 * NFKC (full-width and other compatibility digits), percent-decoding, and
 * removing up to three non-alphanumeric characters between digits.
 * Runs are searched across all strings, so digits revealed in different
 * frames add up (what a viewer could piece together).
 */

const FORMAT_CHARS = /[\p{Cf}\p{Mn}\p{Me}]/gu;
const ARABIC_INDIC = /[\u0660-\u0669]/g;
const EXTENDED_ARABIC_INDIC = /[\u06f0-\u06f9]/g;
const DEVANAGARI = /[\u0966-\u096f]/g;

/** What a reader sees as digit sequences in `text`, separators of up to 3 characters removed. */
export function digitSequences(text: string): string[] {
  let normal = text.replace(/(?:%[0-9a-fA-F]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes.replace(/%([0-9a-fA-F]{2})/g, (_whole, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    }
  });
  normal = normal.normalize('NFKC').replace(FORMAT_CHARS, '');
  normal = normal
    .replace(ARABIC_INDIC, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(EXTENDED_ARABIC_INDIC, (d) => String(d.charCodeAt(0) - 0x6f0))
    .replace(DEVANAGARI, (d) => String(d.charCodeAt(0) - 0x966));
  const sequences: string[] = [];
  for (const match of normal.matchAll(/[0-9](?:[^\p{L}\p{N}]{0,3}[0-9])*/gu))
    sequences.push(match[0].replace(/[^0-9]/g, ''));
  return sequences;
}

/** Positions (0-based) of `secret`'s digits readable from `outputs`, by windows of at least `minWindow` digits. */
export function revealedPositions(secret: string, outputs: readonly string[], minWindow = 4): Set<number> {
  const digits = secret.replace(/[^0-9]/g, '');
  const revealed = new Set<number>();
  const sequences = outputs.flatMap(digitSequences);
  for (let start = 0; start + minWindow <= digits.length; start++) {
    const window = digits.slice(start, start + minWindow);
    if (sequences.some((sequence) => sequence.includes(window)))
      for (let i = start; i < start + minWindow; i++) revealed.add(i);
  }
  return revealed;
}

/**
 * Positions revealed beyond what PCI DSS truncation allows: for a card
 * (13-19 digits) the first 6 and last 4 may show; for an SSN (9) the last 4.
 */
export function truncationLeaks(secret: string, outputs: readonly string[], minWindow = 4): number[] {
  const digits = secret.replace(/[^0-9]/g, '');
  const allowed = (i: number): boolean => (digits.length === 9 ? i >= 5 : i < 6 || i >= digits.length - 4);
  return [...revealedPositions(digits, outputs, minWindow)].filter((i) => !allowed(i)).sort((a, b) => a - b);
}

/** A Luhn-valid card number from a digit prefix (the reference check, written apart from the product's). */
export function completeLuhn(prefix: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = prefix + check;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      const digit = Number(candidate[candidate.length - 1 - i]);
      sum += i % 2 === 1 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}
