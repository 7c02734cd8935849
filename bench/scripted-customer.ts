/** The scripted customer of the long-session and viewers scenarios. */
import type { Page } from 'playwright-core';

/**
 * Starts the scripted customer: every 100 ms a few changes of the kinds a
 * busy page makes (a text edit, rows added and the oldest removed, typing,
 * scrolling and, with `toggleClasses`, class toggles). The page keeps its
 * latest edit in `__last` and a count in `__changes`; `__stop()` ends it.
 */
export async function startScriptedCustomer(
  customer: Page,
  options: { prefix: string; toggleClasses: boolean },
): Promise<void> {
  await customer.evaluate(({ prefix, toggleClasses }) => {
    const w = window as unknown as { __changes: number; __stop: () => void; __last: string };
    w.__changes = 0;
    const texts = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.childElementCount === 0 && (el.textContent ?? '').trim() !== '')
      .slice(0, 200);
    const rows = document.createElement('section');
    rows.id = `${prefix}-rows`;
    const input = document.createElement('input');
    input.id = `${prefix}-input`;
    input.setAttribute('aria-label', 'Notes');
    document.body.prepend(input, rows);
    let tick = 0;
    const timer = setInterval(() => {
      tick += 1;
      const el = texts[tick % texts.length];
      if (el) el.textContent = `edit ${tick.toString(36)} x`;
      w.__last = `edit ${tick.toString(36)} x`;
      w.__changes += 1;
      if (tick % 5 === 0) {
        const row = document.createElement('div');
        row.className = 'row';
        for (let i = 0; i < 5; i++) row.append(Object.assign(document.createElement('span'), { textContent: `c${i}` }));
        rows.append(row);
        if (rows.childElementCount > 100) rows.firstElementChild?.remove();
        w.__changes += 2;
      }
      if (tick % 2 === 0) {
        input.value = input.value.length > 40 ? '' : input.value + 'abcdefghij'[tick % 10];
        input.dispatchEvent(new Event('input', { bubbles: true }));
        w.__changes += 1;
      }
      if (tick % 3 === 0) {
        window.scrollBy(0, tick % 6 === 0 ? 200 : -150);
        w.__changes += 1;
      }
      if (toggleClasses && tick % 10 === 0) {
        for (const t of texts.slice(0, 20)) t.classList.toggle('long-toggled');
        w.__changes += 1;
      }
    }, 100);
    w.__stop = () => clearInterval(timer);
  }, options);
}
