// Reads stored products back as StoredProductParts (metadata + named series), for one or
// many ASINs at once: one query for products, one for numeric points with one for their
// archived part (point-archive.ts), and one for text points.
import type { NumericPoint, NumericSeriesName, TextPoint, TextSeriesName } from '../keepa/history-series.js';
import { isTextSeries } from '../keepa/history-series.js';
import type { StoredProductParts } from '../keepa/product-object.js';
import type { Store } from './database.js';
import { mergeByMinute, readArchivedSeries, windowPoints } from './point-archive.js';
import { findProducts, type ProductRow } from './products.js';

export interface StoredProduct extends StoredProductParts {
  readonly row: ProductRow;
}

export interface ReadWindow {
  /**
   * Keep only points at or after this Keepa minute; the value in force at `from` is kept
   * as a point at `from`, so the history still says what held at the window's start.
   */
  readonly from?: number;
  /** Keep only points at or before this Keepa minute (`--as-of`). */
  readonly to?: number;
  /** false: product rows only, no points (answers without history or stats). */
  readonly series?: boolean;
}

/** A product row as StoredProduct, with no series yet. */
export function storedProductOf(row: ProductRow): StoredProduct {
  return {
    row,
    domainId: row.domainId,
    asin: row.asin,
    // The row's columns are authoritative for what observations move (lastUpdate…).
    meta: {
      ...row.meta,
      ...(row.title !== null && { title: row.title }),
      ...(row.trackingSince !== null && { trackingSince: row.trackingSince }),
      ...(row.lastUpdate !== null && { lastUpdate: row.lastUpdate }),
      ...(row.lastPriceChange !== null && { lastPriceChange: row.lastPriceChange }),
    },
    numeric: new Map(),
    text: new Map(),
  };
}

type NumericRow = [seriesId: number, productId: number, name: string, ts: number[] | null, values: number[] | null, seconds: Array<number | null> | null];
type TextRow = [productId: number, name: string, t: number, vals: string[]];

export async function readProducts(
  store: Store,
  domainId: number,
  asins: readonly string[],
  window: ReadWindow = {},
): Promise<Map<string, StoredProduct>> {
  const rows = await findProducts(store.db, domainId, asins);
  const result = new Map<string, StoredProduct>();
  if (rows.length === 0) return result;
  const byId = new Map<number, StoredProduct>();
  for (const row of rows) {
    const product = storedProductOf(row);
    byId.set(row.id, product);
    result.set(row.asin, product);
  }
  if (window.series === false) return result;
  const ids = rows.map((r) => r.id);
  const from = window.from ?? -2147483648;
  const to = window.to ?? 2147483647;

  const windowed = window.from !== undefined || window.to !== undefined;
  // One row per series with its points as three JSON arrays: moving 15k points as 15k
  // rows cost 4× more than the query itself on the embedded engine (every row is a
  // protocol message that PGlite and pg each parse); JSON.parse reads the arrays faster
  // than pg's parser of PostgreSQL array literals.
  // Whole histories: one ordered index scan per series. A window: the last point before
  // `from` comes first per series (windowPoints re-times it to `from`).
  // Every series row comes back, with null arrays when all its points are archived.
  const points = windowed
    ? `(SELECT t, value, second FROM points WHERE series_id = s.id AND t < $2 ORDER BY t DESC LIMIT 1)
       UNION ALL
       (SELECT t, value, second FROM points WHERE series_id = s.id AND t >= $2 AND t <= $3)`
    : `SELECT t, value, second FROM points WHERE series_id = s.id`;
  const [numeric, archived] = await Promise.all([
    store.pool.query<NumericRow>({
      rowMode: 'array',
      text: `
        SELECT s.id, s.product_id, s.name, p.ts, p.vals, p.seconds
        FROM series s
        CROSS JOIN LATERAL (
          SELECT array_to_json(array_agg(x.t ORDER BY x.t)) AS ts,
                 array_to_json(array_agg(x.value ORDER BY x.t)) AS vals,
                 array_to_json(array_agg(x.second ORDER BY x.t)) AS seconds
          FROM (${points}) x
        ) p
        WHERE s.product_id = ANY($1::int[]) AND s.last_text IS NULL`,
      values: windowed ? [ids, from, to] : [ids],
    }),
    readArchivedSeries(store.pool, ids),
  ]);
  for (const [seriesId, productId, name, ts, vals, seconds] of numeric.rows) {
    if (isTextSeries(name)) continue;
    const hot: NumericPoint[] = [];
    if (ts) for (let i = 0; i < ts.length; i++) hot.push({ t: ts[i]!, value: vals![i]!, second: seconds![i] ?? null });
    const cold = archived.get(seriesId);
    let merged = cold ? mergeByMinute(cold, hot) : hot;
    if (windowed) merged = windowPoints(merged, from, to);
    if (merged.length > 0) byId.get(productId)!.numeric.set(name as NumericSeriesName, merged);
  }

  const text = await store.pool.query<TextRow>({
    rowMode: 'array',
    text: `
      SELECT s.product_id, s.name, greatest(p.t, $2) AS t, p.vals
      FROM series s
      JOIN LATERAL (
        (SELECT t, vals FROM text_points WHERE series_id = s.id AND t < $2 ORDER BY t DESC LIMIT 1)
        UNION ALL
        (SELECT t, vals FROM text_points WHERE series_id = s.id AND t >= $2 AND t <= $3 ORDER BY t)
      ) p ON true
      WHERE s.product_id = ANY($1::int[])`,
    values: [ids, from, to],
  });
  for (const [productId, name, t, vals] of text.rows) {
    if (!isTextSeries(name)) continue;
    const series = byId.get(productId)!.text;
    let points = series.get(name as TextSeriesName);
    if (!points) series.set(name as TextSeriesName, (points = []));
    const previous = points[points.length - 1];
    if (previous && previous.t === t) points.pop();
    points.push({ t, values: vals } satisfies TextPoint);
  }
  return result;
}
