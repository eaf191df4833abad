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

export interface ConnectionView {
  id: string;
  name: string;
  provider: string;
  clientId: string;
  hasClientSecret: boolean;
  scopes: string[];
  authorizeUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
  enabled: boolean;
  redirectUri: string;
  authType: string;
  configured: boolean;
  updatedAt: string;
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
