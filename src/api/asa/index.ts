// The ASA protocol: the Amazon Scraper API's HTTP contract under /api/ (product, search,
// async batch, account), with its own Bearer keys, credits, rate limits and error body.
// Encapsulated: its hooks and error handler apply to its routes only; the root sends it
// every unrouted request under /api/ (see ../protocol.ts).
import type { FastifyInstance } from 'fastify';
import { pathOf, type ApiProtocol, type ClaimableRequest } from '../protocol.js';
import { AsaApiError } from './errors.js';
import { sendAsaError } from './reply.js';
import { accountRoutes } from './routes/account.js';
import { batchRoutes } from './routes/batch.js';
import { docsRoutes } from './routes/docs.js';
import { scrapeRoutes } from './routes/scrape.js';
import { asaState, newRequestId } from './state.js';

export const ASA_ROUTES = [scrapeRoutes, batchRoutes, accountRoutes, docsRoutes];

function claims(request: ClaimableRequest): boolean {
  const path = pathOf(request.url);
  return path === '/api' || path.startsWith('/api/');
}

async function asaPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    asaState(request, reply);
  });
  app.setErrorHandler(async (error, request, reply) => sendAsaError(request, reply, error));
  for (const routes of ASA_ROUTES) await app.register(routes);
}

export const asaProtocol: ApiProtocol = {
  name: 'asa',
  plugin: asaPlugin,
  claims,
  notFound: (request, reply) =>
    sendAsaError(request, reply, new AsaApiError('not_found', `unknown path: ${request.method} ${pathOf(request.url)}; see /api/docs`)),
  rootError: (error, request, reply) => sendAsaError(request, reply, error),
  rawError: (status, message) => ({
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ error: 'invalid_params', message: `${message} (HTTP ${status})`, docs_url: '/api/docs#asa-error-invalid_params', request_id: newRequestId() }),
  }),
};
