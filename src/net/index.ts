// Outbound HTTP to user-given URLs (webhooks): the SSRF guard, the sender, signatures and
// the retry schedule. Shared by the Keepa notification webhooks and the ASA batch webhooks.
export { addressVerdict, classifyAddress, type AddressKind, type AddressVerdict } from './address-policy.js';
export {
  checkWebhookUrl, parseWebhookUrl, systemResolver, MAX_WEBHOOK_URL_LENGTH,
  type Resolver, type ResolvedAddress, type WebhookUrlCheck, type WebhookUrlFailure, type WebhookUrlOptions,
} from './webhook-url.js';
export {
  postWebhook, CONNECT_TIMEOUT_MS, TOTAL_TIMEOUT_MS, MAX_RESPONSE_BYTES,
  type PostWebhookOptions, type WebhookOutcome, type WebhookFailureCode,
} from './post-webhook.js';
export { SIGNATURE_HEADER, generateWebhookSecret, signPayload, verifySignature } from './signature.js';
export { RETRY_DELAYS_MS, MAX_ATTEMPTS, nextAttemptAt } from './retry-schedule.js';
