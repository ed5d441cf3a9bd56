// The whole API server (root, Keepa and the dashboard) on a loopback port for the
// browser tests, built exactly as `pricekeep start` builds it.
import type { Config } from '../../src/config.js';
import { startApiServer } from '../../src/api/run.js';
import type { Store } from '../../src/store/index.js';
import { silentLogger } from './api-server.js';

export interface RunningDashboard {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDashboard(options: { store: Store; config: Config; clock: () => number }): Promise<RunningDashboard> {
  const running = await startApiServer({ ...options, logger: silentLogger, port: 0, host: '127.0.0.1' });
  return { url: running.url, close: () => running.close() };
}
