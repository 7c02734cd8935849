/**
 * The node an event happened on, inside the mirror's open shadow roots too:
 * a listener on the mirror document sees a shadow host as the target of
 * everything that happens inside it (retargeting), so a click, the keys or
 * the wheel in a design-system component's inner field would be addressed
 * to the host.
 */
export function innermostTarget(event: Event): EventTarget | null {
  return event.composedPath()[0] ?? event.target;
}
