import type { ErrorCode } from '../../errors/index.js';
import type { PageContent } from './render.js';

/** What an end user reads when an authorization fails: plain words and what to do next. */
const ERROR_PAGES: Partial<Record<ErrorCode, { heading: string; message: string }>> = {
  AUTH_LINK_INVALID: {
    heading: 'This link is not valid',
    message: 'The authorization link is incomplete or unknown. Ask the app that sent it for a new one.',
  },
  AUTH_LINK_EXPIRED: {
    heading: 'This link has expired',
    message: 'Authorization links are only valid for a short time. Ask the app that sent it for a new one.',
  },
  AUTH_LINK_USED: {
    heading: 'This link was already used',
    message: 'Each authorization link works once. Ask the app that sent it for a new one.',
  },
  OAUTH_STATE_INVALID: {
    heading: 'This sign-in could not be verified',
    message:
      'The sign-in session is invalid or was already completed. Start again from a new authorization link.',
  },
  OAUTH_SESSION_EXPIRED: {
    heading: 'This sign-in took too long',
    message: 'The sign-in session expired. Start again from a new authorization link.',
  },
  OAUTH_COOKIE_MISSING: {
    heading: 'Please finish in the same browser',
    message:
      'The sign-in must be completed in the browser where it started, with cookies enabled. Start again from a new authorization link.',
  },
  OAUTH_ACCESS_DENIED: {
    heading: 'Access was not granted',
    message: 'You declined the request, so nothing was connected. You can close this window.',
  },
  OAUTH_PROVIDER_ERROR: {
    heading: 'The provider reported a problem',
    message: 'The account could not be connected. Please try again later with a new authorization link.',
  },
  OAUTH_TOKEN_EXCHANGE_FAILED: {
    heading: 'The account could not be connected',
    message: 'The provider did not accept the sign-in. Please try again later with a new authorization link.',
  },
  LINK_FORM_INVALID: {
    heading: 'Please open the link again',
    message:
      'This page could not be verified (it must be continued in the browser that opened the link, with cookies enabled). Open the authorization link again.',
  },
  DATABASE_UNAVAILABLE: {
    heading: 'Temporarily unavailable',
    message:
      'Latchkey cannot reach its database right now. Please try again in a moment; if it keeps failing, ask the app that sent you for a new authorization link.',
  },
  CONNECTION_DISABLED: {
    heading: 'This integration is turned off',
    message: 'The administrator has disabled this integration. Contact the app that sent you the link.',
  },
};

export function errorPage(code: ErrorCode): PageContent {
  const page = ERROR_PAGES[code] ?? {
    heading: 'Something went wrong',
    message: 'The account could not be connected. Please try again later with a new authorization link.',
  };
  return { title: `${page.heading} – Latchkey`, ...page, tone: 'error', footnote: `Error code: ${code}` };
}

export function successPage(providerName: string): PageContent {
  return {
    title: `${providerName} connected – Latchkey`,
    heading: `${providerName} is connected`,
    message: 'You can close this window and return to the app.',
    tone: 'success',
  };
}
