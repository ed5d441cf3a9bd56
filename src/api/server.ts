// The root of the API server: fastify with request logs (secrets redacted), gzip for
// clients that accept it (Keepa's Java client always gunzips), OpenAPI at /documentation,
// /health and /status, and one encapsulated plugin per protocol (./protocols.ts). The root
// knows no protocol: it hands every request no route matched, and every error raised
// before routing, to the protocol claiming it (./protocol.ts).
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import compress from '@fastify/compress';
import { acceptsGzip } from './accept-encoding.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AsaScrape } from '../asa/scrape-result.js';
import type { Config } from '../config.js';
import { createLogger, redactSecrets, type Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import type { AdminHooks, ApiContext, RefreshProducts } from './context.js';
import { protocolFor, type ApiProtocol } from './protocol.js';
import { PROTOCOLS } from './protocols.js';
import { healthRoutes } from './root/health.js';
import { statusRoutes } from './root/status.js';

export interface BuildServerOptions {
  readonly store: Store;
  readonly config: Config;
  /** Unix ms (default Date.now): token buckets, leases and stats run on it. */
  readonly clock?: () => number;
  /** Scrapes and stores products for `update`; without it products are served as stored. */
  readonly refresh?: RefreshProducts | null;
  /** The ASA protocol's scrapes (jobs/asa-scrape.ts); without it ASA scrapes answer 503 capacity. */
  readonly asaScrape?: AsaScrape | null;
  /** Defaults to the pino logger of src/logger.ts at config.logLevel. */
  readonly logger?: Logger;
  /** Enables the admin API (a server holding an embedded data directory). */
  readonly admin?: AdminHooks | null;
  /** Protocol plugins (default PROTOCOLS). */
  readonly protocols?: readonly ApiProtocol[];
}

/** The URL as logged: API keys never reach the logs. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

function requestSerializer(request: FastifyRequest) {
  return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
}

/** Longest request URL accepted (Keepa's 100 ASINs take ~1.3 kB); longer gets 414. */
export const MAX_URL_LENGTH = 16 * 1024;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' };

/** Writes a whole error answer on a bare socket, in the shape of the protocol claiming `url`. */
function answerOnSocket(socket: Socket, protocols: readonly ApiProtocol[], url: string, status: number, message: string): void {
  if (!socket.writable) return;
  const { contentType, body } = protocolFor(protocols, { url, headers: {} }).rawError(status, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: ${contentType}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const protocols = options.protocols ?? PROTOCOLS;
  const logger = (options.logger ?? createLogger(options.config.logLevel)).child(
    { component: 'api' },
    { serializers: { req: requestSerializer } },
  );
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Keepa's own examples call /product/?key=…
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    return503OnClosing: true,
    // HEAD /product would run (and charge) the whole request for no body: Keepa is GET only.
    exposeHeadRoutes: false,
    bodyLimit: 1024 * 1024,
    // Errors of the router itself (a URL that is not valid percent-encoding) go to the
    // protocol claiming the request, in its own error shape.
    frameworkErrors: (error, request, reply) => {
      void protocolFor(protocols, request).rootError(error, request, reply);
    },
    // A request line or header block Node cannot parse never reaches fastify: answer on
    // the socket, in the shape of the protocol its path belongs to.
    clientErrorHandler: (error, socket: Socket) => {
      const overflow = error.code === 'HPE_HEADER_OVERFLOW';
      const raw = (error as { rawPacket?: unknown }).rawPacket;
      const firstLine = Buffer.isBuffer(raw) ? raw.toString('latin1', 0, 2048).split('\r\n', 1)[0]! : '';
      answerOnSocket(socket, protocols, firstLine.split(' ')[1] ?? '/', overflow ? 431 : 400,
        overflow ? 'Request line or headers too large.' : 'Malformed HTTP request.');
    },
  });
  const context: ApiContext = {
    store: options.store,
    config: options.config,
    clock: options.clock ?? Date.now,
    refresh: options.refresh ?? null,
    asaScrape: options.asaScrape ?? null,
    admin: options.admin ?? null,
  };
  app.decorate('pricekeep', context);
  // Node hands CONNECT (a proxy tunnel request) to 'connect' listeners and, with none,
  // drops the connection unanswered; we are no proxy, but the client still gets an answer.
  app.server.on('connect', (request: { url?: string }, socket: Socket) => {
    answerOnSocket(socket, protocols, request.url ?? '/', 400, 'Method CONNECT is not supported.');
  });
  app.decorateRequest('keepa', null);

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
          'Self-hosted Amazon price histories. Keepa-compatible routes answer in Keepa\'s envelope (timestamp, tokensLeft, ' +
          'refillIn, refillRate, tokenFlowReduction, tokensConsumed, processingTimeInMs, error), errors included.',
        version: '0.1.0',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/documentation' });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH) {
      const error = Object.assign(new Error(`URL longer than ${MAX_URL_LENGTH} characters.`), { statusCode: 414, code: 'PK_URI_TOO_LONG' });
      return protocolFor(protocols, request).rootError(error as never, request, reply);
    }
  });
  app.setNotFoundHandler(async (request, reply) => protocolFor(protocols, request).notFound(request, reply));
  // @fastify/compress hooks into routes only, so the answer to a request no route matched
  // (a 404 in the protocol's shape) would leave uncompressed: gzip it here alike.
  app.addHook('onSend', async (request, reply, payload) => {
    // HEAD answers carry no body: rewriting their framing headers left the client waiting.
    if (request.method === 'HEAD' || request.routeOptions.url !== undefined || reply.getHeader('content-encoding') || !acceptsGzip(request.headers['accept-encoding'])) {
      return payload;
    }
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    reply.header('content-encoding', 'gzip');
    reply.header('vary', 'accept-encoding');
    reply.removeHeader('content-length');
    return gzipSync(payload, { level: 1 });
  });
  app.setErrorHandler(async (error, request, reply) => protocolFor(protocols, request).rootError(error as FastifyError, request, reply));

  await app.register(healthRoutes);
  await app.register(statusRoutes);
  for (const protocol of protocols) await app.register(protocol.plugin);
  return app;
}
