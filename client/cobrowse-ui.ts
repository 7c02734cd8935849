/**
 * The customer UI bundle (dist/browser/cobrowse-ui.js): the element's view
 * and the English catalog, fetched by the loader the first time the customer
 * is shown anything (an offer, a support-code button, a resumed session).
 * It takes Lit from the loader (customerView(lit)) so that Lit loads once.
 */
export { en } from './i18n/en.js';
export { customerView } from './ui/customer-view.js';
export { fetchSupportCode } from './support-code.js';
export { endBeforeStart } from './end-before-start.js';
export { parseInvite } from './invite.js';
