/**
 * The text a computed `content` value (of `::before`, `::after`, `::marker`)
 * or a `list-style-type` string shows, read as Chromium serialises it:
 * strings decoded and joined, `attr()` and `var()` already substituted; a
 * `counter()` is two digits of unknown value (it may be any number, so a number
 * beside it is read as continuing).
 */

/**
 * What a counter() or counters() stands for in the text (its value is not in the computed style): two digits, the most
 * a counter value the CSS lets through unmasked shows (a value of 3 digits or more is masked: shared/css-counters.ts),
 * so a marker `27` before `8-41-5396` is read as the SSN it shows (review s15b M1).
 */
export const COUNTER_TEXT = '00';

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 102);
}

/** Where the call whose name starts at `at` ends (after its `)`; strings inside skipped). */
function callEnd(value: string, at: number): number {
  let depth = 0;
  for (let i = at; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < value.length && value.charCodeAt(i) !== code) i += value.charCodeAt(i) === 92 ? 2 : 1;
    } else if (code === 40) depth++;
    else if (code === 41 && --depth === 0) return i + 1;
  }
  return value.length;
}

/** `counter(list-item…)` or `counters(list-item…)`: the list item's number. */
const LIST_ITEM_COUNTER = /^counters?\(\s*list-item\b/i;

/**
 * The text a computed `content` value shows: its strings decoded (CSSOM serialises them double-quoted, `\"`, `\\`
 * and control characters as hex escapes), a counter as COUNTER_TEXT (`counter(list-item)` as `listItem` when the
 * element's number is known), quotes as `"`, an image as a space; the alternative text after `/` is not shown.
 */
export function contentText(value: string, listItem: string = COUNTER_TEXT): string {
  let text = '';
  let i = 0;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code === 34 || code === 39) {
      i++;
      while (i < value.length && value.charCodeAt(i) !== code) {
        if (value.charCodeAt(i) !== 92) {
          text += value.charAt(i++);
          continue;
        }
        i++;
        let hexEnd = i;
        while (hexEnd < value.length && hexEnd - i < 6 && isHex(value.charCodeAt(hexEnd))) hexEnd++;
        if (hexEnd === i) {
          text += value.charAt(i++);
          continue;
        }
        const point = Number.parseInt(value.slice(i, hexEnd), 16);
        text +=
          point > 0 && point <= 0x10ffff && (point < 0xd800 || point > 0xdfff) ? String.fromCodePoint(point) : '\ufffd';
        i = hexEnd;
        if (value.charCodeAt(i) === 32) i++;
      }
      i++;
      continue;
    }
    if (code === 47) break;
    const name = /^[\w-]+/.exec(value.slice(i, i + 32))?.[0] ?? '';
    if (name === '') {
      i++;
      continue;
    }
    if (value.charCodeAt(i + name.length) === 40) {
      const end = callEnd(value, i);
      if (!/^counters?$/i.test(name)) text += ' ';
      else text += LIST_ITEM_COUNTER.test(value.slice(i, end)) ? listItem : COUNTER_TEXT;
      i = end;
      continue;
    }
    if (/^(?:open|close)-quote$/i.test(name)) text += '"';
    i += name.length;
  }
  return text;
}
