/**
 * The public methods of the Python SDK's clients the table covers — `scalekit-sdk-python` 2.10.0,
 * vendored in `../shared/vendor/scalekit-sdk-python` (not in this repository, so a clone anywhere
 * can still check the table). compat.test.ts checks this list against the vendored sources whenever
 * they are at hand.
 */
export const PYTHON_SDK_METHODS = {
  /** `ActionClient` (scalekit/actions/actions.py) */
  actions: [
    'langchain',
    'google',
    'mcp',
    'providers',
    'execute_tool',
    'get_authorization_link',
    'verify_connected_account_user',
    'list_connected_accounts',
    'delete_connected_account',
    'get_connected_account',
    'get_connected_account_details',
    'add_modifier',
    'get_modifiers',
    'pre_modifier',
    'post_modifier',
    'request',
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
    'create_connected_account',
    'get_or_create_connected_account',
    'update_connected_account',
  ],
  /** `ConnectedAccountsClient` (scalekit/connected_accounts.py) */
  connected_accounts: [
    'list_connected_accounts',
    'create_connected_account',
    'update_connected_account',
    'delete_connected_account',
    'get_magic_link_for_connected_account',
    'get_connected_account_by_identifier',
    'get_connected_account_details_by_identifier',
    'verify_connected_account_user',
  ],
  /** `ToolsClient` (scalekit/tools.py) */
  tools: ['list_tools', 'list_scoped_tools', 'execute_tool'],
  /** `ConnectionClient` (scalekit/connection.py): only its app-level method is in the table. */
  connection: [
    'get_connection',
    'list_connections_by_domain',
    'list_connections',
    'enable_connection',
    'disable_connection',
    'create_connection',
    'list_app_connections',
    'get_environment_connection',
    'create_environment_connection',
    'update_environment_connection',
    'delete_connection',
  ],
} as const;

/** Where each client class lives in the vendored SDK (for the check against the sources). */
export const PYTHON_SDK_CLASSES: Record<keyof typeof PYTHON_SDK_METHODS, [file: string, className: string]> =
  {
    actions: ['actions/actions.py', 'ActionClient'],
    connected_accounts: ['connected_accounts.py', 'ConnectedAccountsClient'],
    tools: ['tools.py', 'ToolsClient'],
    connection: ['connection.py', 'ConnectionClient'],
  };
