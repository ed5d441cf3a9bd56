// The whole API server (dashboard included) on a loopback port for the browser tests.
import Fastify from 'fastify';
import type { Config } from '../../src/config.js';
import { webPlugin } from '../../src/api/web/plugin.js';
import type { Store } from '../../src/store/index.js';

export interface RunningDashboard {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDashboard(options: { store: Store; config: Config; clock: () => number }): Promise<RunningDashboard> {
  const app = Fastify({ logger: false });
  app.decorate('pricekeep', { store: options.store, config: options.config, clock: options.clock, refresh: null });
  await app.register(webPlugin);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
