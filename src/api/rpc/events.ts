import type { JsonObject, MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { AppError } from '../../errors/index.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import {
  type EventCursor,
  type EventFilter,
  hashSecret,
  type Store,
  type StoredEvent,
} from '../../store/index.js';
import { mayUseConnection, requireScope } from '../auth/scopes.js';
import { principalOf } from './access.js';
import {
  type EventFilter as EventFilterMessage,
  EventSource,
  type EventsService,
  ObjectType,
  type ScalekitEventSchema,
} from './descriptors.js';

export const EVENT_METHODS = ['listEventsPaginated'] as const;
export type EventsImpl = Pick<ServiceImpl<typeof EventsService>, (typeof EVENT_METHODS)[number]>;

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

const encodeEventCursor = (e: StoredEvent, direction: EventCursor['direction']) =>
  encodeCursor(e.occurredAt, e.id, direction === 'older' ? 'o' : 'n');

function decodeEventCursor(token: string): EventCursor | undefined {
  if (!token) return undefined;
  const { time, id, more } = decodeCursor(token, 'page_token', /^evt_[a-z0-9]{1,40}$/);
  if (more[0] !== 'o' && more[0] !== 'n') {
    throw new AppError('INVALID_ARGUMENT', 'page_token: is not a page token from this server.');
  }
  return { occurredAt: time, id, direction: more[0] === 'o' ? 'older' : 'newer' };
}

/** `connected_account.status_updated` → "Connected account status updated". */
const displayName = (type: string) => {
  const words = type.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The filter as a store query; null when it cannot match anything Latchkey records. */
function storeFilter(f: EventFilterMessage | undefined): EventFilter | null {
  if (!f) return {};
  // Everything Latchkey records comes from itself (source SCALEKIT); it has no interceptors.
  if (f.source !== EventSource.SOURCE_UNSPECIFIED && f.source !== EventSource.SCALEKIT) return null;
  if (f.interceptorId || f.interceptorStatus || f.interceptorDecision) return null;
  return {
    types: f.eventTypes.length > 0 ? f.eventTypes : undefined,
    from: f.startTime ? timestampMs(f.startTime) : undefined,
    until: f.endTime ? timestampMs(f.endTime) : undefined,
    organizationId: f.organizationId || undefined,
    authRequestHash: f.authRequestId ? hashSecret(f.authRequestId) : undefined,
    connectionId: f.connectionId || undefined,
    connectedAccountId: f.connectedAccountId || undefined,
  };
}

/**
 * EventsService.ListEventsPaginated (`accounts:read`): the account event log, newest first, with
 * every filter of EventFilter; cursor page tokens both ways. Clients limited to named connections
 * see only those connections' events.
 */
export function createEventsService(deps: {
  store: Pick<Store, 'events' | 'connections' | 'environmentId'>;
}): EventsImpl {
  const { store } = deps;

  const toMessage = (e: StoredEvent): MessageInitShape<typeof ScalekitEventSchema> => ({
    specVersion: '1',
    id: e.id,
    type: e.type,
    occurredAt: timestampFromMs(e.occurredAt),
    environmentId: store.environmentId,
    ...(e.organizationId ? { organizationId: e.organizationId } : {}),
    object: ObjectType.ConnectedAccount,
    data: e.data as JsonObject,
    displayName: displayName(e.type),
  });

  return {
    async listEventsPaginated(req, ctx) {
      const principal = principalOf(ctx);
      requireScope(principal, 'accounts:read');
      const cursor = decodeEventCursor(req.pageToken);
      const filter = storeFilter(req.filter);
      if (filter === null) return { events: [], nextPageToken: '', prevPageToken: '' };
      if (principal.connections !== null) {
        const all = await store.connections.list();
        filter.connectionIds = all.filter((c) => mayUseConnection(principal, c.name)).map((c) => c.id);
      }
      const size = Math.min(MAX_PAGE_SIZE, req.pageSize || DEFAULT_PAGE_SIZE);
      const rows = await store.events.list(filter, size + 1, cursor);
      const newer = cursor?.direction === 'newer';
      const more = rows.length > size;
      // Fetching newer events reads them oldest first; the extra one is then the newest.
      const events = more ? (newer ? rows.slice(1) : rows.slice(0, size)) : rows;
      const first = events[0];
      const last = events[events.length - 1];
      const hasOlder = newer ? true : more;
      const hasNewer = newer ? more : cursor !== undefined;
      return {
        events: events.map(toMessage),
        nextPageToken: last && hasOlder ? encodeEventCursor(last, 'older') : '',
        prevPageToken: first && hasNewer ? encodeEventCursor(first, 'newer') : '',
      };
    },
  };
}
