// One product's page data, and its tracking (interval, stop).
import type { FastifyInstance } from 'fastify';
import { addTracking, removeTracking } from '../../../store/index.js';
import { alertsOf } from '../alert-rules.js';
import { productDetail } from '../product-detail.js';
import { WebError } from '../web-error.js';
import { integerField, productParams } from './params.js';

export async function productRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock } = app.pricekeep;

  app.get('/app/api/products/:domainId/:asin', async (request) => {
    const { domainId, asin } = productParams(request.params);
    const detail = await productDetail(store, domainId, asin, clock);
    if (!detail) throw new WebError('not_found', `${asin} is neither stored nor tracked on this marketplace`);
    return { ...detail, alerts: await alertsOf(store, domainId, asin) };
  });

  app.put('/app/api/products/:domainId/:asin/tracking', async (request) => {
    const { domainId, asin } = productParams(request.params);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const intervalMinutes = integerField('intervalMinutes', String(body.intervalMinutes ?? ''), 1, 7 * 24 * 60);
    const [row] = await addTracking(store, domainId, [asin], intervalMinutes, new Date(app.pricekeep.clock()));
    return { intervalMinutes: row!.intervalMinutes, active: row!.active };
  });

  app.delete('/app/api/products/:domainId/:asin/tracking', async (request) => {
    const { domainId, asin } = productParams(request.params);
    const removed = await removeTracking(store, domainId, [asin]);
    return { removed: removed.length > 0 };
  });
}
