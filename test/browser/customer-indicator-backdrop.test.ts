/**
 * The live indicator is a popover in the top layer; popovers have a
 * ::backdrop too. Only the consent and control prompts may dim the page: while
 * sharing, the customer's page must look exactly as without us.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../client/cobrowse.js';

describe('customer: the live indicator does not dim the page', () => {
  it('gives the indicator popover a transparent backdrop and the dialogs a dimming one', async () => {
    const element = await fixture<HTMLElement>(html`<cobrowse-session></cobrowse-session>`);
    const root = element.shadowRoot;
    if (!root) throw new Error('no shadow root');
    // The element's own stylesheet, applied to a popover and a dialog in its shadow root.
    const popover = document.createElement('div');
    popover.setAttribute('popover', 'manual');
    popover.className = 'indicator';
    const dialog = document.createElement('dialog');
    root.append(popover, dialog);
    popover.showPopover();
    dialog.showModal();
    try {
      const backdrop = (el: Element): string => getComputedStyle(el, '::backdrop').backgroundColor;
      expect(backdrop(popover)).to.equal('rgba(0, 0, 0, 0)');
      expect(backdrop(dialog)).to.not.equal('rgba(0, 0, 0, 0)');
    } finally {
      dialog.close();
      popover.hidePopover();
      popover.remove();
      dialog.remove();
    }
  });
});
