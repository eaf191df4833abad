import { AppError } from '../../errors/index.js';
import { PROXY_METHODS } from '../header-policy.js';

/** Only standard methods reach a provider (no TRACE, CONNECT, PROPFIND…); the method is returned as sent. */
export function checkMethod(method: string | undefined): string {
  if (method !== undefined && PROXY_METHODS.has(method)) return method;
  throw new AppError(
    'PROXY_METHOD_NOT_ALLOWED',
    `The method ${JSON.stringify(method ?? '')} is not allowed; use one of ${[...PROXY_METHODS].join(', ')}.`,
  );
}
