import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret in Standard Webhooks form: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, the key being the secret's base64 part. */
export function signPayload(secret: string, id: string, timestampSec: number, body: string): string {
  const key = Buffer.from(secret.slice(secret.indexOf('_') + 1), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/**
 * The headers of one delivery attempt, per Standard Webhooks (https://www.standardwebhooks.com):
 * `webhook-id` stays the same across retries (receivers dedupe on it), `webhook-timestamp` is the
 * attempt's time in seconds, `webhook-signature` signs id, timestamp and body. Verifiable with the
 * Scalekit SDKs' `verifyWebhookPayload`.
 */
export function webhookHeaders(
  secret: string,
  id: string,
  body: string,
  nowMs = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Latchkey-Webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signPayload(secret, id, timestamp, body),
  };
}
