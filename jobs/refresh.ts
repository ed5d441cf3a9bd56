// On-demand refresh for `GET /product?update=N`: scrape the stale products now and record
// what the pages show, change-only, like a scheduled scrape (tracked or not). A product
// whose scrape fails keeps its stored data; the failure is logged, nothing is written, and
// it is reported back so that a live update that did not happen is not charged.
import type { Logger } from 'pino';
import { tldForDomainId } from '../src/keepa/domains.js';
import { mapObservation } from '../src/keepa/observation-mapping.js';
import { keepaNow } from '../src/keepa/time.js';
import { recordObservations, type Store } from '../src/store/index.js';
import type { RefreshOutcome } from '../src/api/context.js';
import { inLanes } from './lanes.js';
import type { ScrapeProduct } from './scrape-tracked.js';

export function createRefresh(
  store: Store,
  scrape: ScrapeProduct,
  options: { concurrency?: number; logger?: Logger; clock?: () => number } = {},
): (domainId: number, asins: readonly string[]) => Promise<RefreshOutcome> {
  return async (domainId, asins) => {
    const tld = tldForDomainId(domainId);
    if (!tld) return { failed: [...asins] };
    const failed: string[] = [];
    await inLanes(asins, options.concurrency ?? 4, async (asin) => {
      try {
        const outcome = await scrape(asin, tld);
        if (!outcome.ok) {
          options.logger?.warn({ asin, domainId, code: outcome.error.code }, 'refresh scrape failed; serving stored data');
          failed.push(asin);
          return;
        }
        await recordObservations(store, [mapObservation(outcome.product, domainId, keepaNow(options.clock))]);
      } catch (error) {
        options.logger?.warn({ asin, domainId, err: error }, 'refresh failed; serving stored data');
        failed.push(asin);
      }
    });
    return { failed };
  };
}
