/**
 * Listeners from the agent's realm on a mirror document: links and forms do
 * nothing (no navigation away from the mirror), and late-loading resources
 * and web fonts report that the layout changed (scroll offsets land
 * elsewhere then). document.open() erases listeners, so this runs after
 * every prepareDocument.
 */
import { isElement } from './dom-nodes.js';

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
  doc.addEventListener('load', onLayoutChange, true);
  // Web fonts change text height, hence where a scroll offset lands.
  doc.fonts?.addEventListener('loadingdone', onLayoutChange);
}
