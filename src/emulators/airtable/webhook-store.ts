/** Webhooks of the emulated bases, in memory (api/webhooks.ts serves them, api/webhook-events.ts feeds them). */
export interface WebhookPayload {
  /** The payload's cursor number (1, 2, …). */
  number: number;
  body: Record<string, unknown>;
}

export interface NotificationResult {
  success: boolean;
  completionTimestamp: string;
  durationMs: number;
  retryNumber: number;
  error?: { message: string };
}

export interface WebhookModel {
  id: string;
  baseId: string;
  /** OAuth integrations see and manage only their own webhooks. */
  clientId: string;
  macSecret: Buffer;
  notificationUrl: string | null;
  specification: { options: WebhookOptions };
  expirationTime: number;
  areNotificationsEnabled: boolean;
  payloads: WebhookPayload[];
  cursorForNextPayload: number;
  lastSuccessfulNotificationTime: string | null;
  lastNotificationResult: NotificationResult | null;
}

export interface WebhookOptions {
  filters: {
    dataTypes: string[];
    recordChangeScope?: string;
    [key: string]: unknown;
  };
  includes?: { includeCellValuesInFieldIds?: string[] | 'all'; [key: string]: unknown };
}

export class WebhookStore {
  private readonly byBase = new Map<string, WebhookModel[]>();
  private transaction = 0;

  list(baseId: string): WebhookModel[] {
    return this.byBase.get(baseId) ?? [];
  }

  add(hook: WebhookModel): void {
    this.byBase.set(hook.baseId, [...this.list(hook.baseId), hook]);
  }

  remove(baseId: string, id: string): void {
    this.byBase.set(
      baseId,
      this.list(baseId).filter((h) => h.id !== id),
    );
  }

  dropBase(baseId: string): void {
    this.byBase.delete(baseId);
  }

  /** Every webhook of every base (for the state file). */
  all(): WebhookModel[] {
    return [...this.byBase.values()].flat();
  }

  /** Replaces every webhook (restoring the state file). */
  replaceAll(hooks: WebhookModel[]): void {
    this.byBase.clear();
    for (const hook of hooks) this.add(hook);
  }

  nextTransaction(): number {
    this.transaction += 1;
    return this.transaction;
  }
}
