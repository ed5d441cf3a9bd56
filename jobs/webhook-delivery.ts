// The webhook channel of the outbox: POSTs a delivery's stored body to its target with
// the owner's signature and the delivery's stable id, through the SSRF-guarded sender.
// Topics differ only in whose secret signs the body.
import { postWebhook, SIGNATURE_HEADER, signPayload, type PostWebhookOptions } from '../src/net/index.js';
import type { Delivery } from '../src/store/deliveries.js';
import type { DeliveryHandler } from './lease-queue.js';

export interface WebhookDeliveryOptions extends PostWebhookOptions {
  /** The secret that signs this delivery (null: sent unsigned). */
  readonly secretOf: (delivery: Delivery) => Promise<string | null> | string | null;
  /** Unix ms, for the signature's timestamp. */
  readonly clock?: () => number;
}

export function webhookDelivery(options: WebhookDeliveryOptions): DeliveryHandler {
  return async (delivery) => {
    const body = delivery.body ?? '';
    const secret = await options.secretOf(delivery);
    const headers: Record<string, string> = {
      // The same id on every attempt: receivers deduplicate on it (delivery is at least once).
      'x-pricekeep-delivery': `${delivery.topic}:${delivery.subject}`,
      'x-pricekeep-attempt': String(delivery.attempts),
    };
    if (secret) headers[SIGNATURE_HEADER] = signPayload(secret, body, Math.floor((options.clock ?? Date.now)() / 1000));
    const outcome = await postWebhook(delivery.target, body, headers, options);
    return outcome.ok
      ? { ok: true, status: outcome.status }
      : { ok: false, error: `${outcome.code}: ${outcome.message}`, status: outcome.status, retryable: outcome.retryable };
  };
}
