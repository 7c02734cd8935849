/**
 * State frames applied to mirrored nodes: scroll offsets, the customer's
 * text selection and media play state. Plain DOM work; each returns false
 * when its target is not there (the mirror counts it).
 */
import type { DomFrame } from '../../shared/protocol.js';
import { hasEditingFocus, isDocument, isElement } from './dom-nodes.js';

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
