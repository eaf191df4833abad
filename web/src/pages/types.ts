import type { ConnectionView as ServerConnectionView } from '../../../src/accounts/connection-view';

export interface Scope {
  name: string;
  description: string;
  tier: 'basic' | 'enterprise';
}

export interface Provider {
  key: string;
  displayName: string;
  authType: string;
  requiresUrls: boolean;
  defaults: { authorizeUrl: string; tokenUrl: string; apiBaseUrl: string };
  scopes: Scope[];
  defaultScopes: string[];
}

/** A connection as the dashboard API lists it: the server's view plus whether it is ready to use. */
export interface ConnectionView extends ServerConnectionView {
  configured: boolean;
}

export interface AccountView {
  id: string;
  connection: string;
  connectionId: string | null;
  provider: string | null;
  identifier: string;
  status: string;
  statusReason: string | null;
  accessTokenExpiresAt: string | null;
  refreshTokenExpiresAt: string | null;
  lastRefreshedAt: string | null;
  lastRefreshError: string | null;
  lastRefreshErrorAt: string | null;
  refreshFailures: number;
  lastUsedAt: string | null;
}

export interface EventView {
  id: string;
  type: string;
  occurredAt: string;
  connection?: string | null;
  connectedAccountId?: string | null;
  data: Record<string, unknown>;
}
