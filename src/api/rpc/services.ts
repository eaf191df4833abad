import type { DescService } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import type { Store } from '../../store/index.js';
import { type ConnectedAccountServiceDeps, createConnectedAccountService } from './connected-accounts.js';
import { createConnectionsService } from './connections.js';
import { ConnectedAccountService, ConnectionService, EventsService, ToolService } from './descriptors.js';
import { createEventsService } from './events.js';
import { createToolService, type ToolServiceDeps } from './tools.js';

export interface ServiceDeps extends ConnectedAccountServiceDeps {
  store: ConnectedAccountServiceDeps['store'] & Pick<Store, 'events' | 'environmentId'>;
  /** ToolService is served when given; otherwise it answers UNIMPLEMENTED. */
  tools?: ToolServiceDeps;
}

/** A service and the methods Latchkey implements; the rest answer UNIMPLEMENTED. */
export interface ServedService {
  service: DescService;
  impl: Partial<ServiceImpl<DescService>>;
}

/** Pairs a service with a (type-checked) partial implementation. */
function served<S extends DescService>(service: S, impl: Partial<ServiceImpl<S>>): ServedService {
  return { service, impl: impl as unknown as Partial<ServiceImpl<DescService>> };
}

/** Everything the SDK's gRPC services are served with, in one list for both transports (gRPC and REST). */
export function createServices(deps: ServiceDeps): ServedService[] {
  return [
    served(ConnectedAccountService, createConnectedAccountService(deps)),
    served(ConnectionService, createConnectionsService(deps)),
    served(EventsService, createEventsService(deps)),
    served(ToolService, deps.tools ? createToolService(deps.tools) : {}),
  ];
}
