// The API server: fastify with Keepa's envelope on every answer, gzip for clients that
// accept it (Keepa's Java client always gunzips), OpenAPI at /documentation, request logs
// through pino with API keys redacted.
import { performance } from 'node:perf_hooks';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import type { ApiContext, RefreshProducts } from './context.js';
import { installKeepaErrors } from './keepa-reply.js';
import { API_ROUTES } from './routes/index.js';

export interface BuildServerOptions {
  readonly store: Store;
  readonly config: Config;
  /** Unix ms (default Date.now): the token bucket and stats run on it. */
  readonly clock?: () => number;
  /** Scrapes and stores products for `update`; without it products are served as stored. */
  readonly refresh?: RefreshProducts | null;
  /** Defaults to the pino logger of src/logger.ts at config.logLevel. */
  readonly logger?: Logger;
  /** Route plugins (default API_ROUTES). */
  readonly routes?: readonly FastifyPluginAsync[];
}

const KEY_IN_URL = /([?&]key=)[^&]*/gi;

/** The URL as logged: API keys never reach the logs. */
export function redactUrl(url: string): string {
  return url.replace(KEY_IN_URL, '$1***');
}

function requestSerializer(request: FastifyRequest) {
  return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
}

export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const logger = (options.logger ?? createLogger(options.config.logLevel)).child(
    { component: 'api' },
    { serializers: { req: requestSerializer } },
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Keepa's own examples call /product/?key=…
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    // HEAD /product would run (and charge) the whole request for no body: Keepa is GET only.
    exposeHeadRoutes: false,
    bodyLimit: 1024 * 1024,
  });
  const context: ApiContext = {
    store: options.store,
    config: options.config,
    clock: options.clock ?? Date.now,
    refresh: options.refresh ?? null,
  };
  app.decorate('pricekeep', context);
  app.decorateRequest('keepa', null);
  app.addHook('onRequest', async (request) => {
    request.keepa = { startedAt: performance.now(), keyHash: null, bucket: null, consumed: 0 };
  });

  // threshold 0: Keepa's Java client gunzips every body, small error bodies included.
  // Level 1: on a 200 kB product it takes half the CPU of the default 6 for 9% more bytes.
  // Up to 1 MB in one synchronous call (~4 ms for a product with full history): a zlib
  // stream through the threadpool doubled the latency of a typical answer.
  await app.register(compress, {
    global: true,
    threshold: 0,
    syncThreshold: 1024 * 1024,
    encodings: ['gzip', 'deflate'],
    zlibOptions: { level: 1 },
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'pricekeep',
        description:
          'Keepa-compatible API over self-hosted Amazon price histories. Every Keepa-style answer, errors included, ' +
          'carries the envelope (timestamp, tokensLeft, refillIn, refillRate, tokenFlowReduction, tokensConsumed, ' +
          'processingTimeInMs, error).',
        version: '0.1.0',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/documentation' });

  installKeepaErrors(app);
  for (const routes of options.routes ?? API_ROUTES) await app.register(routes);
  return app;
}
