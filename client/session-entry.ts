/** The session bundle, fetched by the loader only after the customer allows sharing. */
import type { StartSession } from './session-api.js';
import { CustomerSession } from './session/customer-session.js';

export const startSession: StartSession = (options) => new CustomerSession(options);
