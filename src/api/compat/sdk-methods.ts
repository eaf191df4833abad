/**
 * Which SDK method works against Latchkey: one row per method of the official SDKs' account,
 * event, connection and tool clients. `calls` names what the method sends (checked against the
 * pinned `@scalekit-sdk/node` service descriptors by compat.test.ts, which also checks every
 * status against what Latchkey implements and that the README table is this data, rendered).
 * After changing a row: `npm run docs:compat` rewrites the README table.
 */

export type Status = 'supported' | { planned: string };

export interface SdkMethodRow {
  /** `namespace.method` on a Node `ScalekitClient`; undefined for Python-only methods. */
  node?: string;
  /** The Python SDK's names for the same call (`namespace.method`). */
  python: string[];
  /** `Service.Method` (gRPC) or `HTTP /proxy`. */
  calls: string[];
  status: Status;
}

/** ToolService (issue 7). */
const TOOLS: Status = 'supported';

const CA = 'ConnectedAccountService';
const GET_AUTH = `${CA}.GetConnectedAccountAuth`;
const UPSERT = [GET_AUTH, `${CA}.CreateConnectedAccount`, `${CA}.UpdateConnectedAccount`];

export const SDK_METHODS: SdkMethodRow[] = [
  {
    node: 'actions.getAuthorizationLink',
    python: ['actions.get_authorization_link'],
    calls: [`${CA}.GetMagicLinkForConnectedAccount`],
    status: 'supported',
  },
  {
    node: 'actions.verifyConnectedAccountUser',
    python: ['actions.verify_connected_account_user'],
    calls: [`${CA}.VerifyConnectedAccountUser`],
    status: 'supported',
  },
  {
    node: 'actions.listConnectedAccounts',
    python: ['actions.list_connected_accounts'],
    calls: [`${CA}.ListConnectedAccounts`],
    status: 'supported',
  },
  {
    node: 'actions.listConnections',
    python: [],
    calls: ['ConnectionService.ListAppConnections'],
    status: 'supported',
  },
  {
    node: 'actions.deleteConnectedAccount',
    python: ['actions.delete_connected_account'],
    calls: [`${CA}.DeleteConnectedAccount`],
    status: 'supported',
  },
  {
    node: 'actions.getConnectedAccount',
    python: ['actions.get_connected_account'],
    calls: [GET_AUTH],
    status: 'supported',
  },
  {
    python: ['actions.get_connected_account_details'],
    calls: [`${CA}.GetConnectedAccountDetails`],
    status: 'supported',
  },
  {
    node: 'actions.createConnectedAccount',
    python: ['actions.create_connected_account'],
    calls: [`${CA}.CreateConnectedAccount`],
    status: 'supported',
  },
  {
    node: 'actions.getOrCreateConnectedAccount',
    python: ['actions.get_or_create_connected_account'],
    calls: UPSERT,
    status: 'supported',
  },
  { node: 'actions.upsertConnectedAccount', python: [], calls: UPSERT, status: 'supported' },
  {
    node: 'actions.updateConnectedAccount',
    python: ['actions.update_connected_account'],
    calls: [`${CA}.UpdateConnectedAccount`],
    status: 'supported',
  },
  { node: 'actions.request', python: ['actions.request'], calls: ['HTTP /proxy'], status: 'supported' },
  {
    node: 'actions.executeTool',
    python: ['actions.execute_tool'],
    calls: ['ToolService.ExecuteTool'],
    status: TOOLS,
  },
  {
    node: 'connectedAccounts.listConnectedAccounts',
    python: ['connected_accounts.list_connected_accounts'],
    calls: [`${CA}.ListConnectedAccounts`],
    status: 'supported',
  },
  {
    node: 'connectedAccounts.createConnectedAccount',
    python: ['connected_accounts.create_connected_account'],
    calls: [`${CA}.CreateConnectedAccount`],
    status: 'supported',
  },
  { node: 'connectedAccounts.getOrCreateConnectedAccount', python: [], calls: UPSERT, status: 'supported' },
  { node: 'connectedAccounts.upsertConnectedAccount', python: [], calls: UPSERT, status: 'supported' },
  {
    node: 'connectedAccounts.updateConnectedAccount',
    python: ['connected_accounts.update_connected_account'],
    calls: [`${CA}.UpdateConnectedAccount`],
    status: 'supported',
  },
  {
    node: 'connectedAccounts.deleteConnectedAccount',
    python: ['connected_accounts.delete_connected_account'],
    calls: [`${CA}.DeleteConnectedAccount`],
    status: 'supported',
  },
  {
    node: 'connectedAccounts.getMagicLinkForConnectedAccount',
    python: ['connected_accounts.get_magic_link_for_connected_account'],
    calls: [`${CA}.GetMagicLinkForConnectedAccount`],
    status: 'supported',
  },
  {
    node: 'connectedAccounts.verifyConnectedAccountUser',
    python: ['connected_accounts.verify_connected_account_user'],
    calls: [`${CA}.VerifyConnectedAccountUser`],
    status: 'supported',
  },
  {
    node: 'connectedAccounts.getConnectedAccountByIdentifier',
    python: ['connected_accounts.get_connected_account_by_identifier'],
    calls: [GET_AUTH],
    status: 'supported',
  },
  {
    python: ['connected_accounts.get_connected_account_details_by_identifier'],
    calls: [`${CA}.GetConnectedAccountDetails`],
    status: 'supported',
  },
  {
    node: 'events.listEventsPaginated',
    python: [],
    calls: ['EventsService.ListEventsPaginated'],
    status: 'supported',
  },
  {
    node: 'connection.listAppConnections',
    python: ['connection.list_app_connections'],
    calls: ['ConnectionService.ListAppConnections'],
    status: 'supported',
  },
  { node: 'tools.listTools', python: ['tools.list_tools'], calls: ['ToolService.ListTools'], status: TOOLS },
  {
    node: 'tools.listScopedTools',
    python: ['tools.list_scoped_tools'],
    calls: ['ToolService.ListScopedTools'],
    status: TOOLS,
  },
  { node: 'tools.listAvailableTools', python: [], calls: ['ToolService.ListAvailableTools'], status: TOOLS },
  {
    node: 'tools.executeTool',
    python: ['tools.execute_tool'],
    calls: ['ToolService.ExecuteTool'],
    status: TOOLS,
  },
];

/**
 * Python SDK methods of the same clients that the table leaves out, and why (the test requires
 * every public method of ActionClient, ConnectedAccountsClient and ToolsClient to be a row or here).
 */
export const PYTHON_NOT_COVERED: Record<string, string> = {
  'actions.langchain': 'framework adapter (client-side)',
  'actions.google': 'framework adapter (client-side)',
  'actions.mcp': 'MCP (McpService): not served yet',
  ...Object.fromEntries(
    [
      'list_configs',
      'create_config',
      'update_config',
      'delete_config',
      'ensure_instance',
      'update_instance',
      'get_instance',
      'list_instances',
      'delete_instance',
      'get_instance_auth_state',
    ].map((m) => [`actions.${m}`, 'MCP (McpService): not served yet']),
  ),
  'actions.providers': 'custom providers: not served (providers are data in Latchkey)',
  'actions.add_modifier': 'client-side tool modifiers',
  'actions.get_modifiers': 'client-side tool modifiers',
  'actions.pre_modifier': 'client-side tool modifiers',
  'actions.post_modifier': 'client-side tool modifiers',
};

/** The Node SDK clients the table covers completely, and `connection`'s one app-level method. */
export const NODE_NAMESPACES = ['actions', 'connectedAccounts', 'events', 'tools'] as const;
export const NODE_PARTIAL: Record<string, string[]> = { connection: ['listAppConnections'] };
