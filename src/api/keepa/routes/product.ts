// GET /product: Keepa's product request over the stored histories.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COST_LIVE_UPDATE, COST_PER_OFFER_PAGE, OFFERS_PER_PAGE, perProductCost } from '../../../keepa/envelope.js';
import { keepaNow } from '../../../keepa/time.js';
import { asinsForCodes, findProducts } from '../../../store/index.js';
import { isWellFormedApiKey } from '../../../auth/api-key.js';
import type { ApiContext } from '../../context.js';
import { invalidKey } from '../errors.js';
import { sendKeepaProducts } from '../reply.js';
import { parseProductRequest, type ProductRequest } from '../product-params.js';
import { responseCacheOf } from '../../../products/response-cache.js';
import { chargeMore, chargeTokens } from '../tokens.js';
import { RecentValues } from '../../recent-values.js';
import { productQuerySchema, keepaResponseSchema, noValidation } from './schemas.js';

/** ASINs of the products stored under these codes: code order, then ASIN order; `code-limit` per code. */
async function resolveCodes(context: ApiContext, request: ProductRequest): Promise<string[]> {
  const byCode = await asinsForCodes(context.store.db, request.domainId, request.codes!);
  const asins = new Set<string>();
  for (const code of request.codes!) {
    const found = byCode.get(code) ?? [];
    for (const asin of request.codeLimit === null ? found : found.slice(0, request.codeLimit)) asins.add(asin);
  }
  return [...asins];
}

/** Products older than `update` hours (or never stored); `update=0` means all of them. */
async function staleProducts(context: ApiContext, domainId: number, asins: readonly string[], hours: number): Promise<string[]> {
  if (hours === 0) return [...asins];
  const threshold = keepaNow(context.clock) - hours * 60;
  const rows = await findProducts(context.store.db, domainId, asins);
  const lastUpdate = new Map(rows.map((row) => [row.asin, row.lastUpdate ?? -Infinity]));
  return asins.filter((asin) => (lastUpdate.get(asin) ?? -Infinity) < threshold);
}

const recentRequests = new RecentValues<ProductRequest>();

async function handleProduct(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.pricekeep;
  const query = request.query as Record<string, unknown>;
  // A bad key is answered as such before any other complaint, like Keepa.
  if (!isWellFormedApiKey(query.key)) throw invalidKey();
  const now = keepaNow(context.clock);
  // The same URL in the same minute parses the same (stats ranges are anchored on the minute).
  const params = recentRequests.get(`${now}|${request.url}`, () => parseProductRequest(query, now));
  const liveUpdate = params.update === 0 && context.refresh !== null;
  const perProduct = perProductCost({ buybox: params.buybox, rating: params.rating, liveUpdate });

  let asins: readonly string[];
  if (params.asins) {
    // Keepa's rule: every requested ASIN costs, found or not; charged at submission.
    await chargeTokens(request, params.asins.length * perProduct);
    asins = params.asins;
  } else {
    // A code lookup costs per product it finds: authenticate (and check the balance) first.
    await chargeTokens(request, 0);
    asins = await resolveCodes(context, params);
    await chargeMore(request, asins.length * perProduct);
  }

  if (context.refresh && params.update !== null && params.update >= 0 && asins.length > 0) {
    const stale = await staleProducts(context, params.domainId, asins, params.update);
    if (stale.length > 0) {
      let failed: readonly string[];
      try {
        ({ failed } = await context.refresh(params.domainId, stale));
      } catch (error) {
        request.log.warn({ err: error, domainId: params.domainId, asins: stale.length }, 'refresh failed; serving stored data');
        failed = stale;
      }
      // A live update that did not happen (captcha, 404, reset…) is not charged.
      if (liveUpdate && failed.length > 0) await chargeMore(request, -COST_LIVE_UPDATE * failed.length);
    }
  }

  const { asins: _asins, codes: _codes, codeLimit: _codeLimit, update: _update, ...shape } = params;
  const answer = await responseCacheOf(context.store).answer(context.store, { ...shape, asins }, keepaNow(context.clock));
  const offerPages = answer.offerCounts.reduce((pages, count) => pages + Math.ceil(count / OFFERS_PER_PAGE), 0);
  await chargeMore(request, offerPages * COST_PER_OFFER_PAGE);
  return sendKeepaProducts(request, reply, answer.products);
}

export async function productRoutes(app: FastifyInstance): Promise<void> {
  app.get('/product', {
    schema: {
      summary: 'Products with their price histories and stats (Keepa product request)',
      description:
        'Keepa-compatible. Costs: 1 token per requested ASIN (per product found for `code`), +2 with buybox, +1 with rating, ' +
        '+1 with update=0 when a scraper is configured, +6 per page of 10 stored offers returned; stats are free. ' +
        'Errors are never charged.',
      querystring: productQuerySchema,
      response: keepaResponseSchema('products'),
    },
    validatorCompiler: noValidation,
    handler: handleProduct,
  });
}
