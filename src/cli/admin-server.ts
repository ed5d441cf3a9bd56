// A server holding an embedded data directory (`start`, `serve`) lets other CLI processes
// in: it enables the admin API with a fresh secret and publishes its loopback address and
// the secret in the data directory (server-file.ts); unpublishes on shutdown. On a server
// database (DATABASE_URL) every process opens the database itself: nothing is published.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AdminHooks } from '../api/context.js';
import type { RunningApi } from '../api/run.js';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import { createCliRunner } from './run-in-server.js';
import { newAdminSecret, removeServerFile, writeServerFile } from './server-file.js';
import { isLoopback } from '../api/admin/guard.js';

/** The admin hooks for `store`, or null when the store is not an embedded data directory. */
export function adminHooksFor(store: Store, config: Config, afterCommand: () => void): AdminHooks | null {
  if (store.engine !== 'embedded' || !store.dataDir) return null;
  return { secret: newAdminSecret(), runCli: createCliRunner({ store, config, afterCommand }) };
}

/** The loopback URL the CLI reaches the server at, or null when it listens on another interface only. */
export function loopbackUrl(address: AddressInfo): string | null {
  if (address.address === '0.0.0.0' || isLoopback(address.address)) {
    return `http://${address.address === '0.0.0.0' ? '127.0.0.1' : address.address}:${address.port}`;
  }
  if (address.address === '::' || address.address === '::1') return `http://[::1]:${address.port}`;
  return null;
}

/** Publishes the server in the data directory; returns the function that unpublishes it. */
export function publishServer(store: Store, admin: AdminHooks | null, running: RunningApi, logger: Logger): () => void {
  const dataDir = store.dataDir;
  if (!admin || !dataDir) return () => {};
  const url = loopbackUrl(running.app.server.address() as AddressInfo);
  if (!url) {
    logger.warn('the API listens on no loopback address: other pricekeep commands cannot reach this server while it holds the data directory');
    return () => {};
  }
  writeServerFile(dataDir, { pid: process.pid, url, secret: admin.secret, startedAt: new Date().toISOString() });
  logger.info({ url, dataDir }, 'admin API published for the CLI');
  return () => removeServerFile(dataDir);
}
