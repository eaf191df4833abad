import { AppError } from '../../errors/index.js';
import type { ConnectedAccount } from '../../store/index.js';
import { backgroundDueAt, type RefreshTiming, tokenState } from './policy.js';

/** Why a refresh is wanted; it decides when the work counts as done (by anyone). */
export type RefreshPurpose =
  /** A request must wait: the access token is (almost) expired. */
  | { kind: 'expired' }
  /** Stale-while-revalidate: renew ahead while the current token still serves requests. */
  | { kind: 'ahead' }
  /** The background refresher found the account due (access token ahead of expiry, or an idle refresh token). */
  | { kind: 'background' }
  /** The provider answered 401 to this access token. */
  | { kind: 'rejected'; token: string }
  /** An operator asked for it (`latchkey accounts refresh`): any refresh after `sinceVersion` will do. */
  | { kind: 'forced'; sinceVersion: number };

/** Whether `row` still needs the refresh this purpose asks for. */
export function needsRefresh(
  row: ConnectedAccount,
  purpose: RefreshPurpose,
  now: number,
  timing: RefreshTiming,
): boolean {
  switch (purpose.kind) {
    case 'expired':
      return tokenState(row, now, timing) === 'expired';
    case 'ahead':
      return tokenState(row, now, timing) !== 'fresh';
    case 'background': {
      const due = backgroundDueAt(row, now, timing);
      return due !== null && due <= now;
    }
    case 'rejected':
      return row.accessToken === purpose.token;
    case 'forced':
      return row.version === purpose.sinceVersion;
  }
}

/** The error for an account that cannot be refreshed in its status. */
export function statusError(a: Pick<ConnectedAccount, 'status'>): AppError {
  if (a.status === 'EXPIRED') return new AppError('REAUTHORIZATION_REQUIRED');
  return new AppError(
    'CONNECTED_ACCOUNT_NOT_ACTIVE',
    `The connected account is ${a.status}; send the user an authorization link.`,
  );
}
