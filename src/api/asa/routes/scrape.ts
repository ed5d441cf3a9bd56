// GET /api/v1/amazon/product and /api/v1/amazon/search: parameters checked (400, 501),
// the key admitted (401, 402, 429), the page scraped through the pipeline (its retries are
// internal), and only a 2xx charged, once, before it is sent, with ASA's headers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EXTRACTOR_VERSION } from '../../../asa/extractor-version.js';
import { parseAsaParams, requestUnits, type AsaEndpoint } from '../../../asa/params.js';
import { BASIC_REQUEST_CREDITS } from '../../../asa/plans.js';
import type { AsaScrapeResult } from '../../../asa/scrape-result.js';
import { admit, checkKey, settle } from '../admission.js';
import { AsaApiError, scrapeFailure } from '../errors.js';
import { asaState } from '../state.js';

function sourceHeaders(reply: FastifyReply, result: AsaScrapeResult): void {
  reply.header('asa-attempts', String(result.attempts));
  reply.header('asa-extractor-version', EXTRACTOR_VERSION);
  if (result.sourceStatus !== null) reply.header('asa-source-status', String(result.sourceStatus));
  if (result.resolvedUrl) reply.header('asa-resolved-url', result.resolvedUrl);
}

async function scrape(endpoint: AsaEndpoint, request: FastifyRequest, reply: FastifyReply) {
  const parsed = parseAsaParams(endpoint, request.query as Record<string, unknown>);
  if (!parsed.ok) {
    await checkKey(request);
    const { problem } = parsed;
    throw new AsaApiError(problem.code, problem.message, problem.code === 'not_implemented' ? { params: problem.params } : {});
  }
  const { asaScrape, config } = request.server.pricekeep;
  if (!asaScrape) throw new AsaApiError('capacity', 'this server runs no scraper', { retryAfter: 60 });
  const cost = requestUnits(parsed.request) * BASIC_REQUEST_CREDITS;
  await admit(request, reply, cost, [parsed.request.tld]);
  // The scrape may not outlive the concurrency lease it runs under.
  const deadline = AbortSignal.timeout(Math.max(1000, config.asa.leaseMs - 1000));
  let result: AsaScrapeResult;
  try {
    result = await asaScrape(parsed.request, deadline);
  } catch (error) {
    if (deadline.aborted) throw new AsaApiError('upstream_timeout', `no answer from Amazon within ${config.asa.leaseMs - 1000} ms`);
    throw error;
  }
  sourceHeaders(reply, result);
  if (!result.body) throw scrapeFailure(result.error!);
  const charged = await settle(request, cost, true);
  reply.header('asa-cost', String(charged));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify({ ...result.body, request_id: asaState(request).requestId }));
}

export async function scrapeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/amazon/product', (request, reply) => scrape('amazon.product', request, reply));
  app.get('/api/v1/amazon/search', (request, reply) => scrape('amazon.search', request, reply));
}
