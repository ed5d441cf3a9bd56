// Starts the API server on a port and stops it gracefully: the lead's `start` and
// `pricekeep serve` both go through here.
import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildServerOptions } from './server.js';

export interface RunningApi {
  readonly app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight (the store stays open). */
  close(): Promise<void>;
}

export interface StartApiOptions extends BuildServerOptions {
  /** Default config.api.port (PORT, 8080); 0 picks a free port. */
  readonly port?: number;
  /** Default config.api.host (PRICEKEEP_HOST, 127.0.0.1). */
  readonly host?: string;
}

export async function startApiServer(options: StartApiOptions): Promise<RunningApi> {
  const app = await buildServer(options);
  const url = await app.listen({ port: options.port ?? options.config.api.port, host: options.host ?? options.config.api.host });
  let closing: Promise<void> | null = null;
  return {
    app,
    url,
    close: () => (closing ??= app.close()),
  };
}

/**
 * Resolves on the first SIGINT or SIGTERM after closing `running` (in-flight requests
 * finish, new ones get 503) and then `after` (the store). A second signal exits at once.
 */
export function closeOnSignals(running: RunningApi, after: () => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.once(signal, () => process.exit(130));
      running.app.log.info({ signal }, 'shutting down');
      running
        .close()
        .then(after)
        .then(() => resolve(signal), reject);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
