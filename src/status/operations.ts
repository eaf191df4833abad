import type { Feature } from './features.js';
import { doc, readme } from './links.js';

const PROXY = 'test/integration/proxy';
const SDK = 'Use it from the Scalekit SDK';

/** What works, part 2: the dashboard, the CLI, running it (storage, faults, secrets, TLS), SDKs and the demo (features.ts). */
export const OPERATIONS: Omit<Feature, 'status'>[] = [
  {
    feature: 'Dashboard: connections, API credentials, connected accounts, logs, webhooks',
    docs: [readme('Dashboard')],
    proof: ['test/e2e/dashboard.test.ts', 'test/integration/dashboard-api.test.ts'],
    probes: [{ route: 'GET /assets/:file', in: 'src/dashboard/static.ts' }, { env: 'LATCHKEY_PROXY_LOG' }],
  },
  {
    feature:
      'Admin sign-in: one-time set-up link or `latchkey admin create`; session cookie, CSRF, throttling',
    docs: [readme('Dashboard'), doc('docs/configuration.md', 'Dashboard and logs')],
    proof: ['src/dashboard/auth/auth.test.ts', 'test/integration/store/dashboard.test.ts'],
    probes: [{ cli: 'admin create' }, { env: 'LATCHKEY_SIGN_IN_ATTEMPTS' }],
  },
  {
    feature:
      'CLI: `serve`, `clients`, `connections`, `providers`, `accounts`, `webhooks`, `logs`, `admin`, `demo`, `emulator airtable`',
    docs: [readme('CLI')],
    proof: [
      'test/integration/cli.test.ts',
      'test/integration/cli-accounts.test.ts',
      'test/integration/cli-logs.test.ts',
    ],
    probes: ['serve', 'clients list', 'connections list', 'accounts list', 'accounts refresh'].map((cli) => ({
      cli,
    })),
  },
  {
    feature: 'PostgreSQL for several replicas behind one load balancer (SQLite for one process)',
    docs: [doc('docs/configuration.md', 'Storage'), doc('docs/reliability.md')],
    proof: [
      'test/integration/scale-out.test.ts',
      `${PROXY}/replica-cache.test.ts`,
      'test/integration/store/account-cache.test.ts',
    ],
    probes: [{ env: 'LATCHKEY_DATABASE_URL' }, { env: 'LATCHKEY_DB_POOL_SIZE' }],
  },
  {
    feature: 'Database outages, crashes and deploys: 503 (never 401), `/readyz`, SIGTERM drain',
    docs: [doc('docs/reliability.md', 'Database faults'), doc('docs/reliability.md', 'Shutdown')],
    proof: [
      'test/integration/database-faults/postgres-outage.test.ts',
      'test/integration/lifecycle.test.ts',
      'test/faults/sigterm-drain.test.ts',
    ],
    probes: [{ route: 'GET /readyz', in: 'src/api/health/routes.ts' }, { env: 'LATCHKEY_SHUTDOWN_GRACE' }],
  },
  {
    feature: 'Secrets sealed at rest (AES-256-GCM under the master key), never in logs',
    docs: [doc('docs/configuration.md', 'Secrets at rest'), doc('docs/security.md')],
    proof: [
      'test/integration/secrets-at-rest.test.ts',
      'src/store/crypto.test.ts',
      'test/integration/hardening/secret-scan.test.ts',
    ],
    probes: [{ env: 'LATCHKEY_MASTER_KEY' }],
  },
  {
    feature: 'Hardening: body caps before authentication, token-endpoint rate limits, connection limits',
    docs: [doc('docs/security.md', 'Resource exhaustion')],
    proof: [
      'test/integration/hardening/pre-auth-limits.test.ts',
      'test/integration/connection-hygiene.test.ts',
      'src/api/auth/token-endpoint.test.ts',
    ],
    probes: [{ env: 'LATCHKEY_API_MAX_BODY' }, { env: 'LATCHKEY_TOKEN_RATE_PER_ADDRESS' }],
  },
  {
    feature: 'TLS on the one port: your certificate, or a generated local CA',
    docs: [doc('docs/tls.md')],
    proof: ['src/http/listener.test.ts', 'src/tls/dev-cert.test.ts', 'test/integration/cli.test.ts'],
    probes: [{ env: 'LATCHKEY_TLS_CERT' }, { env: 'LATCHKEY_TLS_KEY' }, { env: 'LATCHKEY_TLS_SELF_SIGNED' }],
  },
  {
    feature: 'Node SDK (`@scalekit-sdk/node` 2.11.0): every method marked supported',
    docs: [readme('SDK compatibility')],
    proof: ['test/e2e/sdk-every-method.test.ts', 'src/api/compat/compat.test.ts'],
    probes: [],
  },
  {
    feature: "Python SDK (`scalekit-sdk-python` 2.10.0) over gRPC with TLS: the guide's example",
    docs: [readme(SDK), doc('examples/airtable-quickstart/quickstart.py')],
    proof: ['test/e2e/python-sdk.test.ts'],
    probes: [],
  },
  {
    feature: "`latchkey demo` (`npm run demo`): the guide's flow against the emulator in one command",
    docs: [readme(SDK)],
    proof: ['test/integration/demo.test.ts'],
    probes: [{ cli: 'demo' }, { file: 'package.json', has: '"demo":' }],
  },
  {
    feature:
      'Airtable emulator (`latchkey emulator airtable`): OAuth, consent page, Web API subset, `--state-file`',
    docs: [doc('examples/airtable-quickstart/README.md')],
    proof: [
      'src/emulators/airtable/authorize.test.ts',
      'src/emulators/airtable/persistence.test.ts',
      'src/cli/commands/emulator.test.ts',
    ],
    probes: [{ cli: 'emulator airtable' }],
  },
];
