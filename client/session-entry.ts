/** The session bundle, fetched by the loader only after the customer allows sharing. */
import type { StartSession } from './session-api.js';
import { adoptPristine } from './pristine.js';
import { CustomerSession } from './session/customer-session.js';

export const startSession: StartSession = (options) => {
  // The loader's references were taken when the page loaded, before anything it loaded later could patch them.
  adoptPristine(options.host.pristine);
  return new CustomerSession(options);
};
