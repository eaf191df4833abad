import type { Sealer } from './crypto.js';
import type { Db } from './db.js';
import { newId } from './ids.js';
import type { WebhookEndpointsTable } from './schema.js';

/** A webhook receiver. `secret` (`whsec_…`) is decrypted for signing only — never serialize it. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Event types delivered; empty = every type. */
  eventTypes: string[];
  secret: string;
  enabled: boolean;
  description: string;
  createdAt: number;
  updatedAt: number;
}

const secretAad = (id: string) => `webhook_endpoints:secret:${id}`;

export function createWebhookEndpointRepo(db: Db, sealer: Sealer) {
  const fromRow = (r: WebhookEndpointsTable): WebhookEndpoint => ({
    id: r.id,
    url: r.url,
    eventTypes: JSON.parse(r.event_types) as string[],
    secret: sealer.open(r.secret_enc, secretAad(r.id)),
    enabled: r.enabled === 1,
    description: r.description,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });

  return {
    async create(
      input: { url: string; eventTypes: string[]; secret: string; description?: string },
      now = Date.now(),
    ): Promise<WebhookEndpoint> {
      const id = newId('whe');
      const row: WebhookEndpointsTable = {
        id,
        url: input.url,
        event_types: JSON.stringify(input.eventTypes),
        secret_enc: sealer.seal(input.secret, secretAad(id)),
        enabled: 1,
        description: input.description ?? '',
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('webhook_endpoints').values(row).execute();
      return fromRow(row);
    },

    async get(id: string): Promise<WebhookEndpoint | undefined> {
      const row = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async list(): Promise<WebhookEndpoint[]> {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    /** Deletes the endpoint and (cascade) its delivery log. */
    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },
  };
}

export type WebhookEndpointRepo = ReturnType<typeof createWebhookEndpointRepo>;
