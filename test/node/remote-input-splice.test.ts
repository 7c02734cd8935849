/**
 * The agent's edit splices (agent/edit-splice.ts): applying the
 * splice to the value before a key gives the value after it, for any pair of
 * strings and caret; and the echo comparison that lets the customer's masking
 * (• for digits) count as the same text, and nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameTextAllowingMask, spliceBetween, spliceOfSelection, typedText } from '../../agent/edit-splice.js';

const apply = (value: string, s: { at: number; deleteCount: number; insert: string }) =>
  value.slice(0, s.at) + s.insert + value.slice(s.at + s.deleteCount);

describe('edit splices', () => {
  it('turn the value before a key into the value after it, for any strings and caret', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 's', 'i', ' ', '1', 'é') }),
        fc.string({ unit: fc.constantFrom('a', 's', 'i', ' ', '1', 'é') }),
        fc.option(fc.nat(40)),
        (before, after, caret) => {
          const splice = spliceBetween(before, after, caret);
          expect(apply(before, splice)).toBe(after);
          expect(splice.at + splice.deleteCount).toBeLessThanOrEqual(before.length);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('anchor a repeated letter at the caret: typing s into "Mis|s" inserts at 3 or 4 the same way a person did', () => {
    expect(spliceBetween('Miss', 'Misss', 4)).toEqual({ at: 4, deleteCount: 0, insert: 's' });
    expect(spliceBetween('Miss', 'Misss', 3)).toEqual({ at: 3, deleteCount: 0, insert: 's' });
    expect(spliceBetween('abc', 'ac', 1)).toEqual({ at: 1, deleteCount: 1, insert: '' });
    expect(spliceBetween('hello world', 'hello there', 11)).toEqual({ at: 6, deleteCount: 5, insert: 'there' });
  });

  it('of a key over a selection replace that selection, even when the text typed starts as it did', () => {
    // 'b' typed over the whole of 'b1': the key replaced both, not a deletion of '1' (no key for the page).
    expect(spliceOfSelection('b1', 'b', { selectionStart: 0, selectionEnd: 2 }, 'insertText')).toEqual({
      at: 0,
      deleteCount: 2,
      insert: 'b',
    });
    expect(spliceOfSelection('ab', 'abb', { selectionStart: 1, selectionEnd: 1 }, 'insertText')).toEqual({
      at: 1,
      deleteCount: 0,
      insert: 'b',
    });
    // A Backspace at a caret is spliceBetween's; a selection that does not explain the change is no answer.
    expect(spliceOfSelection('ab', 'a', { selectionStart: 2, selectionEnd: 2 }, 'deleteContentBackward')).toBeNull();
    expect(spliceOfSelection('ab', 'xy', { selectionStart: 1, selectionEnd: 2 }, 'insertText')).toBeNull();
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '1') }),
        fc.nat(8),
        fc.nat(8),
        fc.string({ unit: fc.constantFrom('a', 'b') }),
        (before, x, y, typed) => {
          const [start, end] = [Math.min(x, y, before.length), Math.min(Math.max(x, y), before.length)];
          const after = before.slice(0, start) + typed + before.slice(end);
          const splice = spliceOfSelection(before, after, { selectionStart: start, selectionEnd: end }, 'insertText');
          expect(splice).toEqual({ at: start, deleteCount: end - start, insert: typed });
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('count an echo as the agent’s text only when it differs by masked digits', () => {
    expect(sameTextAllowingMask('•••B Baker Street', '221B Baker Street')).toBe(true);
    expect(sameTextAllowingMask('221B Baker Street', '221B Baker Street')).toBe(true);
    expect(sameTextAllowingMask('•••B Baker Street', '22xB Baker Street')).toBe(false);
    expect(sameTextAllowingMask('221B Baker Stree', '221B Baker Street')).toBe(false);
    expect(sameTextAllowingMask('221C Baker Street', '221B Baker Street')).toBe(false);
  });
});

describe('the typed text of a number or email field', () => {
  it('follows keys at the end where the value hides them, and takes the value for anything else', () => {
    // A number reads '' while it is no number: the typed text is kept.
    expect(typedText('number', '12', '', 'insertText', 'e', true)).toBe('12e');
    expect(typedText('number', '12e', '12e3', 'insertText', '3', false)).toBe('12e3');
    expect(typedText('number', '12e', '', 'deleteContentBackward', null, false)).toBe('');
    expect(typedText('number', '12', '', 'deleteContentForward', null, false)).toBe('');
    // An email drops its outer spaces: the typed space is kept, and Backspace removes it.
    expect(typedText('email', 'a', 'a', 'insertText', ' ', false)).toBe('a ');
    expect(typedText('email', 'a ', 'a b', 'insertText', 'b', false)).toBe('a b');
    expect(typedText('email', 'a ', 'a', 'deleteContentBackward', null, false)).toBe('a');
    // Select-all and a key, a paste, a key in the middle: the value.
    expect(typedText('email', 'abc', 'x', 'insertText', 'x', false)).toBe('x');
    expect(typedText('email', 'ab', 'a@b', 'insertFromPaste', '@b', false)).toBe('a@b');
    expect(typedText('email', 'ac', 'abc', 'insertText', 'b', false)).toBe('abc');
  });
});
