/**
 * Patches one window's form value setters and methods so values set by
 * script reach the input pipeline (setting a default value or option
 * changes an attribute or the children, which the mutation path notices).
 */
import type { PrototypePatches } from './patches.js';

/** Patches `win`'s form control prototypes: `onChange` gets the control whose state a script set. */
export function patchFormSetters(
  win: Window & typeof globalThis,
  patches: PrototypePatches,
  onChange: (el: Element) => void,
): void {
  const setters: Array<[object | undefined, string[]]> = [
    [win.HTMLInputElement?.prototype, ['value', 'checked', 'indeterminate', 'valueAsNumber', 'valueAsDate']],
    [win.HTMLTextAreaElement?.prototype, ['value']],
    [win.HTMLSelectElement?.prototype, ['value', 'selectedIndex']],
    [win.HTMLOptionElement?.prototype, ['selected']],
  ];
  for (const [proto, names] of setters) {
    if (proto === undefined) continue;
    for (const name of names) patches.patchSetter(proto, name, (self) => onChange(self as Element));
  }
  const methods: Array<[object | undefined, string[]]> = [
    [win.HTMLInputElement?.prototype, ['setRangeText', 'stepUp', 'stepDown', 'setCustomValidity']],
    [win.HTMLTextAreaElement?.prototype, ['setRangeText', 'setCustomValidity']],
    [win.HTMLSelectElement?.prototype, ['setCustomValidity']],
  ];
  for (const [proto, names] of methods) {
    if (proto === undefined) continue;
    for (const name of names) patches.patchMethod(proto, name, (self) => onChange(self as Element));
  }
}
