// /deal over the discovery summary: the Java client POSTs a DealRequest body; the Python
// client sends it as `selection` with the domain as a parameter.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COST_DEAL } from '../../../keepa/discovery-costs.js';
import { parseDealRequest } from '../../../keepa/deal-request.js';
import { isWellFormedApiKey } from '../../../auth/api-key.js';
import { findDeals } from '../../../store/discovery.js';
import { invalidKey } from '../errors.js';
import { catchUp, discoveryDomain, parsed, selectionOf } from '../discovery-params.js';
import { rejectUnknown, type Query } from '../query.js';
import { sendKeepa } from '../reply.js';
import { chargeTokens } from '../tokens.js';
import { keyParameter, noValidation } from './schemas.js';

const PARAMETERS = new Set(['key', 'domain', 'selection']);

async function handleDeal(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = request.query as Query;
  if (!isWellFormedApiKey(query.key)) throw invalidKey();
  rejectUnknown(query, PARAMETERS);
  const domain = discoveryDomain(query, true);
  const deal = parsed(() => parseDealRequest(selectionOf(request), domain));
  await chargeTokens(request, COST_DEAL);
  await catchUp(request);
  const deals = await findDeals(request.server.pricekeep.store, deal);
  return sendKeepa(request, reply, { deals });
}

export async function dealRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    summary: 'Deals (Keepa /deal)',
    description:
      'Keepa-compatible deals over the stored products: products whose value of `priceTypes` dropped (or rose, isRisers) ' +
      'over `dateRange` (0 day, 1 week, 2 month = 30 days, 3 90 days), filtered by the DealRequest ranges and filters, ' +
      '150 per page, answered as `deals.dr[]` Deal objects. POST the DealRequest as the body (Java) or send it as `selection` (Python). ' +
      'Cost: 5 tokens per request.',
    querystring: {
      type: 'object',
      properties: {
        ...keyParameter,
        domain: { type: 'string', description: 'Keepa domain id, when the request has no domainId' },
        selection: { type: 'string', description: 'The DealRequest JSON (GET).' },
      },
    },
  };
  app.get('/deal', { schema, validatorCompiler: noValidation, handler: handleDeal });
  app.post('/deal', { schema, validatorCompiler: noValidation, handler: handleDeal });
}
