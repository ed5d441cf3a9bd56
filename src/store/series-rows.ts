// Series registry rows: one per (product, history name), holding the cached last point.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './db-types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SeriesRow {
  readonly id: number;
  readonly productId: number;
  readonly name: string;
  lastT: number | null;
  lastValue: number | null;
  lastSecond: number | null;
  lastText: string[] | null;
}

export function seriesKey(productId: number, name: string): string {
  return `${productId}|${name}`;
}

/** Creates missing series rows and returns all requested ones keyed by `seriesKey`. */
export async function ensureSeries(
  db: Db,
  wanted: ReadonlyArray<{ productId: number; name: string }>,
): Promise<Map<string, SeriesRow>> {
  const byKey = new Map<string, SeriesRow>();
  if (wanted.length === 0) return byKey;
  const productIds = wanted.map((w) => w.productId);
  const names = wanted.map((w) => w.name);
  const select = () =>
    sql<{
      id: number;
      product_id: number;
      name: string;
      last_t: number | null;
      last_value: number | null;
      last_second: number | null;
      last_text: string[] | null;
    }>`
      SELECT s.id, s.product_id, s.name, s.last_t, s.last_value, s.last_second, s.last_text
      FROM series s WHERE s.product_id = ANY(${[...new Set(productIds)]}::int[])`.execute(db);
  // Most calls find every series already there: read the products' series first (one
  // index range each), create only what is missing.
  let { rows } = await select();
  const present = new Set(rows.map((r) => seriesKey(r.product_id, r.name)));
  if (wanted.some((w) => !present.has(seriesKey(w.productId, w.name)))) {
    await createMissingSeries(db, wanted);
    ({ rows } = await select());
  }
  for (const r of rows) {
    byKey.set(seriesKey(r.product_id, r.name), {
      id: r.id,
      productId: r.product_id,
      name: r.name,
      lastT: r.last_t,
      lastValue: r.last_value,
      lastSecond: r.last_second,
      lastText: r.last_text,
    });
  }
  return byKey;
}

/**
 * Creates the series rows that do not exist yet. Existing ones are filtered out before the
 * insert so that they draw no identity value (ON CONFLICT alone would burn one per row on
 * every call and exhaust the integer ids of a busy scheduler within years).
 */
export async function createMissingSeries(db: Db, wanted: ReadonlyArray<{ productId: number; name: string }>): Promise<void> {
  if (wanted.length === 0) return;
  await sql`
    INSERT INTO series (product_id, name)
    SELECT DISTINCT w.product_id, w.name
    FROM unnest(${wanted.map((w) => w.productId)}::int[], ${wanted.map((w) => w.name)}::text[]) AS w(product_id, name)
    WHERE NOT EXISTS (SELECT 1 FROM series s WHERE s.product_id = w.product_id AND s.name = w.name)
    ORDER BY 1, 2
    ON CONFLICT (product_id, name) DO NOTHING`.execute(db);
}

/** Recomputes the cached last point and point count of these series from their points. */
export async function refreshSeriesTails(db: Db, seriesIds: readonly number[]): Promise<void> {
  if (seriesIds.length === 0) return;
  await sql`
    UPDATE series s SET last_t = l.t, last_value = l.value, last_second = l.second
    FROM (SELECT DISTINCT ON (series_id) series_id, t, value, second
          FROM points WHERE series_id = ANY(${seriesIds}::int[])
          ORDER BY series_id, t DESC) l
    WHERE s.id = l.series_id`.execute(db);
  await sql`
    UPDATE series s SET last_t = l.t, last_text = l.vals
    FROM (SELECT DISTINCT ON (series_id) series_id, t, vals
          FROM text_points WHERE series_id = ANY(${seriesIds}::int[])
          ORDER BY series_id, t DESC) l
    WHERE s.id = l.series_id`.execute(db);
}
