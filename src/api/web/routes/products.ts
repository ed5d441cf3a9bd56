// The product list, adding a product (ASIN or pasted URL), and "scrape now".
import type { FastifyInstance } from 'fastify';
import { domainForId, domainIdForTld } from '../../../keepa/domains.js';
import { keepaNow } from '../../../keepa/time.js';
import { addTracking } from '../../../store/index.js';
import { listProducts, seriesWindows, type ListSort } from '../../../store/product-list.js';
import { makeDueNow } from '../../../store/scrape-soon.js';
import { ProductInputError, parseProductInput } from '../../../products/product-input.js';
import { alertCounts } from '../alert-rules.js';
import { WebError } from '../web-error.js';
import { domainParam, integerField, productParams } from './params.js';

const SORTS = new Set<ListSort>(['price', 'change30', 'lastChange', 'title']);
const MAX_INTERVAL = 7 * 24 * 60;

export async function productsRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock } = app.pricekeep;

  app.get('/app/api/products', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const sort = (q.sort ?? 'lastChange') as ListSort;
    if (!SORTS.has(sort)) throw new WebError('bad_request', `sort must be one of ${[...SORTS].join(', ')}`);
    const now = keepaNow(clock);
    const alerts = await alertCounts(store);
    const only = q.alerted === '1' ? [...alerts.keys()] : undefined;
    const list = await listProducts(store, {
      search: q.search,
      domainId: q.domain ? domainParam(q.domain) : undefined,
      tracked: q.tracked === '1' ? true : q.tracked === '0' ? false : undefined,
      only,
      sort,
      descending: q.dir !== 'asc',
      limit: integerField('limit', q.limit ?? '50', 1, 500),
      offset: integerField('offset', q.offset ?? '0', 0, 10_000_000),
      now,
    });
    const ids = list.rows.flatMap((r) => (r.priceSeriesId === null ? [] : [r.priceSeriesId]));
    const sparks = await seriesWindows(store, ids, now - 90 * 1440);
    return {
      now,
      total: list.total,
      rows: list.rows.map((r) => ({
        domainId: r.domainId,
        asin: r.asin,
        title: r.title,
        productId: r.productId,
        currentPrice: r.currentPrice,
        priceSeries: r.priceSeries,
        price30DaysAgo: r.price30DaysAgo,
        lastPriceChange: r.lastPriceChange,
        tracked: r.tracked,
        intervalMinutes: r.intervalMinutes,
        alerts: alerts.get(`${r.domainId}:${r.asin}`) ?? 0,
        lastScrape: r.lastScrapeAt
          ? { at: r.lastScrapeAt, ok: r.lastErrorCode === null, errorCode: r.lastErrorCode }
          : null,
        spark: r.priceSeriesId === null ? null : (sparks.get(r.priceSeriesId) ?? null),
      })),
    };
  });

  app.post('/app/api/products', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.input !== 'string') throw new WebError('bad_request', 'input (an ASIN or an Amazon URL) is required');
    let parsed;
    try {
      parsed = parseProductInput(body.input);
    } catch (error) {
      if (error instanceof ProductInputError) throw new WebError('bad_request', error.message);
      throw error;
    }
    const domainId = parsed.tld ? domainIdForTld(parsed.tld) : domainParam(String(body.domainId ?? ''));
    const intervalMinutes = integerField('intervalMinutes', String(body.intervalMinutes ?? 60), 1, MAX_INTERVAL);
    await addTracking(store, domainId, [parsed.asin], intervalMinutes, new Date(clock()));
    return { domainId, tld: domainForId(domainId)!.tld, asin: parsed.asin, intervalMinutes };
  });

  app.post('/app/api/products/:domainId/:asin/scrape', async (request) => {
    const { domainId, asin } = productParams(request.params);
    if (!(await makeDueNow(store, domainId, asin, new Date(clock())))) throw new WebError('not_found', `${asin} is not tracked on this marketplace`);
    return { queued: true, message: 'due now: the scheduler scrapes it at its next tick' };
  });
}
