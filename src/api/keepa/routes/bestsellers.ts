// /bestsellers from the stored sales ranks: a category id (ranks per category, the
// products' salesRanks) or a product group name (the products' SALES rank).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COST_BESTSELLERS } from '../../../keepa/discovery-costs.js';
import { isWellFormedApiKey } from '../../../auth/api-key.js';
import { bestSellers } from '../../../store/discovery.js';
import { ApiError, invalidKey } from '../errors.js';
import { catchUp, discoveryDomain } from '../discovery-params.js';
import { flag, integer, rejectUnknown, required, type Query } from '../query.js';
import { sendKeepa } from '../reply.js';
import { chargeMore, chargeTokens } from '../tokens.js';
import { keyParameter, noValidation } from './schemas.js';

const PARAMETERS = new Set(['key', 'domain', 'category', 'range', 'variations', 'sublist', 'month', 'year']);
/** Keepa's largest list (root categories). */
const MAX_LIST = 500_000;

async function handleBestSellers(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = request.query as Query;
  if (!isWellFormedApiKey(query.key)) throw invalidKey();
  rejectUnknown(query, PARAMETERS);
  const domainId = discoveryDomain(query)!;
  const raw = required(query, 'category');
  const category = /^\d{1,18}$/.test(raw) ? Number(raw) : raw;
  const range = integer(query, 'range', 0, 180) ?? 0;
  if (![0, 30, 90, 180].includes(range)) throw new ApiError('out_of_range', `Parameter "range" must be 0, 30, 90 or 180, got ${range}.`);
  if (query.month !== undefined || query.year !== undefined) {
    throw new ApiError('invalid_parameter', 'Historical best seller lists (month, year) are not available.', 'pricekeep keeps no monthly snapshots of category lists.');
  }
  const sublist = flag(query, 'sublist');
  // Python always sends range=0 and sublist=0: those mean "not set", so no conflict.
  if (sublist && range !== 0) throw new ApiError('invalid_parameter', 'Use either "range" or "sublist", not both.');
  await chargeTokens(request, 0);
  await catchUp(request);
  const list = await bestSellers(request.server.pricekeep.store, {
    domainId, category, range: range as 0 | 30 | 90 | 180, variations: flag(query, 'variations'), sublist, limit: MAX_LIST,
  });
  // No list: no bestSellersList and nothing charged.
  if (!list) return sendKeepa(request, reply, {});
  await chargeMore(request, COST_BESTSELLERS);
  return sendKeepa(request, reply, { bestSellersList: list });
}

export async function bestSellersRoutes(app: FastifyInstance): Promise<void> {
  app.get('/bestsellers', {
    schema: {
      summary: 'Best sellers of a category (Keepa /bestsellers)',
      description:
        'From the stored sales ranks: `category` = a category id (products ranked in it, ordered by their primary sales rank, ' +
        'or with sublist=1 by their rank in the category) or a product group name. `range` 0 current, 30/90/180 average rank over ' +
        'that many days; `variations=0` one product per parent ASIN. Cost: 50 tokens; 0 when no list exists (no bestSellersList).',
      querystring: {
        type: 'object',
        properties: {
          ...keyParameter,
          domain: { type: 'string' }, category: { type: 'string' }, range: { type: 'string' },
          variations: { type: 'string' }, sublist: { type: 'string' },
        },
      },
    },
    validatorCompiler: noValidation,
    handler: handleBestSellers,
  });
}
