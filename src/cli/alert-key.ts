// The key the alert commands act for: `--key NAME`, default "default", which is created on
// first use (src/store/alert-key.ts, shared with the dashboard) and its API key printed once.
import type { Store } from '../store/index.js';
import { stderr } from './cli-context.js';
import { CliError } from './cli-error.js';

export async function alertKeyId(store: Store, name: string | undefined): Promise<number> {
  const { DEFAULT_ALERT_KEY, ensureDefaultAlertKey, liveKey } = await import('../store/alert-key.js');
  if (name !== undefined && name !== DEFAULT_ALERT_KEY) {
    const live = await liveKey(store, name);
    if (!live) throw new CliError(`no live key named "${name}" (see pricekeep keys list)`, 2);
    return live.id;
  }
  const key = await ensureDefaultAlertKey(store, Date.now());
  if (key.created) stderr(`pricekeep: created the key "${DEFAULT_ALERT_KEY}" for alerts; its API key (shown only now): ${key.created}\n`);
  return key.id;
}
