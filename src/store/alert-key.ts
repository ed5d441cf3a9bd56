// The API key whose trackings `pricekeep alerts` and the dashboard edit: the live key
// named "default". It is created on first use (its API key returned once, as `keys
// create` prints it), so a self-hosted user can set alerts without making a key first,
// and then read the same rules through `/tracking?key=…`.
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../auth/api-key.js';
import { newBucket } from '../keepa/envelope.js';
import { insertApiKey, listApiKeys } from './api-keys.js';
import type { Store } from './database.js';

export const DEFAULT_ALERT_KEY = 'default';
const DEFAULT_REFILL_RATE = 20;

export interface AlertKey {
  readonly id: number;
  readonly name: string;
  readonly keyPrefix: string;
}

/** The live key of this name, or null. */
export async function liveKey(store: Store, name: string): Promise<AlertKey | null> {
  const key = (await listApiKeys(store.db)).find((k) => k.name === name);
  return key ? { id: key.id, name: key.name, keyPrefix: key.keyPrefix } : null;
}

/** The default alert key; `created` holds the new API key when this call made it (shown once). */
export async function ensureDefaultAlertKey(store: Store, nowMs: number): Promise<AlertKey & { created: string | null }> {
  const live = await liveKey(store, DEFAULT_ALERT_KEY);
  if (live) return { ...live, created: null };
  const key = generateApiKey();
  const bucket = newBucket(DEFAULT_REFILL_RATE, nowMs);
  const inserted = await insertApiKey(store.db, {
    name: DEFAULT_ALERT_KEY, keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), refillRate: DEFAULT_REFILL_RATE,
    tokens: bucket.tokens, refilledAt: bucket.refilledAt,
  });
  // Another process created it meanwhile: that one is the key.
  if (!inserted.created) return ensureDefaultAlertKey(store, nowMs);
  return { id: inserted.id, name: DEFAULT_ALERT_KEY, keyPrefix: apiKeyPrefix(key), created: key };
}
