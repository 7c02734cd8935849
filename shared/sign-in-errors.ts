/**
 * Why single sign-on failed, as the server tells the console: a code in the
 * console's address (`/agent/#signin-error=<code>`), never text. Anyone can
 * send an agent a link with any fragment, so the console shows only our own
 * message for a code it knows, and a generic one for anything else.
 */
export const SIGN_IN_ERRORS = {
  'not-configured': 'Single sign-on is not configured on this server.',
  unreadable: 'The identity provider sent an answer this server cannot read.',
  refused: 'The identity provider refused the sign-in.',
  expired: 'The sign-in took too long or was started elsewhere. Sign in again.',
  failed: 'The sign-in could not be completed. Sign in again.',
  'bad-identity': 'The identity provider gave an agent id this server cannot use.',
} as const;

export type SignInErrorCode = keyof typeof SIGN_IN_ERRORS;

const GENERIC = 'The sign-in did not work. Sign in again.';

/** Our message for a code from the address; '' for none, the generic message for a code we do not know. */
export function signInErrorMessage(code: string | null): string {
  if (!code) return '';
  return Object.hasOwn(SIGN_IN_ERRORS, code) ? SIGN_IN_ERRORS[code as SignInErrorCode] : GENERIC;
}
