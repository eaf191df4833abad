import type { ProviderDefinition } from './types.js';

/** Airtable OAuth 2.0 + Web API. Facts and sources: shared/reference/airtable.md. */
export const airtable: ProviderDefinition = {
  key: 'airtable',
  displayName: 'Airtable',
  category: 'database',
  auth: { type: 'oauth2' },
  authorizeUrl: 'https://airtable.com/oauth2/v1/authorize',
  tokenUrl: 'https://airtable.com/oauth2/v1/token',
  apiBaseUrl: 'https://api.airtable.com',
  requiresUrls: false,
  pkce: true,
  pkceRequired: true,
  clientAuth: 'basic',
  scopeSeparator: ' ',
  scopes: [
    { name: 'data.records:read', description: 'See the data in records', tier: 'basic' },
    { name: 'data.records:write', description: 'Create, edit and delete records', tier: 'basic' },
    { name: 'data.recordComments:read', description: 'See comments in records', tier: 'basic' },
    {
      name: 'data.recordComments:write',
      description: 'Create, edit and delete record comments',
      tier: 'basic',
    },
    {
      name: 'schema.bases:read',
      description: 'See the structure of a base, like table names or field types',
      tier: 'basic',
    },
    {
      name: 'schema.bases:write',
      description: 'Edit the structure of a base, like adding new fields or tables',
      tier: 'basic',
    },
    {
      name: 'webhook:manage',
      description: 'View, create, delete webhooks for a base, as well as fetch webhook payloads',
      tier: 'basic',
    },
    {
      name: 'block:manage',
      description: 'Create new releases and submissions for custom extensions via the Blocks CLI',
      tier: 'basic',
    },
    { name: 'user.email:read', description: "See the user's email address", tier: 'basic' },
    {
      name: 'workspacesAndBases:read',
      description: 'See workspace and base metadata and collaborators',
      tier: 'basic',
    },
    { name: 'enterprise.groups:read', description: 'See user groups in an enterprise', tier: 'enterprise' },
    {
      name: 'workspacesAndBases:write',
      description: 'Manage workspaces and bases and their collaborators',
      tier: 'enterprise',
    },
    {
      name: 'workspacesAndBases.shares:manage',
      description: 'Manage shares of workspaces and bases',
      tier: 'enterprise',
    },
    {
      name: 'enterprise.scim.usersAndGroups:manage',
      description: 'Manage users and groups via SCIM',
      tier: 'enterprise',
    },
    { name: 'enterprise.auditLogs:read', description: 'Read enterprise audit logs', tier: 'enterprise' },
    {
      name: 'enterprise.changeEvents:read',
      description: 'Read enterprise change events',
      tier: 'enterprise',
    },
    { name: 'enterprise.exports:manage', description: 'Manage enterprise exports', tier: 'enterprise' },
    { name: 'enterprise.account:read', description: 'Read the enterprise account', tier: 'enterprise' },
    { name: 'enterprise.account:write', description: 'Edit the enterprise account', tier: 'enterprise' },
    { name: 'enterprise.user:read', description: 'Read enterprise users', tier: 'enterprise' },
    { name: 'enterprise.user:write', description: 'Edit enterprise users', tier: 'enterprise' },
    { name: 'enterprise.groups:manage', description: 'Manage enterprise user groups', tier: 'enterprise' },
    {
      name: 'workspacesAndBases:manage',
      description: 'Manage all workspaces and bases in an enterprise',
      tier: 'enterprise',
    },
    { name: 'hyperDB.records:read', description: 'Read HyperDB records', tier: 'enterprise' },
    { name: 'hyperDB.records:write', description: 'Write HyperDB records', tier: 'enterprise' },
  ],
  // The Scalekit Airtable guide writes `webhook.manage`; Airtable's real scope is `webhook:manage`.
  scopeAliases: { 'webhook.manage': 'webhook:manage' },
  defaultScopes: ['data.records:read', 'schema.bases:read', 'user.email:read'],
  rotatesRefreshTokens: true,
  refreshTokenIdleTtlSec: 60 * 24 * 3600,
  docsUrl: 'https://airtable.com/developers/web/api/oauth-reference',
  checkCall: { method: 'GET', path: '/v0/meta/whoami' },
  rateLimits: [{ limit: 5, windowSec: 1, per: 'base', note: 'across all tokens; a 429 means waiting 30 s' }],
  // 4/s leaves room under the 5/s per base (same lane and rate as the Airtable tools).
  pacing: { perSecond: 4, keySegment: '^app[A-Za-z0-9]{14}$' },
  setup: {
    registerAt: 'https://airtable.com/create/oauth',
    steps: [
      'Register a new OAuth integration.',
      'OAuth redirect URL: the redirect URI Latchkey shows for the connection.',
      'Tick the scopes the agent needs (the defaults below read records and schemas).',
      'Generate a client secret; copy the client ID and secret into the connection.',
    ],
  },
};
