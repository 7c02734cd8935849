/**
 * State frames applied to mirrored nodes: scroll offsets, the customer's
 * text selection and media play state. Plain DOM work; each returns false
 * when its target is not there (the mirror counts it).
 */
import type { DomFrame } from '../../shared/protocol.js';
import { hasEditingFocus, isDocument, isElement } from './dom-nodes.js';
import { FOCUS_ATTRIBUTE } from './masked-style.js';

type SelectionFrame = Extract<DomFrame, { t: 'selection' }>;

/** Scrolls a mirrored document (its window) or element. */
export function scrollNodeTo(node: Node, x: number, y: number): boolean {
  if (isDocument(node)) {
    node.defaultView?.scrollTo(x, y);
    return true;
  }
  if (isElement(node)) {
    node.scrollLeft = x;
    node.scrollTop = y;
    return true;
  }
  return false;
}

/**
 * Shows the customer's selection in the mirror, unless the agent's caret is
 * in a field of the mirror (typing with control): removeAllRanges would take
 * the caret out of the field the agent types in.
 */
export function applySelection(
  doc: Document,
  frame: SelectionFrame,
  resolve: (id: number) => Node | undefined,
): boolean {
  if (hasEditingFocus(doc)) return true;
  const range = frame.ranges[0];
  const selection = doc.getSelection();
  if (!selection) return true;
  if (!range) {
    selection.removeAllRanges();
    return true;
  }
  const start = resolve(range.start);
  const end = resolve(range.end);
  if (!start || !end) return false;
  try {
    selection.setBaseAndExtent(start, range.startOffset, end, range.endOffset);
  } catch {
    // Offsets that no longer fit (text changed since) or nodes in another frame: no selection shown.
    selection.removeAllRanges();
  }
  return true;
}

/** Plays or pauses a mirrored <video>/<audio> at the customer's time, always muted. */
export function applyMedia(node: Node | undefined, paused: boolean, time: number): boolean {
  if (!isElement(node) || (node.localName !== 'video' && node.localName !== 'audio')) return false;
  const element = node as HTMLMediaElement;
  element.muted = true;
  try {
    if (Math.abs(element.currentTime - time) > 0.25) element.currentTime = time;
  } catch {
    // No media loaded yet: the time is applied by the next media frame.
  }
  if (paused) element.pause();
  else element.play().catch(() => undefined);
  return true;
}

/**
 * Moves the focus mark from the element `from` to the element `to` (ids; null: none) and returns the id now
 * marked, and whether `to` named no element. An attribute, not element.focus(): focusing inside the mirror
 * would take the agent's keyboard.
 */
export function moveFocusMark(
  from: number | null,
  to: number | null,
  nodeOf: (id: number) => Node | undefined,
): { focusedId: number | null; unknown: boolean } {
  if (from !== null) {
    const previous = nodeOf(from);
    if (isElement(previous)) previous.removeAttribute(FOCUS_ATTRIBUTE);
  }
  if (to === null) return { focusedId: null, unknown: false };
  const target = nodeOf(to);
  if (!isElement(target)) return { focusedId: null, unknown: to !== 0 };
  target.setAttribute(FOCUS_ATTRIBUTE, '');
  return { focusedId: to, unknown: false };
}
