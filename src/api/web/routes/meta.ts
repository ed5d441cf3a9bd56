// GET /app/api/meta: what every page needs first (marketplaces with their money formats,
// "now", the sign-in state).
import type { FastifyInstance } from 'fastify';
import { DOMAINS } from '../../../keepa/domains.js';
import { keepaNow } from '../../../keepa/time.js';

export async function metaRoutes(app: FastifyInstance): Promise<void> {
  app.get('/app/api/meta', async (request) => ({
    marketplaces: DOMAINS.map((d) => ({
      domainId: d.id,
      tld: d.tld,
      host: d.host,
      currency: d.currency,
      minorDigits: d.minorDigits,
      decimalSeparator: d.decimalSeparator,
      groupSeparator: d.groupSeparator,
    })),
    now: keepaNow(app.pricekeep.clock),
    auth: { required: request.webAuth!.required, loggedIn: request.webAuth!.loggedIn },
  }));
}
