/**
 * A captured <iframe> fired load (events.ts): its document may have been
 * replaced, or it went cross-origin, where the page may join the capture
 * (frame-bridge.ts).
 */
import type { CaptureRun } from './capture-run.js';
import { iframeDocument } from './dom-nodes.js';

/** Notes the iframe's new document in `run` (a document replaced in the mirror); `crossOrigin` when none can be read. */
export function iframeLoaded(
  run: CaptureRun,
  iframe: Element,
  crossOrigin: (iframe: Element, id: number) => void,
): void {
  if (!run.ids.has(iframe)) return;
  const current = iframeDocument(iframe);
  const previous = run.iframeDocuments.get(iframe) ?? null;
  if (current !== previous) {
    if (current !== null) run.iframeDocuments.set(iframe, current);
    else run.iframeDocuments.delete(iframe);
    run.collector.replaceDocument(previous, current);
  }
  // Cross-origin now (an iframe captured before it loaded, even one whose first document the walk had not read
  // yet when it went): the page there may join.
  const id = run.ids.idOf(iframe);
  if (current === null && id !== undefined) crossOrigin(iframe, id);
}
