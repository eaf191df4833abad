/** Types of the fault proxy (fault-proxy.ts): modes, routes, counters, records, control API. */
export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'drop' }
  | { kind: 'hang' }
  | { kind: 'delay-request'; ms: number }
  | { kind: 'delay-response'; ms: number }
  | { kind: 'hang-response' }
  | { kind: 'reset-mid-body' };
export type RouteName = 'token' | 'other';
export interface RouteCounters {
  /** Requests that arrived from clients. */
  received: number;
  /** Requests fully sent to the target. */
  forwarded: number;
  /** Complete answers received from the target (the target has processed the request). */
  targetAnswered: number;
  /** Complete answers delivered to clients. */
  answered: number;
}
export interface RequestRecord {
  route: RouteName;
  method: string;
  path: string;
  /** The client's source port (tells which process sent it). */
  remotePort: number | undefined;
  receivedAt: number;
  forwardedAt?: number;
  /** When the target's full answer reached the proxy. */
  targetAnsweredAt?: number;
  answeredAt?: number;
}
export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  setTarget(baseUrl: string): void;
  /** Takes effect at once; the promise settles when the listener is back after refuse-connect. */
  set(route: RouteName | 'all', mode: FaultMode | { kind: 'refuse-connect' }): Promise<void>;
  counters(route: RouteName): Readonly<RouteCounters>;
  requests(route?: RouteName): readonly RequestRecord[];
  /** Resolves once counters(route)[counter] >= n (event-driven; the caller's timeout bounds it). */
  waitFor(route: RouteName, counter: keyof RouteCounters, n: number): Promise<void>;
  /** Ends every held request (hang, hang-response, pending delays) of the route: client sockets destroyed. */
  release(route?: RouteName): void;
  close(): Promise<void>;
}
