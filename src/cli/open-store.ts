// Opens the configured store for a CLI command and guarantees it is closed afterwards.
import { loadConfig, type Config } from '../config.js';
import type { Store } from '../store/index.js';

export async function withStore<T>(run: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { openStore } = await import('../store/index.js');
  const store = await openStore(config.store);
  try {
    return await run(store, config);
  } finally {
    await store.close();
  }
}
