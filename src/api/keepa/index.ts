// The Keepa protocol: /product, /token, /tracking… answered in Keepa's envelope with
// per-key token buckets. Encapsulated: its error handler and request state apply only to
// its own routes; the root sends it the unrouted requests it claims (see ../protocol.ts).
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { pathOf, type ApiProtocol, type ClaimableRequest } from '../protocol.js';
import { ApiError } from './errors.js';
import { releaseTokenLeases } from './token-leases.js';
import { rawKeepaError, sendKeepaError } from './reply.js';
import { graphImageRoutes } from './routes/graphimage.js';
import { productRoutes } from './routes/product.js';
import { tokenRoutes } from './routes/token.js';
import { trackingRoutes } from './routes/tracking.js';
import { bestSellersRoutes } from './routes/bestsellers.js';
import { categoryRoutes } from './routes/category.js';
import { dealRoutes } from './routes/deal.js';
import { finderRoutes } from './routes/finder.js';
import { searchRoutes } from './routes/search.js';

/** Every route of the Keepa protocol; a new Keepa endpoint is one plugin added here. */
export const KEEPA_ROUTES = [productRoutes, tokenRoutes, trackingRoutes, finderRoutes, dealRoutes, bestSellersRoutes, categoryRoutes, searchRoutes, graphImageRoutes];

// Keepa's endpoint names (reference/keepa-api-more.md), served or not: an unknown one is
// still a Keepa request and gets the envelope.
const KEEPA_ENDPOINTS = /^\/(product|token|tracking|deal|query|bestsellers|category|search|graphimage|seller|topseller|lightningdeal)(\/|$)/i;

function claims(request: ClaimableRequest): boolean {
  // Keepa's clients always send the key in the query string.
  return KEEPA_ENDPOINTS.test(pathOf(request.url)) || /[?&]key=/.test(request.url);
}

async function keepaPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    request.keepa = { startedAt: performance.now(), keyHash: null, bucket: null, consumed: 0 };
  });
  app.setErrorHandler(async (error, request, reply) => sendKeepaError(request, reply, error));
  // Unspent leased tokens go back to their buckets when the server stops.
  app.addHook('onClose', async (instance) => releaseTokenLeases(instance.pricekeep));
  for (const routes of KEEPA_ROUTES) await app.register(routes);
}

export const keepaProtocol: ApiProtocol = {
  name: 'keepa',
  plugin: keepaPlugin,
  claims,
  notFound: (request, reply) =>
    sendKeepaError(request, reply, new ApiError('not_found', `No such endpoint: ${request.method} ${pathOf(request.url)}.`)),
  rootError: (error, request, reply) => sendKeepaError(request, reply, error),
  rawError: (status, message) => ({
    contentType: 'application/json; charset=utf-8',
    body: rawKeepaError(status === 414 || status === 431 ? 'uri_too_long' : 'invalid_parameter', message, Date.now()),
  }),
};
