import { randomBytes } from 'node:crypto';

/** One user authorization: its scopes and whether it still stands. */
export interface Grant {
  id: string;
  scopes: string[];
  live: boolean;
}

export interface PendingAuthorization {
  id: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string | null;
}

export interface IssuedCode {
  grant: Grant;
  redirectUri: string;
  codeChallenge: string | null;
  used: boolean;
}

/** What reached the emulator, for tests to check what Latchkey sent upstream. */
export interface Recorded {
  authorize: Array<Record<string, string>>;
  token: Array<{ params: Record<string, string>; authorization: string | null }>;
  api: Array<{ method: string; path: string; headers: Record<string, string>; body: string }>;
  revoke: Array<{ params: Record<string, string>; authorization: string | null }>;
}

export const newId = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;

/** The emulator's memory: pending consents, codes, tokens and grants. */
export function createState() {
  return {
    pending: new Map<string, PendingAuthorization>(),
    codes: new Map<string, IssuedCode>(),
    /** access token → grant and expiry (ms). */
    accessTokens: new Map<string, { grant: Grant; expiresAt: number }>(),
    refreshTokens: new Map<string, { grant: Grant; live: boolean }>(),
    recorded: { authorize: [], token: [], api: [], revoke: [] } as Recorded,
    stats: {
      authorizations: 0,
      codeExchanges: 0,
      refreshes: 0,
      refreshTokenReuses: 0,
      apiCalls: 0,
      revocations: 0,
    },
  };
}

export type EmulatorState = ReturnType<typeof createState>;
