// Series registry rows: one per (product, history name), holding the cached last point.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './db-types.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Creates the series rows that do not exist yet. Existing ones are filtered out before the
 * insert so that they draw no identity value (ON CONFLICT alone would burn one per row on
 * every call and exhaust the integer ids of a busy scheduler within years).
 * Returns the product id of each row created (a new series is a change of the product).
 */
export async function createMissingSeries(db: Db, wanted: ReadonlyArray<{ productId: number; name: string }>): Promise<number[]> {
  if (wanted.length === 0) return [];
  const { rows } = await sql<{ product_id: number }>`
    INSERT INTO series (product_id, name)
    SELECT DISTINCT w.product_id, w.name
    FROM unnest(${wanted.map((w) => w.productId)}::int[], ${wanted.map((w) => w.name)}::text[]) AS w(product_id, name)
    WHERE NOT EXISTS (SELECT 1 FROM series s WHERE s.product_id = w.product_id AND s.name = w.name)
    ORDER BY 1, 2
    ON CONFLICT (product_id, name) DO NOTHING
    RETURNING product_id`.execute(db);
  return rows.map((r) => r.product_id);
}

/**
 * Recomputes the cached last point of these series from their points: one backward index
 * probe per series (DISTINCT ON over all their points sorted every point of a 100k-point
 * import batch), against the last archived point (point-archive.ts), the later winning.
 * Numeric and text series are probed in their own tables only.
 */
export async function refreshSeriesTails(db: Db, numericIds: readonly number[], textIds: readonly number[]): Promise<void> {
  if (numericIds.length > 0) {
    await sql`
      UPDATE series s SET last_t = l.t, last_value = l.value, last_second = l.second
      FROM unnest(${numericIds}::int[]) AS ids(id)
      CROSS JOIN LATERAL (
        SELECT x.* FROM (
          (SELECT t, value, second FROM points WHERE series_id = ids.id ORDER BY t DESC LIMIT 1)
          UNION ALL
          SELECT c.cold_t, c.cold_value, c.cold_second FROM series c WHERE c.id = ids.id AND c.cold_t IS NOT NULL
        ) x ORDER BY x.t DESC LIMIT 1) l
      WHERE s.id = ids.id`.execute(db);
  }
  if (textIds.length > 0) {
    await sql`
      UPDATE series s SET last_t = l.t, last_text = l.vals
      FROM unnest(${textIds}::int[]) AS ids(id)
      CROSS JOIN LATERAL (SELECT t, vals FROM text_points WHERE series_id = ids.id ORDER BY t DESC LIMIT 1) l
      WHERE s.id = ids.id`.execute(db);
  }
}
