// /category: category objects from the category trees stored with products.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COST_CATEGORY } from '../../../keepa/discovery-costs.js';
import { isWellFormedApiKey } from '../../../auth/api-key.js';
import { categoryParents, lookupCategories, type CategoryObject } from '../../../store/discovery.js';
import { ApiError, invalidKey } from '../errors.js';
import { catchUp, discoveryDomain } from '../discovery-params.js';
import { flag, list, rejectUnknown, required, type Query } from '../query.js';
import { sendKeepa } from '../reply.js';
import { chargeTokens } from '../tokens.js';
import { keyParameter, noValidation } from './schemas.js';

const PARAMETERS = new Set(['key', 'domain', 'category', 'parents']);

/** Keepa's `categories` map: keyed by the id as a decimal string. */
export function categoryMap(categories: readonly CategoryObject[]): Record<string, CategoryObject> {
  return Object.fromEntries(categories.map((c) => [String(c.catId), c]));
}

async function handleCategory(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = request.query as Query;
  if (!isWellFormedApiKey(query.key)) throw invalidKey();
  rejectUnknown(query, PARAMETERS);
  const domainId = discoveryDomain(query)!;
  const ids = list(required(query, 'category')).map((id) => {
    if (!/^\d{1,18}$/.test(id)) throw new ApiError('invalid_parameter', `Invalid category id "${id}".`);
    return Number(id);
  });
  if (ids.length > 10) throw new ApiError('out_of_range', `At most 10 category ids per request, got ${ids.length}.`);
  const parents = flag(query, 'parents');
  await chargeTokens(request, COST_CATEGORY);
  await catchUp(request);
  const { store } = request.server.pricekeep;
  const categories = await lookupCategories(store, domainId, ids);
  const body: Record<string, unknown> = { categories: categoryMap(categories) };
  if (parents) body.categoryParents = categoryMap(await categoryParents(store, domainId, categories.map((c) => c.catId)));
  return sendKeepa(request, reply, body);
}

export async function categoryRoutes(app: FastifyInstance): Promise<void> {
  app.get('/category', {
    schema: {
      summary: 'Category lookup (Keepa /category)',
      description:
        'Categories as the stored products\' category trees name them: `category` = up to 10 comma-separated ids, or 0 for every ' +
        'root category; `parents=1` adds categoryParents (every node up to the root). productCount, highestRank and lowestRank ' +
        'count the stored products. Cost: 1 token per request.',
      querystring: { type: 'object', properties: { ...keyParameter, domain: { type: 'string' }, category: { type: 'string' }, parents: { type: 'string' } } },
    },
    validatorCompiler: noValidation,
    handler: handleCategory,
  });
}
