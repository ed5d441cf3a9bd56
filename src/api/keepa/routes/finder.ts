// /query (Keepa's product finder) over the discovery summary: GET with `selection` (Java,
// Python) or POST with the selection as the body (Keepa's docs).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COST_FINDER_BASE, finderCost } from '../../../keepa/discovery-costs.js';
import { parseFinderSelection } from '../../../keepa/finder-selection.js';
import { isWellFormedApiKey } from '../../../auth/api-key.js';
import { findBySelection } from '../../../store/discovery.js';
import { invalidKey } from '../errors.js';
import { catchUp, discoveryDomain, parsed, selectionOf } from '../discovery-params.js';
import { rejectUnknown, type Query } from '../query.js';
import { sendKeepa } from '../reply.js';
import { chargeMore, chargeTokens } from '../tokens.js';
import { keyParameter, noValidation } from './schemas.js';

const PARAMETERS = new Set(['key', 'domain', 'selection']);

async function handleFinder(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = request.query as Query;
  if (!isWellFormedApiKey(query.key)) throw invalidKey();
  rejectUnknown(query, PARAMETERS);
  const domainId = discoveryDomain(query)!;
  const selection = parsed(() => parseFinderSelection(selectionOf(request)));
  await chargeTokens(request, COST_FINDER_BASE);
  await catchUp(request);
  const result = await findBySelection(request.server.pricekeep.store, domainId, selection);
  await chargeMore(request, finderCost(result.asinList.length) - COST_FINDER_BASE);
  return sendKeepa(request, reply, { asinList: result.asinList, totalResults: result.totalResults });
}

const description =
  'Keepa-compatible product finder over the stored products. `selection`: JSON with `<stat>_<CSV>_gte/_lte` ' +
  '(current, avg1/7/30/90/180/365, delta1/7/30/90, deltaPercent1/7/30/90, deltaLast, lastPriceChange), ' +
  'isLowest_/isLowest90_/backInStock_<CSV>, outOfStockPercentage90[_NEW|_USED|_BB|_BB_USED], salesRankDrops30/90/180/365, ' +
  'monthlySold, lastUpdate, title, brand, manufacturer, productGroup, rootCategory, categories_include/exclude, productType, ' +
  'hasReviews, hasParentASIN, sort, page, perPage. An unknown field is a 400 naming it. ' +
  'Cost: 10 tokens + 1 per 100 ASINs returned (rounded up).';

export async function finderRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    summary: 'Product finder (Keepa /query)',
    description,
    querystring: {
      type: 'object',
      properties: {
        ...keyParameter,
        domain: { type: 'string', description: 'Keepa domain id' },
        selection: { type: 'string', description: 'The selection JSON (GET); POST sends it as the body instead.' },
      },
    },
  };
  app.get('/query', { schema, validatorCompiler: noValidation, handler: handleFinder });
  app.post('/query', { schema, validatorCompiler: noValidation, handler: handleFinder });
}
