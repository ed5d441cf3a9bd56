// Opens the configured store for a CLI command and guarantees it is closed afterwards.
// Inside a server (a command sent by a second CLI process) the server's open store is
// used and left open.
import { loadConfig, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import { commandContext } from './cli-context.js';

/** Logs a dropped database connection as one line (the pool reconnects on the next statement). */
export function connectionLost(logger: Logger): (error: Error) => void {
  return (error) => logger.warn({ reason: error.message }, 'database connection lost; reconnecting on next use');
}

export async function withStore<T>(run: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const context = commandContext();
  if (context.store) return run(context.store, context.config ?? loadConfig());
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
