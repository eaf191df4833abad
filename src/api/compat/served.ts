import { createServices, type ServiceDeps } from '../rpc/services.js';

/**
 * `Service.Method` of every RPC Latchkey serves (gRPC, Connect and REST alike), read from the
 * served implementations without calling anything. The compatibility and status tables are
 * checked against it.
 */
export function servedMethods(): Set<string> {
  return new Set(
    createServices({ tools: {} } as ServiceDeps).flatMap(({ service, impl }) =>
      service.methods.filter((m) => m.localName in impl).map((m) => `${service.name}.${m.name}`),
    ),
  );
}
