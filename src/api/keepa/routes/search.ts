// /search: type=category over the stored category names, type=product over the stored
// titles (PostgreSQL full text in the marketplace's language).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COST_CATEGORY_SEARCH, productSearchCost } from '../../../keepa/discovery-costs.js';
import { parseStatsParam, StatsParamError } from '../../../keepa/stats-interval.js';
import { keepaNow } from '../../../keepa/time.js';
import { isWellFormedApiKey } from '../../../auth/api-key.js';
import { loadKeepaProducts } from '../../../products/product-response.js';
import { categoryParents, searchCategories, searchProductTitles } from '../../../store/discovery.js';
import { ApiError, invalidKey } from '../errors.js';
import { catchUp, discoveryDomain } from '../discovery-params.js';
import { flag, integer, rejectUnknown, required, single, type Query } from '../query.js';
import { sendKeepa } from '../reply.js';
import { chargeMore, chargeTokens } from '../tokens.js';
import { categoryMap } from './category.js';
import { keyParameter, noValidation } from './schemas.js';

const PARAMETERS = new Set(['key', 'domain', 'type', 'term', 'parents', 'stats', 'page', 'update', 'history', 'asins-only', 'rating']);
/** Results per page, and without `page` the first 40 (Keepa). */
const PAGE_SIZE = 10;
const DEFAULT_RESULTS = 40;

async function searchCategoriesRoute(request: FastifyRequest, reply: FastifyReply, domainId: number, term: string): Promise<FastifyReply> {
  const query = request.query as Query;
  const keywords = term.split(/\s+/).filter(Boolean);
  const short = keywords.find((k) => k.length < 3);
  if (short !== undefined) throw new ApiError('invalid_parameter', `Every keyword of "term" needs at least 3 characters, got "${short}".`);
  await chargeTokens(request, COST_CATEGORY_SEARCH);
  await catchUp(request);
  const { store } = request.server.pricekeep;
  const categories = await searchCategories(store, domainId, keywords);
  const body: Record<string, unknown> = { categories: categoryMap(categories) };
  if (flag(query, 'parents')) body.categoryParents = categoryMap(await categoryParents(store, domainId, categories.map((c) => c.catId)));
  return sendKeepa(request, reply, body);
}

async function searchProductsRoute(request: FastifyRequest, reply: FastifyReply, domainId: number, term: string): Promise<FastifyReply> {
  const query = request.query as Query;
  const { store, clock } = request.server.pricekeep;
  const now = keepaNow(clock);
  const page = integer(query, 'page', 0, 9);
  const asinsOnly = flag(query, 'asins-only');
  const history = flag(query, 'history', true);
  const rating = flag(query, 'rating');
  // `update` asks Keepa to refresh products; pricekeep answers from what it stored.
  integer(query, 'update', -1, 1_000_000);
  const statsRaw = single(query, 'stats');
  let stats = null;
  if (statsRaw !== undefined && statsRaw !== '' && statsRaw !== '0') {
    const interval = parseStatsParam(statsRaw, now);
    if (interval instanceof StatsParamError) throw new ApiError('invalid_parameter', `Invalid "stats": ${interval.message}.`);
    stats = interval;
  }
  await chargeTokens(request, 0);
  await catchUp(request);
  const offset = page === undefined ? 0 : page * PAGE_SIZE;
  const asins = await searchProductTitles(store, domainId, term, offset, page === undefined ? DEFAULT_RESULTS : PAGE_SIZE);
  await chargeMore(request, productSearchCost(asins.length));
  if (asinsOnly) return sendKeepa(request, reply, { asinList: asins });
  const answer = await loadKeepaProducts(store, {
    domainId, asins, stats, days: null, history, buybox: false, rating, offers: null, onlyLiveOffers: false,
    rental: false, stock: false, videos: false, aplus: false, historicalVariations: false,
  }, { now });
  return sendKeepa(request, reply, { products: answer.products });
}

async function handleSearch(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = request.query as Query;
  if (!isWellFormedApiKey(query.key)) throw invalidKey();
  rejectUnknown(query, PARAMETERS);
  const domainId = discoveryDomain(query)!;
  const type = required(query, 'type');
  const term = required(query, 'term');
  if (type === 'category') return searchCategoriesRoute(request, reply, domainId, term);
  if (type === 'product') return searchProductsRoute(request, reply, domainId, term);
  throw new ApiError('invalid_parameter', `Parameter "type" must be "category" or "product", got "${type}".`);
}

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.get('/search', {
    schema: {
      summary: 'Category and product search (Keepa /search)',
      description:
        'type=category: categories whose stored name holds every keyword of `term` (each ≥ 3 characters), up to 50; `parents=1` ' +
        'adds categoryParents. Cost 1. type=product: stored products whose title matches `term` (PostgreSQL full text in the ' +
        'marketplace\'s language), best match first; `page` 0–9 (10 per page; without it the first 40), `asins-only=1` answers ' +
        'asinList, otherwise products (with `stats` days or START,END, `history`, `rating`). Cost: 10 per page of up to 10 results returned.',
      querystring: {
        type: 'object',
        properties: {
          ...keyParameter, domain: { type: 'string' }, type: { type: 'string', enum: ['category', 'product'] }, term: { type: 'string' },
          parents: { type: 'string' }, stats: { type: 'string' }, page: { type: 'string' }, 'asins-only': { type: 'string' },
          history: { type: 'string' }, update: { type: 'string' }, rating: { type: 'string' },
        },
      },
    },
    validatorCompiler: noValidation,
    handler: handleSearch,
  });
}
