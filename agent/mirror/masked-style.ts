/**
 * The mirror's own stylesheet, adopted by every mirrored document and shadow
 * root: masked fields, blocked boxes, inert placeholders and the customer's
 * focus. Keyed on mirror-owned data attributes that sanitize.ts never lets the
 * customer's page set.
 */

import { CANVAS_ATTRIBUTE } from './canvas.js';
import { FULLSCREEN_ATTRIBUTE } from './top-layer.js';

/** On an element whose value (or text) was masked in the customer's browser. */
export const MASKED_ATTRIBUTE = 'data-cobrowse-mirror-masked';
/** On the same-size placeholder of a `data-cobrowse-block` subtree. */
export const BLOCKED_ATTRIBUTE = 'data-cobrowse-mirror-blocked';
/** On the element focused in the customer's page. */
export const FOCUS_ATTRIBUTE = 'data-cobrowse-mirror-focus';
/** On an inert placeholder: the original tag it stands for. */
export const INERT_TAG_ATTRIBUTE = 'data-cobrowse-mirror-tag';

/** The element that stands in for a script (or any other code-running tag). */
export const INERT_TAG = 'cobrowse-inert';
/** Stands in for a blocked void/replaced element, which cannot hold the label. */
export const BLOCKED_TAG = 'cobrowse-blocked';
/** Holds the children of a shadow root on a host that cannot have one. */
export const SHADOW_FALLBACK_TAG = 'cobrowse-shadow';

export const BLOCKED_LABEL = "Hidden by the customer's site";

/** A small padlock, drawn as the right-hand background layer of a masked field. */
const LOCK_ICON =
  "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='12' height='12' viewBox='0 0 12 12'%3E%3Crect x='2' y='5' width='8' height='6' rx='1' fill='%23555'/%3E%3Cpath d='M4 5V3.5a2 2 0 0 1 4 0V5' stroke='%23555' stroke-width='1.3' fill='none'/%3E%3C/svg%3E\")";

const STRIPES = 'repeating-linear-gradient(135deg, rgba(120,120,120,0.18) 0 4px, rgba(255,255,255,0.18) 4px 8px)';

/**
 * CSS text of the mirror stylesheet. Markers are !important: the customer's
 * CSS must not hide them. A blocked box keeps the page's class and style (for
 * its layout), so none of the page's image-bearing properties show on it:
 * generated content, border and list images, masks, cursors (its own
 * background is the stripes). Canvas: with no script in the mirror a canvas renders
 * its fallback content and collapses; a box sized from its width/height
 * attributes (lowest specificity, so the page's own sizing still wins) keeps
 * the layout around it, shown as a plain patterned area until the customer's pixels
 * arrive (then transparent, as the customer's canvas is where it draws nothing);
 * overflow hidden gives it a replaced element's baseline. A browser shows
 * media controls on every <video>/<audio> of a document without script; the
 * customer's page shows them only with `controls`.
 */
export const MIRROR_CSS = `
${INERT_TAG}, [${INERT_TAG_ATTRIBUTE}] { display: none !important; }
${SHADOW_FALLBACK_TAG} { display: contents; }
[${MASKED_ATTRIBUTE}] {
  background-image: ${LOCK_ICON}, ${STRIPES} !important;
  background-repeat: no-repeat, repeat !important;
  background-position: right 3px center, 0 0 !important;
  background-size: 12px 12px, auto !important;
  outline: 1px dashed rgba(90,90,90,0.7) !important;
  outline-offset: -1px !important;
}
[${BLOCKED_ATTRIBUTE}] {
  box-sizing: border-box !important;
  overflow: hidden !important;
  background: repeating-linear-gradient(135deg, #e4e4e4 0 6px, #f2f2f2 6px 12px) !important;
  border: 1px dashed #999 !important;
  color: #555 !important;
  font: 12px/1.3 system-ui, sans-serif !important;
}
${BLOCKED_TAG}[${BLOCKED_ATTRIBUTE}] { display: inline-block !important; vertical-align: top; }
[${BLOCKED_ATTRIBUTE}]::before {
  content: "${BLOCKED_LABEL}" !important;
  display: block !important;
  padding: 4px !important;
  background-image: none !important;
}
[${BLOCKED_ATTRIBUTE}]::after, [${BLOCKED_ATTRIBUTE}]::marker { content: none !important; }
[${BLOCKED_ATTRIBUTE}], [${BLOCKED_ATTRIBUTE}]::before, [${BLOCKED_ATTRIBUTE}]::after {
  border-image: none !important;
  list-style-image: none !important;
  mask: none !important;
  -webkit-mask: none !important;
  cursor: auto !important;
  box-shadow: none !important;
  filter: none !important;
  backdrop-filter: none !important;
}
[${FOCUS_ATTRIBUTE}] {
  outline: 2px solid #2f6fed !important;
  outline-offset: 1px !important;
}
:where(canvas) {
  display: inline-block;
  width: attr(width px, 300px);
  aspect-ratio: attr(width type(<number>), 300) / attr(height type(<number>), 150);
  background: repeating-linear-gradient(135deg, #f4f4f4 0 8px, #fafafa 8px 16px);
  overflow: hidden;
  color: transparent;
}
:where(canvas) > * { display: none !important; }
:where(canvas[${CANVAS_ATTRIBUTE}]) { background: none; }
:is(video, audio):not([controls])::-webkit-media-controls { display: none !important; }
[${FULLSCREEN_ATTRIBUTE}] {
  position: fixed !important; inset: 0 !important; margin: 0 !important; box-sizing: border-box !important;
  width: 100% !important; height: 100% !important; max-width: none !important; max-height: none !important;
  z-index: 2147483647 !important; object-fit: contain; background-color: #000;
}
`;
