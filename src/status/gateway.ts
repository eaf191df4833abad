import type { Feature } from './features.js';
import { doc, readme } from './links.js';

const PROXY = 'test/integration/proxy';
const SDK = 'Use it from the Scalekit SDK';

/** What works, part 1: links, accounts, tokens, the proxy, providers, tools and events (features.ts). */
export const GATEWAY: Omit<Feature, 'status'>[] = [
  {
    feature:
      'Connections and authorization links: a landing page naming app, provider and scopes; single use, spent only by a CSRF-checked Continue',
    docs: [readme(SDK), doc('docs/security.md', 'Stolen or forwarded authorization link')],
    proof: [
      'test/integration/authorization-flow.test.ts',
      'test/e2e/browser-consent.test.ts',
      'test/e2e/sdk-quickstart.test.ts',
    ],
    probes: [
      { cli: 'connections create' },
      { rpc: 'ConnectedAccountService.GetMagicLinkForConnectedAccount' },
      { route: 'GET /connect/:token', in: 'src/api/pages/routes.ts' },
      { route: 'POST /connect/:token', in: 'src/api/pages/routes.ts' },
    ],
  },
  {
    feature: 'User verification after consent (`userVerifyUrl`, `verifyConnectedAccountUser`)',
    docs: [readme(SDK), doc('docs/configuration.md', 'User verification')],
    proof: ['test/e2e/browser-verification.test.ts', 'test/integration/account-operations.test.ts'],
    probes: [
      { rpc: 'ConnectedAccountService.VerifyConnectedAccountUser' },
      { env: 'LATCHKEY_USER_VERIFICATION' },
      { route: 'GET /connect/verified', in: 'src/api/pages/routes.ts' },
    ],
  },
  {
    feature: 'API clients with scopes, optionally limited to named connections; revocation',
    docs: [readme('API clients and scopes')],
    proof: [
      'src/api/auth/scopes.test.ts',
      'src/api/auth/auth.test.ts',
      'test/integration/cli-webhooks.test.ts',
    ],
    probes: [
      { cli: 'clients create' },
      { cli: 'clients update' },
      { cli: 'clients revoke' },
      { route: 'POST /oauth/token', in: 'src/server.ts' },
    ],
  },
  {
    feature: 'Token refresh ahead of expiry, exactly once per rotation across processes and replicas',
    docs: [doc('docs/reliability.md', 'The token lifecycle')],
    proof: [
      'src/accounts/refresh/refresher.test.ts',
      'src/accounts/refresh/takeover.test.ts',
      'test/integration/store/refresh-lease.test.ts',
      'test/faults/kill-lease-holder.test.ts',
    ],
    probes: [{ env: 'LATCHKEY_REFRESH_MARGIN' }, { env: 'LATCHKEY_REFRESH_LEASE' }],
  },
  {
    feature:
      'Background refresher: renews used accounts ahead of expiry and idle refresh tokens before they lapse',
    docs: [
      doc('docs/reliability.md', 'The token lifecycle'),
      doc('docs/configuration.md', 'Token lifecycle'),
    ],
    proof: [
      'src/accounts/refresh/background.test.ts',
      'src/accounts/refresh/policy.test.ts',
      'test/faults/idle-account.test.ts',
    ],
    probes: [{ env: 'LATCHKEY_REFRESHER' }, { env: 'LATCHKEY_IDLE_REFRESH_MARGIN' }],
  },
  {
    feature:
      "A measured refresh storm: 10,000 accounts expiring together all renewed in time, within the provider's rate",
    docs: [doc('docs/benchmarks.md', 'Scale'), doc('docs/reliability.md', 'The token lifecycle')],
    proof: [
      'src/accounts/refresh/background.test.ts',
      'src/accounts/refresh/policy.test.ts',
      'src/emulators/airtable/seed-grants.test.ts',
    ],
    probes: [
      { file: 'docs/benchmarks.md', lacks: '| **not run**' },
      { file: 'bench/scale.ts', has: 'storm-sqlite 10000' },
      { env: 'LATCHKEY_REFRESHER_RATE' },
    ],
  },
  {
    feature:
      "Issue 13's proxy-hop targets met: ≥ 85 % of the strongest bare forwarder's throughput, ≤ 1.3× its CPU, ≤ 0.1 ms added p50, RSS ≤ 200 MB on HTTP/1.1 (`npm run bench`)",
    docs: [
      doc('docs/benchmarks.md', 'Results (issue 13)'),
      doc('docs/configuration.md', 'Large bodies and memory'),
    ],
    proof: [
      'src/proxy/hot-path.test.ts',
      'src/http/gc-tuning.test.ts',
      'src/observe/call-queue.test.ts',
      'src/mcp/lazy-sdk.test.ts',
    ],
    probes: [
      { file: 'docs/benchmarks.md', lacks: 'is **not met**' },
      { file: 'docs/benchmarks.md', has: '**Verdict:** the acceptance is met' },
    ],
  },
  {
    feature:
      "`/proxy`: the provider's answer passed through; header, method and path policy; Latchkey's refusals marked `x-latchkey-error`",
    docs: [readme('What is on the one port'), doc('docs/configuration.md', 'Proxy')],
    proof: [
      `${PROXY}/forwarding.test.ts`,
      `${PROXY}/policy.test.ts`,
      `${PROXY}/path-escapes.test.ts`,
      `${PROXY}/refusals.test.ts`,
    ],
    probes: [
      { file: 'src/server.ts', has: "req.url?.startsWith('/proxy/')" },
      { env: 'LATCHKEY_PROXY_TIMEOUT' },
    ],
  },
  {
    feature:
      '`/proxy` on a provider 401: one token refresh and a resend, at most once per interval per account',
    docs: [doc('docs/configuration.md', 'Proxy')],
    proof: [
      `${PROXY}/refresh-retry.test.ts`,
      'src/proxy/reauth-throttle.test.ts',
      'src/proxy/user-token-call.test.ts',
    ],
    probes: [{ env: 'LATCHKEY_PROXY_401_REFRESH_INTERVAL' }],
  },
  {
    feature:
      '`/proxy` retries, opt-in per call (`x-latchkey-retries: 1`…`5`), with jittered backoff honouring `Retry-After`',
    docs: [doc('docs/configuration.md', 'Proxy retries')],
    proof: [`${PROXY}/retries.test.ts`, 'src/proxy/steps/retry-policy.test.ts'],
    probes: [{ file: 'src/proxy/steps/retry-policy.ts', has: 'x-latchkey-retries' }],
  },
  {
    feature: "Provider pacing under providers' limits (Airtable: per base): per process, PostgreSQL or Redis",
    docs: [doc('docs/configuration.md', 'Shared provider pacing (Redis)')],
    proof: [
      'src/pacing/local-pacer.test.ts',
      `${PROXY}/pacing.test.ts`,
      'test/integration/store/rate-gates.test.ts',
      `${PROXY}/redis-pacing.test.ts`,
    ],
    probes: [
      { env: 'LATCHKEY_PROVIDER_PACING' },
      { env: 'LATCHKEY_RATE_LIMIT_MAX_WAIT' },
      { env: 'LATCHKEY_REDIS_URL' },
    ],
  },
  {
    feature: 'API-key connectors (`custom-api-key`, `custom-bearer`, `custom-basic`, `airtable-pat`)',
    docs: [readme('Connectors with keys instead of OAuth')],
    proof: [
      'test/e2e/api-key-connector.test.ts',
      'src/providers/static-auth.test.ts',
      'src/proxy/steps/provider-auth.test.ts',
    ],
    probes: [{ file: 'src/providers/static-keys.ts', has: "key: 'custom-api-key'" }],
  },
  {
    feature: 'Provider catalog: Airtable and 17 more OAuth providers, scopes and quirks as data',
    docs: [readme('Providers'), doc('docs/providers.md')],
    proof: [
      'src/providers/catalog.test.ts',
      'test/e2e/provider-catalog.test.ts',
      'test/integration/cli-providers.test.ts',
    ],
    probes: [{ cli: 'providers list' }, { cli: 'providers show' }],
  },
  {
    feature:
      "Tools: Scalekit's 26 Airtable tools through the SDK (`executeTool`, `listScopedTools`, …) and REST; an execution log",
    docs: [readme('Tools and MCP'), doc('docs/tools.md')],
    proof: ['test/e2e/tools-sdk.test.ts', 'test/e2e/tools-behaviour.test.ts', 'src/tools/registry.test.ts'],
    probes: [
      { rpc: 'ToolService.ExecuteTool' },
      { rpc: 'ToolService.ListScopedTools' },
      { route: 'GET /api/v1/tools/executions', in: 'src/api/rest/executions.ts' },
      { cli: 'logs' },
    ],
  },
  {
    feature: 'MCP server at `/mcp` (Streamable HTTP) with per-user tokens',
    docs: [doc('docs/tools.md', 'MCP')],
    proof: ['test/e2e/mcp.test.ts', 'test/integration/store/tools-and-mcp.test.ts'],
    probes: [
      { route: '* /mcp', in: 'src/mcp/routes.ts' },
      { route: 'POST /api/v1/mcp/tokens', in: 'src/mcp/routes.ts' },
    ],
  },
  {
    feature: 'Events (`listEventsPaginated`) and signed webhooks (Standard Webhooks), queued and retried',
    docs: [readme('Events and webhooks'), doc('docs/webhooks.md')],
    proof: [
      'test/e2e/webhook-delivery.test.ts',
      'src/webhooks/webhooks.test.ts',
      'src/webhooks/dispatcher.test.ts',
      'test/integration/store/events-webhooks.test.ts',
    ],
    probes: [
      { rpc: 'EventsService.ListEventsPaginated' },
      { cli: 'webhooks add' },
      { env: 'LATCHKEY_WEBHOOKS' },
    ],
  },
];
