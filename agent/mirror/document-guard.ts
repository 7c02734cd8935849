/**
 * Listeners from the agent's realm on a mirror document: links and forms do
 * nothing (no navigation away from the mirror); the browser's own ways to
 * open a link or image of the page on its own (its context menu on links and
 * media, dragging to the tab strip) are cancelled; and late-loading resources
 * and web fonts report that the layout changed (scroll offsets land
 * elsewhere then). document.open() erases listeners, so this runs after
 * every prepareDocument.
 */
import { isElement } from './dom-nodes.js';

/**
 * Elements whose context menu offers to open them (or their resource) in a
 * tab of their own; any SVG too, as the images inside a `<use>` copy are out
 * of an event's path (it stops at the `<use>`).
 */
const OPENABLE = new Set([
  'svg',
  'use',
  'a',
  'area',
  'img',
  'image',
  'picture',
  'video',
  'audio',
  'source',
  'object',
  'embed',
  'input',
]);

export function guardMirrorDocument(doc: Document, onLayoutChange: () => void): void {
  const cancelNavigation = (event: Event): void => {
    for (const target of event.composedPath()) {
      if (isElement(target) && (target.localName === 'a' || target.localName === 'area')) {
        event.preventDefault();
        return;
      }
    }
  };
  doc.addEventListener('click', cancelNavigation, true);
  doc.addEventListener('auxclick', cancelNavigation, true);
  doc.addEventListener('submit', (event) => event.preventDefault(), true);
  doc.addEventListener(
    'contextmenu',
    (event) => {
      if (event.composedPath().some((target) => isElement(target) && OPENABLE.has(target.localName))) {
        event.preventDefault();
      }
    },
    true,
  );
  doc.addEventListener('dragstart', (event) => event.preventDefault(), true);
  doc.addEventListener('load', onLayoutChange, true);
  // Web fonts change text height, hence where a scroll offset lands.
  doc.fonts?.addEventListener('loadingdone', onLayoutChange);
}
