/**
 * The oracle for remote typing: what a text field holds after a person's
 * keystrokes, worked out from the keys alone (value, anchor, focus), sharing
 * no code with the product. Covers the keys the typing tests press.
 */
export type KeyStep = { type: string } | { press: string; times?: number };

export class FieldModel {
  value: string;
  anchor: number;
  focus: number;
  readonly multiline: boolean;
  /** The clipboard, for Control+C / Control+X / Control+V. */
  clipboard = '';

  constructor(initial = '', multiline = false) {
    this.value = initial;
    this.anchor = initial.length;
    this.focus = initial.length;
    this.multiline = multiline;
  }

  get start(): number {
    return Math.min(this.anchor, this.focus);
  }

  get end(): number {
    return Math.max(this.anchor, this.focus);
  }

  #replace(text: string): void {
    this.value = this.value.slice(0, this.start) + text + this.value.slice(this.end);
    this.anchor = this.focus = this.start + text.length;
  }

  #collapse(at: number): void {
    this.anchor = this.focus = Math.max(0, Math.min(this.value.length, at));
  }

  press(key: string): void {
    const collapsed = this.start === this.end;
    switch (key) {
      case 'Enter':
        if (this.multiline) this.#replace('\n');
        return;
      case 'Backspace':
        if (!collapsed) this.#replace('');
        else if (this.start > 0) {
          this.anchor = this.start - 1;
          this.#replace('');
        }
        return;
      case 'Delete':
        if (!collapsed) this.#replace('');
        else if (this.end < this.value.length) {
          this.focus = this.end + 1;
          this.#replace('');
        }
        return;
      case 'ArrowLeft':
        this.#collapse(collapsed ? this.focus - 1 : this.start);
        return;
      case 'ArrowRight':
        this.#collapse(collapsed ? this.focus + 1 : this.end);
        return;
      case 'Shift+ArrowLeft':
        this.focus = Math.max(0, this.focus - 1);
        return;
      case 'Shift+ArrowRight':
        this.focus = Math.min(this.value.length, this.focus + 1);
        return;
      case 'Home':
        if (this.multiline) throw new Error('Home in a textarea depends on lines: not modelled');
        this.#collapse(0);
        return;
      case 'End':
        if (this.multiline) throw new Error('End in a textarea depends on lines: not modelled');
        this.#collapse(this.value.length);
        return;
      case 'Control+A':
        this.anchor = 0;
        this.focus = this.value.length;
        return;
      case 'Shift+Home':
        if (this.multiline) throw new Error('Shift+Home in a textarea depends on lines: not modelled');
        this.focus = 0;
        return;
      case 'Control+C':
        if (!collapsed) this.clipboard = this.value.slice(this.start, this.end);
        return;
      case 'Control+X':
        if (!collapsed) {
          this.clipboard = this.value.slice(this.start, this.end);
          this.#replace('');
        }
        return;
      case 'Control+V':
        this.#replace(this.clipboard);
        return;
      default:
        if ([...key].length === 1) this.#replace(key);
        else throw new Error(`key ${key} is not modelled`);
    }
  }

  type(text: string): void {
    for (const char of text) this.press(char === '\n' ? 'Enter' : char);
  }

  run(steps: readonly KeyStep[]): string {
    for (const step of steps) {
      if ('type' in step) this.type(step.type);
      else for (let i = 0; i < (step.times ?? 1); i++) this.press(step.press);
    }
    return this.value;
  }
}

/** The value the oracle expects after `steps`, starting from `initial` with the caret at the end. */
export function expectedValue(steps: readonly KeyStep[], initial = '', multiline = false): string {
  return new FieldModel(initial, multiline).run(steps);
}
