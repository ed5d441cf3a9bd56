// `pricekeep export --stats N --as-of ISO`: the product objects /product would have
// answered at a past moment (points after it left out, stats computed then), with every
// field shown. Same code path as GET /product: loadKeepaProducts.
import { parseStatsParam, StatsParamError } from '../keepa/stats.js';
import { parseInstant } from '../keepa/instant.js';
import { keepaNow, toKeepaMinute, type KeepaMinute } from '../keepa/time.js';
import type { KeepaProduct } from '../keepa/product-object.js';
import type { Store } from '../store/index.js';
import { loadKeepaProducts, type ProductQuery } from './product-response.js';
import { FULL_VIEW } from './product-view.js';

/** A bad --stats / --as-of / --days value (the CLI exits 2 with its message). */
export class ExportOptionError extends Error {
  override readonly name = 'ExportOptionError';
}

export interface ExportOptions {
  readonly domainId: number;
  readonly asins: readonly string[];
  readonly days?: string;
  /** Days, or START,END (dates or epoch ms), as the /product parameter. */
  readonly stats?: string;
  /** ISO 8601 date or date-time; absent = now. */
  readonly asOf?: string;
}

export interface ExportPlan {
  readonly query: ProductQuery;
  readonly now: KeepaMinute;
  readonly asOf: boolean;
}

/** Validates the options before any database work. */
export function planExport(options: ExportOptions, clock: () => number = Date.now): ExportPlan {
  let now = keepaNow(clock);
  if (options.asOf !== undefined) {
    const ms = parseInstant(options.asOf);
    if (ms === null) {
      throw new ExportOptionError(`--as-of must be an ISO date (UTC) or a date-time with Z or an offset, got "${options.asOf}"`);
    }
    now = toKeepaMinute(ms);
  }
  let stats = null;
  if (options.stats !== undefined) {
    const interval = parseStatsParam(options.stats, now);
    if (interval instanceof StatsParamError) throw new ExportOptionError(`--stats: ${interval.message}`);
    stats = interval;
  }
  let days: number | null = null;
  if (options.days !== undefined) {
    days = Number(options.days);
    if (!Number.isInteger(days) || days <= 0) throw new ExportOptionError('--days must be a positive integer');
  }
  return {
    query: { ...FULL_VIEW, domainId: options.domainId, asins: options.asins, stats, days },
    now,
    asOf: options.asOf !== undefined,
  };
}

export async function exportProducts(store: Store, plan: ExportPlan): Promise<KeepaProduct[]> {
  const answer = await loadKeepaProducts(store, plan.query, { now: plan.now, asOf: plan.asOf });
  return answer.products;
}
