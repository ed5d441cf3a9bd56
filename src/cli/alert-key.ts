// The key the alert commands act for: `--key NAME`, default "default". The default key
// is created on first use (its API key printed once, as `keys create` does), so a
// self-hosted user can set alerts without making a key first.
import type { Store } from '../store/index.js';
import { CliError } from './cli-error.js';

export const DEFAULT_ALERT_KEY = 'default';
const DEFAULT_REFILL_RATE = 20;

export async function alertKeyId(store: Store, name: string | undefined): Promise<number> {
  const { listApiKeys, insertApiKey } = await import('../store/api-keys.js');
  const wanted = name ?? DEFAULT_ALERT_KEY;
  const live = (await listApiKeys(store.db)).find((k) => k.name === wanted);
  if (live) return live.id;
  if (name !== undefined && name !== DEFAULT_ALERT_KEY) throw new CliError(`no live key named "${name}" (see pricekeep keys list)`, 2);
  const { generateApiKey, hashApiKey, apiKeyPrefix } = await import('../auth/api-key.js');
  const { newBucket } = await import('../keepa/envelope.js');
  const key = generateApiKey();
  const bucket = newBucket(DEFAULT_REFILL_RATE, Date.now());
  const created = await insertApiKey(store.db, {
    name: DEFAULT_ALERT_KEY, keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), refillRate: DEFAULT_REFILL_RATE,
    tokens: bucket.tokens, refilledAt: bucket.refilledAt,
  });
  if (!created.created) return alertKeyId(store, name); // another process created it meanwhile
  process.stderr.write(`pricekeep: created the key "${DEFAULT_ALERT_KEY}" for alerts; its API key (shown only now): ${key}\n`);
  return created.id;
}
