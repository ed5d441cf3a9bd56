// Opens the configured store for a CLI command and guarantees it is closed afterwards.
import { loadConfig, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';

/** Logs a dropped database connection as one line (the pool reconnects on the next statement). */
export function connectionLost(logger: Logger): (error: Error) => void {
  return (error) => logger.warn({ reason: error.message }, 'database connection lost; reconnecting on next use');
}

export async function withStore<T>(run: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { openStore } = await import('../store/index.js');
  const { createLogger } = await import('../logger.js');
  const store = await openStore(config.store, { onConnectionError: connectionLost(createLogger(config.logLevel)) });
  try {
    return await run(store, config);
  } finally {
    await store.close();
  }
}
