/**
 * One attribute of a captured element as it may leave (serialize.ts): dropped
 * when it must not be sent, URLs made absolute, masked by the element's
 * decision and while the customer types (typing-mask.ts), clipped.
 */
import { maskAttributeByDecision, type MaskDecision } from './mask.js';
import { absoluteAttributeValue, attributeNeedsBase } from './urls.js';
import { UrlMemo } from './url-memo.js';
import {
  BLOCKED_ELEMENT_ATTRIBUTES,
  MAX_ATTR_NAME,
  MAX_ATTR_VALUE,
  clip,
  isDroppedAttribute,
} from './record-limits.js';
import type { TypingMask } from './typing-mask.js';
import { isFollowed, maskOutsideAgentText } from './agent-inserted.js';
import { maskShownAttribute } from './mask-pseudo.js';

export class AttributeValues {
  readonly #typing: TypingMask;
  /** Plain URL attributes as they went out, for values seen before (url-memo.ts). */
  readonly #urls = new UrlMemo();

  constructor(typing: TypingMask) {
    this.#typing = typing;
  }

  /**
   * The attribute's value as sent, or undefined when it must not be sent; what is the same for all of an
   * element's attributes is read once by the caller: its tag, whether it is strict.
   */
  value(
    el: Element,
    tag: string,
    name: string,
    value: string,
    decision: MaskDecision,
    strict: boolean,
  ): string | undefined {
    if (name.length > MAX_ATTR_NAME || isDroppedAttribute(name)) return undefined;
    if (decision === 'block' && !BLOCKED_ELEMENT_ATTRIBUTES.has(name)) return undefined;
    const typing = this.#typing;
    // What a plain URL attribute of a clear element goes out as depends on its name, value and base alone
    // (url-memo.ts): a masking step that also looked at something else must be added there too.
    if (decision === 'clear' && !strict && this.#urls.covers(name))
      return this.#urls.clearValue(tag, name, value, el.baseURI);
    const absolute = attributeNeedsBase(tag, name, value)
      ? absoluteAttributeValue(tag, name, value, el.baseURI)
      : value;
    const held = typing.orHeld(strict, el, name, value);
    const typed = strict && name === 'style' ? typing.typedDigits() : null;
    const masked = maskAttributeByDecision(decision, name, absolute, held, typed);
    if (strict && masked.masked) typing.noteMaskedAttribute(el, name);
    // Shown by `attr()` in its ::marker/::before/::after beside other text, or as a list item's number (mask-pseudo.ts).
    const sent = decision === 'clear' ? maskShownAttribute(el, name, value, masked.value) : masked.value;
    // A framework's value attribute equal to the value (React): the agent's text in it is not checked either.
    if (name === 'value' && isFollowed(el) && value === (el as HTMLInputElement).value)
      return clip(
        maskOutsideAgentText(el, value, sent, (run) => typing.echoes.maskAttribute(name, run)),
        MAX_ATTR_VALUE,
      );
    return clip(typing.echoes.maskAttribute(name, sent), MAX_ATTR_VALUE);
  }
}
