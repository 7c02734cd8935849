/**
 * The live indicator: status, Take back control, Pause/Resume, End, and two
 * controls of its own place on screen: a handle to move it (drag it, or
 * focus it and use the arrow keys) and a button that collapses it to a small
 * badge (status dot, open again, End: ending stays one click away). The
 * integrator chooses its corner (`indicator-corner`); where the customer
 * moved it and whether it is collapsed are kept for the tab's session, so the
 * next page of the site shows it the same way.
 */
import type { SVGTemplateResult, TemplateResult } from 'lit';
import type { CustomerViewActions, CustomerViewModel, IndicatorCorner, LitApi } from './view-model.js';

interface Placement {
  x: number;
  y: number;
  collapsed: boolean;
}

const STORE_KEY = 'cobrowse-indicator';
const STEP = 16;

function loadPlacement(): Placement {
  try {
    const raw = sessionStorage.getItem(STORE_KEY);
    const value: unknown = raw ? JSON.parse(raw) : null;
    if (typeof value === 'object' && value !== null) {
      const { x, y, collapsed } = value as Record<string, unknown>;
      if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y))
        return { x, y, collapsed: collapsed === true };
    }
  } catch {
    // No storage (private mode, sandboxed frame): the indicator starts in its corner.
  }
  return { x: 0, y: 0, collapsed: false };
}

export function indicatorView(lit: LitApi, icon: (path: SVGTemplateResult) => TemplateResult) {
  const { html, svg, nothing } = lit;
  const ICON_GRIP = icon(
    svg`<circle cx="9" cy="6" r="1"/><circle cx="15" cy="6" r="1"/><circle cx="9" cy="12" r="1"/><circle cx="15" cy="12" r="1"/><circle cx="9" cy="18" r="1"/><circle cx="15" cy="18" r="1"/>`,
  );
  const ICON_PAUSE = icon(svg`<line x1="9" y1="6" x2="9" y2="18"/><line x1="15" y1="6" x2="15" y2="18"/>`);
  const ICON_PLAY = icon(svg`<path d="M8 5l11 7-11 7z"/>`);
  const ICON_COLLAPSE = icon(svg`<path d="M6 9l6 6 6-6"/>`);
  const ICON_EXPAND = icon(svg`<path d="M6 15l6-6 6 6"/>`);
  const ICON_HIDDEN = icon(
    svg`<path d="M3 3l18 18"/><path d="M10.6 6.1A9.8 9.8 0 0 1 12 6c6.5 0 10 6 10 6a17 17 0 0 1-3.2 3.9M6.6 6.6C3.8 8.4 2 12 2 12s3.5 6 10 6a9.6 9.6 0 0 0 5.4-1.6"/><path d="M9.9 9.9a3 3 0 0 0 4.2 4.2"/>`,
  );
  const ICON_END = icon(svg`<rect x="7" y="7" width="10" height="10" rx="1"/>`);
  const ICON_REMOVE = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`);

  const placement = loadPlacement();
  let drag: { pointer: number; startX: number; startY: number; fromX: number; fromY: number } | null = null;

  function save(): void {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(placement));
    } catch {
      // Not kept across pages; it still moves on this one.
    }
  }

  /** Move to (x, y) from the corner, kept on screen: the pill never leaves the viewport. */
  function moveTo(pill: HTMLElement, x: number, y: number, act: CustomerViewActions): void {
    const box = pill.getBoundingClientRect();
    const left = box.left - placement.x + x;
    const top = box.top - placement.y + y;
    const clampedLeft = Math.min(Math.max(left, 0), Math.max(0, innerWidth - box.width));
    const clampedTop = Math.min(Math.max(top, 0), Math.max(0, innerHeight - box.height));
    placement.x = Math.round(x + clampedLeft - left);
    placement.y = Math.round(y + clampedTop - top);
    save();
    place(pill);
    act.requestUpdate();
  }

  /** Through the CSSOM, not a style attribute: a page's CSP may forbid inline styles. */
  function place(pill: HTMLElement): void {
    pill.style.translate = `${placement.x}px ${placement.y}px`;
  }

  function pillOf(event: Event): HTMLElement | null {
    return (event.currentTarget as HTMLElement).closest<HTMLElement>('.indicator');
  }

  function onGripKey(event: KeyboardEvent, act: CustomerViewActions): void {
    const step = event.shiftKey ? STEP * 4 : STEP;
    const delta: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = delta[event.key];
    const pill = pillOf(event);
    if (!move || !pill) return;
    event.preventDefault();
    moveTo(pill, placement.x + move[0], placement.y + move[1], act);
  }

  function onGripDown(event: PointerEvent): void {
    const grip = event.currentTarget as HTMLElement;
    grip.setPointerCapture(event.pointerId);
    drag = {
      pointer: event.pointerId,
      startX: event.clientX,
      startY: event.clientY,
      fromX: placement.x,
      fromY: placement.y,
    };
  }

  function onGripMove(event: PointerEvent, act: CustomerViewActions): void {
    const pill = pillOf(event);
    if (!drag || drag.pointer !== event.pointerId || !pill) return;
    moveTo(pill, drag.fromX + event.clientX - drag.startX, drag.fromY + event.clientY - drag.startY, act);
  }

  function setCollapsed(collapsed: boolean, act: CustomerViewActions, root: ShadowRoot): void {
    placement.collapsed = collapsed;
    save();
    act.requestUpdate();
    // Focus follows the button that was pressed to the one that undoes it.
    void Promise.resolve().then(() =>
      requestAnimationFrame(() => root.querySelector<HTMLElement>(collapsed ? '.expand' : '.collapse')?.focus()),
    );
  }

  /** After each render: the indicator where the customer put it. */
  function afterRender(root: ShadowRoot): void {
    const pill = root.querySelector<HTMLElement>('.indicator');
    if (pill) place(pill);
  }

  function indicator(
    m: CustomerViewModel,
    act: CustomerViewActions,
    root: ShadowRoot,
    dir: 'rtl' | 'ltr',
    label: string,
  ) {
    const c = m.catalog;
    const waiting = m.view !== 'live' || m.paused;
    const corner: IndicatorCorner = m.corner ?? (dir === 'rtl' ? 'bottom-left' : 'bottom-right');
    const collapsed = placement.collapsed;
    const watched = !collapsed && m.viewers.length > 0;
    const classes = [
      'indicator',
      collapsed ? 'collapsed' : '',
      m.controlGranted ? 'control' : '',
      watched ? 'with-viewers' : '',
    ].join(' ');
    return html`<div class=${classes} part="indicator" role="region" aria-label=${c.region} popover="manual" lang=${m.lang} dir=${dir} data-corner=${corner}>
      <button type="button" class="icon grip" aria-label=${c.move} title=${c.move} @keydown=${(e: KeyboardEvent) => onGripKey(e, act)} @pointerdown=${onGripDown} @pointermove=${(e: PointerEvent) => onGripMove(e, act)} @pointerup=${() => (drag = null)} @pointercancel=${() => (drag = null)}>${ICON_GRIP}</button>
      <span class=${waiting ? 'dot waiting' : 'dot'} aria-hidden="true"></span>
      <span class="label">${label}</span>
      ${
        collapsed
          ? html`<button type="button" class="icon expand" aria-label=${c.expand} title=${c.expand} aria-expanded="false" @click=${() => setCollapsed(false, act, root)}>${ICON_EXPAND}</button>
            <button type="button" class="icon danger" part="primary-button" aria-label=${c.end} title=${c.end} @click=${act.end}>${ICON_END}</button>`
          : html`${m.controlGranted ? html`<button type="button" @click=${act.revokeControl}>${c.takeBack}</button>` : nothing}
            ${
              m.view === 'live'
                ? m.paused
                  ? html`<button type="button" class="pause" @click=${act.resume}>${ICON_PLAY}<span class="wide">${c.resume}</span></button>`
                  : html`<button type="button" class="pause" @click=${act.pause}>${ICON_PAUSE}<span class="wide">${c.pause}</span></button>`
                : nothing
            }
            ${m.view === 'live' && !m.paused ? html`<button type="button" class="icon hidden-areas" aria-label=${c.showHidden} title=${c.showHidden} @click=${act.showHidden}>${ICON_HIDDEN}</button>` : nothing}
            <button type="button" class="danger" part="primary-button" @click=${act.end}>${c.end}</button>
            <button type="button" class="icon collapse" aria-label=${c.collapse} title=${c.collapse} aria-expanded="true" @click=${() => setCollapsed(true, act, root)}>${ICON_COLLAPSE}</button>`
      }
      ${watched ? viewerList(m, act) : nothing}
    </div>`;
  }

  /** Who else watches, each with a button that removes them (and voids their invite). */
  function viewerList(m: CustomerViewModel, act: CustomerViewActions) {
    const c = m.catalog;
    return html`<div class="viewers"><span class="watching" id="watching">${c.watching}</span>
      <ul aria-labelledby="watching">${m.viewers.map((viewer) => {
        const named = c.viewerRole(viewer.name, viewer.kind);
        return html`<li data-viewer=${viewer.id}><span>${named}</span><button type="button" class="icon remove" aria-label=${c.removeViewer(named)} title=${c.removeViewer(named)} @click=${() => act.removeViewer(viewer.id)}>${ICON_REMOVE}</button></li>`;
      })}</ul></div>`;
  }

  return { indicator, afterRender };
}
