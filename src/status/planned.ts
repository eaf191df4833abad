import type { Feature } from './features.js';
import { doc, readme } from './links.js';

const NOT_BUILT = doc('docs/architecture.md', 'Not built yet');

/**
 * What is not built yet. Each probe checks that the part is still missing, so building it fails
 * status.test.ts until its row moves to gateway.ts or operations.ts (with its proof).
 */
export const PLANNED: Omit<Feature, 'status' | 'proof'>[] = [
  {
    feature: '`latchkey keys`: key management from the CLI',
    docs: [NOT_BUILT],
    probes: [{ cli: 'keys' }],
  },
  {
    feature:
      'Master-key rotation: sealed values name their key, but nothing yet passes a previous key to the sealer',
    docs: [NOT_BUILT, doc('docs/configuration.md', 'Secrets at rest')],
    probes: [{ file: 'src/runtime.ts', lacks: 'createSealer(resolveMasterKey(config))' }],
  },
  {
    feature:
      "Account-list paging in the database (the dashboard's list filters up to 500 accounts in memory)",
    docs: [NOT_BUILT],
    probes: [{ file: 'src/dashboard/api/account-routes.ts', lacks: '.slice(0, MAX_LISTED)' }],
  },
  {
    feature: "The Python SDK's MCP configuration service (`McpService`: `actions.mcp`, `list_configs`, …)",
    docs: [NOT_BUILT, readme('SDK compatibility')],
    probes: [{ rpc: 'McpService' }],
  },
  {
    feature: 'An OpenAPI document of the REST API',
    docs: [NOT_BUILT],
    probes: [{ code: 'openapi' }],
  },
];
