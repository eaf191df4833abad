import { createRequire } from 'node:module';
import type * as AccountsPb from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js';
import type * as ConnectionsPb from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connections/connections_pb.js';
import type * as ErrDetailsPb from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/errdetails/errdetails_pb.js';
import type * as EventsPb from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/events/events_pb.js';
import type * as ToolsPb from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/tools/tools_pb.js';

/**
 * The one module that loads the pinned `@scalekit-sdk/node` generated descriptors — the wire
 * contract Latchkey is compatible with. They ship as CommonJS, hence `createRequire`; everything
 * else imports the schemas, services, enums and message types from here.
 */
const require = createRequire(import.meta.url);
const PB = '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1';

const accounts = require(`${PB}/connected_accounts/connected_accounts_pb`) as typeof AccountsPb;
const tools = require(`${PB}/tools/tools_pb`) as typeof ToolsPb;
const connections = require(`${PB}/connections/connections_pb`) as typeof ConnectionsPb;
const errdetails = require(`${PB}/errdetails/errdetails_pb`) as typeof ErrDetailsPb;
const events = require(`${PB}/events/events_pb`) as typeof EventsPb;

export const {
  ConnectedAccountService,
  ConnectorStatus,
  ConnectorType,
  ConnectedAccountSchema,
  ConnectedAccountForListSchema,
  AuthorizationDetailsSchema,
  OauthTokenSchema,
  CreateConnectedAccountSchema,
  UpdateConnectedAccountSchema,
  ListConnectedAccountsRequestSchema,
  ListConnectedAccountsResponseSchema,
  CreateConnectedAccountRequestSchema,
  CreateConnectedAccountResponseSchema,
  UpdateConnectedAccountRequestSchema,
  UpdateConnectedAccountResponseSchema,
  DeleteConnectedAccountRequestSchema,
  DeleteConnectedAccountResponseSchema,
  GetMagicLinkForConnectedAccountRequestSchema,
  GetMagicLinkForConnectedAccountResponseSchema,
  GetConnectedAccountByIdentifierRequestSchema,
  GetConnectedAccountByIdentifierResponseSchema,
  GetConnectedAccountRequestSchema,
  GetConnectedAccountResponseSchema,
  VerifyConnectedAccountUserRequestSchema,
  VerifyConnectedAccountUserResponseSchema,
  DisconnectConnectedAccountRequestSchema,
  DisconnectConnectedAccountResponseSchema,
  SearchConnectedAccountsRequestSchema,
  SearchConnectedAccountsResponseSchema,
  StaticAuthSchema,
} = accounts;

export const {
  ToolService,
  ToolSchema,
  ScopedToolSchema,
  FilterSchema,
  ScopedToolFilterSchema,
  ListToolsRequestSchema,
  ListToolsResponseSchema,
  ListScopedToolsRequestSchema,
  ListScopedToolsResponseSchema,
  ListAvailableToolsRequestSchema,
  ListAvailableToolsResponseSchema,
  ExecuteToolRequestSchema,
  ExecuteToolResponseSchema,
} = tools;

export const {
  ConnectionService,
  ConnectionType,
  ConnectionStatus,
  ListConnectionSchema,
  ListAppConnectionsRequestSchema,
  ListAppConnectionsResponseSchema,
} = connections;

export const {
  EventsService,
  ObjectType,
  Source: EventSource,
  ScalekitEventSchema,
  ListEventsPaginatedRequestSchema,
  ListEventsPaginatedResponseSchema,
} = events;

/** Every service Latchkey's one port serves (also what the compatibility table is checked against). */
export const SERVICES = [
  accounts.ConnectedAccountService,
  connections.ConnectionService,
  events.EventsService,
  tools.ToolService,
];

export const { ErrorInfoSchema, ToolErrorInfoSchema, ValidationErrorInfoSchema } = errdetails;

export type ConnectorStatus = AccountsPb.ConnectorStatus;
export type ConnectorType = AccountsPb.ConnectorType;
export type ConnectionType = ConnectionsPb.ConnectionType;
export type ObjectType = EventsPb.ObjectType;

export type {
  AuthorizationDetails,
  ConnectedAccount as ConnectedAccountMessage,
  ConnectedAccountForList,
  CreateConnectedAccountRequest,
  CreateConnectedAccountResponse,
  DeleteConnectedAccountRequest,
  DeleteConnectedAccountResponse,
  GetConnectedAccountByIdentifierRequest,
  GetConnectedAccountByIdentifierResponse,
  GetConnectedAccountRequest,
  GetConnectedAccountResponse,
  GetMagicLinkForConnectedAccountRequest,
  GetMagicLinkForConnectedAccountResponse,
  ListConnectedAccountsRequest,
  ListConnectedAccountsResponse,
  OauthToken,
  SearchConnectedAccountsRequest,
  StaticAuth,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js';
export type {
  ListAppConnectionsRequest,
  ListAppConnectionsResponse,
  ListConnection,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connections/connections_pb.js';
export type {
  ErrorInfo,
  ToolErrorInfo,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/errdetails/errdetails_pb.js';
export type {
  EventFilter,
  ListEventsPaginatedRequest,
  ListEventsPaginatedResponse,
  ScalekitEvent,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/events/events_pb.js';
export type {
  ExecuteToolRequest,
  ExecuteToolResponse,
  Filter,
  ListScopedToolsRequest,
  ListScopedToolsResponse,
  ListToolsRequest,
  ListToolsResponse,
  ScopedTool,
  Tool,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/tools/tools_pb.js';
