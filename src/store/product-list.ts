// The dashboard's product list: every stored or tracked product with its current price,
// the price 30 days ago, its last change and its last scrape, searched, filtered, sorted
// and paged in SQL (one index probe per product for the 30-day value).
import { sql } from 'kysely';
import type { Store } from './database.js';
import { mergeByMinute, readArchivedSeries, windowPoints } from './point-archive.js';

/** The series a row's "current price" comes from, in order of preference: New, Amazon, Buy Box. */
export const LIST_PRICE_SERIES = ['csv:1', 'csv:0', 'csv:18'] as const;

export type ListSort = 'price' | 'change30' | 'lastChange' | 'title';

export interface ListQuery {
  /** Title words or an ASIN. */
  readonly search?: string;
  readonly domainId?: number;
  readonly tracked?: boolean;
  /** Only these (domainId:asin keys), e.g. the products with alerts. */
  readonly only?: readonly string[];
  readonly sort: ListSort;
  readonly descending: boolean;
  readonly limit: number;
  readonly offset: number;
  /** Keepa minute of "now" (the 30-day change is measured back from it). */
  readonly now: number;
}

export interface ListRow {
  readonly domainId: number;
  readonly asin: string;
  readonly title: string | null;
  readonly productId: number | null;
  /** Series id and name of the current price (null: nothing in stock). */
  readonly priceSeriesId: number | null;
  readonly priceSeries: string | null;
  readonly currentPrice: number | null;
  readonly price30DaysAgo: number | null;
  readonly lastPriceChange: number | null;
  readonly lastUpdate: number | null;
  readonly tracked: boolean;
  readonly intervalMinutes: number | null;
  readonly lastScrapeAt: Date | null;
  readonly lastSuccessAt: Date | null;
  readonly lastErrorCode: string | null;
}

const ORDER: Record<ListSort, string> = {
  price: 'current_price',
  change30: '(current_price - price_30d_ago)',
  lastChange: 'last_price_change',
  title: 'lower(title)',
};

export async function listProducts(store: Store, query: ListQuery): Promise<{ total: number; rows: ListRow[] }> {
  const search = query.search?.trim() || null;
  const asin = search && /^[0-9A-Za-z]{10}$/.test(search) ? search.toUpperCase() : null;
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const order = sql.raw(`${ORDER[query.sort]} ${query.descending ? 'DESC' : 'ASC'} NULLS LAST, domain_id, asin`);
  const { rows } = await sql<Record<string, any>>`
    WITH base AS (
      SELECT coalesce(p.domain_id, tp.domain_id)::int AS domain_id, coalesce(p.asin, tp.asin) AS asin,
             p.id AS product_id, p.title, p.last_price_change, p.last_update,
             tp.id AS tracked_id, tp.active, tp.interval_minutes, tp.last_scrape_at, tp.last_success_at, tp.last_error_code
      FROM products p FULL JOIN tracked_products tp ON tp.domain_id = p.domain_id AND tp.asin = p.asin
    ), filtered AS (
      SELECT * FROM base
      WHERE (${query.domainId ?? null}::int IS NULL OR domain_id = ${query.domainId ?? null}::int)
        AND (${query.tracked ?? null}::boolean IS NULL OR (tracked_id IS NOT NULL AND active) = ${query.tracked ?? null}::boolean)
        AND (${search}::text IS NULL OR asin = ${asin}::text OR title ILIKE ${pattern}::text)
        AND (${query.only ? [...query.only] : null}::text[] IS NULL OR (domain_id || ':' || asin) = ANY(${query.only ? [...query.only] : null}::text[]))
    ), priced AS (
      SELECT f.*, cur.id AS price_series_id, cur.name AS price_series, cur.last_value AS current_price, ago.value AS price_30d_ago
      FROM filtered f
      LEFT JOIN LATERAL (
        SELECT s.id, s.name, s.last_value, s.cold_t, s.cold_value FROM series s
        WHERE s.product_id = f.product_id AND s.name = ANY(${[...LIST_PRICE_SERIES]}::text[]) AND s.last_value >= 0
        ORDER BY array_position(${[...LIST_PRICE_SERIES]}::text[], s.name) LIMIT 1
      ) cur ON true
      LEFT JOIN LATERAL (
        SELECT x.value FROM (
          (SELECT t, value FROM points WHERE series_id = cur.id AND t <= ${query.now - 30 * 1440}::int
           ORDER BY t DESC LIMIT 1)
          UNION ALL
          -- the last archived point (point-archive.ts keeps a series' last 90 days in rows)
          SELECT cur.cold_t, cur.cold_value WHERE cur.cold_t <= ${query.now - 30 * 1440}::int
        ) x ORDER BY x.t DESC LIMIT 1
      ) ago ON true
    )
    SELECT *, count(*) OVER () AS total FROM priced
    ORDER BY ${order}
    LIMIT ${query.limit} OFFSET ${query.offset}`.execute(store.db);
  return {
    total: rows.length > 0 ? Number(rows[0]!.total) : 0,
    rows: rows.map((r) => ({
      domainId: r.domain_id,
      asin: r.asin,
      title: r.title,
      productId: r.product_id,
      priceSeriesId: r.price_series_id,
      priceSeries: r.price_series,
      currentPrice: r.current_price,
      // A value of -1 30 days ago (out of stock then) gives no change.
      price30DaysAgo: r.price_30d_ago !== null && r.price_30d_ago >= 0 ? r.price_30d_ago : null,
      lastPriceChange: r.last_price_change,
      lastUpdate: r.last_update,
      tracked: r.tracked_id !== null && r.active === true,
      intervalMinutes: r.interval_minutes,
      lastScrapeAt: r.last_scrape_at,
      lastSuccessAt: r.last_success_at,
      lastErrorCode: r.last_error_code,
    })),
  };
}

/** Points of these series from `from` on (the value in force at `from` carried in), for sparklines. */
export async function seriesWindows(store: Store, seriesIds: readonly number[], from: number): Promise<Map<number, { t: number[]; v: number[] }>> {
  const result = new Map<number, { t: number[]; v: number[] }>();
  if (seriesIds.length === 0) return result;
  const { rows } = await store.pool.query<[number, number, number | null, number | null, Array<number | null> | null, number[] | null]>({
    rowMode: 'array',
    text: `
      SELECT s.id, s.product_id, s.cold_t, s.cold_value, array_to_json(array_agg(x.t ORDER BY x.t)), array_to_json(array_agg(x.value ORDER BY x.t))
      FROM series s
      LEFT JOIN LATERAL (
        (SELECT t, value FROM points WHERE series_id = s.id AND t < $2 ORDER BY t DESC LIMIT 1)
        UNION ALL
        (SELECT t, value FROM points WHERE series_id = s.id AND t >= $2)
      ) x ON true
      WHERE s.id = ANY($1::int[])
      GROUP BY s.id`,
    values: [[...seriesIds], from],
  });
  // Archived points: a series whose last archived point is before `from` needs only that
  // point (what was in force at `from`, unless a row is later); only a blob that reaches
  // into the window (an import under a clock set back) is opened.
  const open = rows.filter(([, , coldT]) => coldT !== null && coldT >= from).map(([, productId]) => productId);
  const archived = await readArchivedSeries(store.pool, [...new Set(open)]);
  for (const [id, , coldT, coldValue, ts, vs] of rows) {
    // no row at all: the lateral join gave one NULL
    const hot = (ts ?? []).flatMap((t, i) => (t === null ? [] : [{ t, value: vs![i]!, second: null }]));
    const cold = coldT === null ? [] : coldT < from ? [{ t: coldT, value: coldValue!, second: null }] : archived.get(id) ?? [];
    const points = windowPoints(mergeByMinute(cold, hot), from, Number.MAX_SAFE_INTEGER);
    if (points.length > 0) result.set(id, { t: points.map((p) => p.t), v: points.map((p) => p.value) });
  }
  return result;
}
