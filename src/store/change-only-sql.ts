// The change-only write as one SQL statement per kind of series. For every observed
// (series, minute) it finds the value in force just before, compares, inserts the points
// that differ, moves the series' cached tail forward, and touches the row of every product
// it wrote a point of (a new row version: the cache's version, product-versions.ts), moving
// last_price_change for price series. The value in force at minute t is the later of
//   - the stored point at or before t: the cached tail when t >= last_t (no read of
//     points at all on the common path), else one index probe of the hypertable, and
//   - the previous observation of the same series in this call (written, or equal to
//     what was in force, so it is what holds from its minute on).
// The last observation of a series at one minute wins over earlier ones in the call.
// Each observation finds its series row by one index probe (LATERAL … LIMIT 1): a join
// let the planner hash the whole series table on every call, a cost that grows with
// every product tracked instead of with the call.
// Observations of a series that has no row yet are left out and counted as unmatched:
// the caller creates the rows and runs the statement again, which the change-only
// comparison makes safe (what was written the first time compares equal the second).
// With `collect`, the statement also reports the csv points it wrote that moved their
// series' tail, with the value each replaced: what the alert rules run on (alert-events.ts).
import { sql, type Transaction } from 'kysely';
import type { WrittenPoint } from './alert-events.js';
import type { Database } from './db-types.js';

type Db = Transaction<Database>;

/** Numeric observations, column-wise (one entry per product × series × minute). */
export interface NumericInput {
  readonly productIds: number[];
  readonly names: string[];
  readonly ts: number[];
  readonly values: number[];
  readonly seconds: Array<number | null>;
  /** Whether a written point moves the product's lastPriceChange. */
  readonly isPrice: boolean[];
}

/** Text observations: [product id, series name, minute, values]. */
export type TextInput = Array<[number, string, number, string[]]>;

export interface ChangeCounts {
  /** Points written. */
  readonly written: number;
  /** Observations skipped because their series row does not exist yet. */
  readonly unmatched: number;
  /** With `collect`: the csv points written at or after their series' tail. */
  readonly points?: WrittenPoint[];
}

type PointTuple = [number, string, number, number, number | null, number | null, number | null];

export async function recordNumericChanges(db: Db, input: NumericInput, options: { collect?: boolean } = {}): Promise<ChangeCounts> {
  if (input.ts.length === 0) return { written: 0, unmatched: 0, points: [] };
  const collect = options.collect === true;
  const { rows } = await sql<{ written: number; unmatched: number; points: PointTuple[] | null }>`
    WITH observed AS (
      SELECT DISTINCT ON (s.id, o.t)
             s.id AS series_id, o.product_id, o.name, o.t, o.value, o.second, o.is_price,
             s.last_t, s.last_value, s.last_second, s.cold_t, s.cold_value, s.cold_second
      FROM unnest(${input.productIds}::int[], ${input.names}::text[], ${input.ts}::int[],
                  ${input.values}::int[], ${input.seconds}::int[], ${input.isPrice}::bool[])
           WITH ORDINALITY AS o(product_id, name, t, value, second, is_price, ord)
      LEFT JOIN LATERAL (
        SELECT s.id, s.last_t, s.last_value, s.last_second, s.last_text, s.cold_t, s.cold_value, s.cold_second FROM series s
        WHERE s.product_id = o.product_id AND s.name = o.name LIMIT 1) s ON true
      ORDER BY s.id, o.t, o.ord DESC
    ), sequenced AS (
      SELECT o.*, lag(o.t) OVER w AS prev_t, lag(o.value) OVER w AS prev_value, lag(o.second) OVER w AS prev_second
      FROM observed o WHERE o.series_id IS NOT NULL WINDOW w AS (PARTITION BY o.series_id ORDER BY o.t)
    ), changed AS (
      SELECT q.series_id, q.product_id, q.name, q.t, q.value, q.second, q.is_price, q.last_t,
             -- the value this point replaces (what the comparison below compared with)
             CASE WHEN stored.t IS NOT NULL AND (q.prev_t IS NULL OR stored.t > q.prev_t) THEN stored.value
                  WHEN q.prev_t IS NOT NULL THEN q.prev_value END AS before_value,
             CASE WHEN stored.t IS NOT NULL AND (q.prev_t IS NULL OR stored.t > q.prev_t) THEN stored.second
                  WHEN q.prev_t IS NOT NULL THEN q.prev_second END AS before_second
      FROM sequenced q
      LEFT JOIN LATERAL (
        SELECT x.* FROM (
          (SELECT p.t, p.value, p.second FROM points p
           WHERE q.t < q.last_t AND p.series_id = q.series_id AND p.t <= q.t
           ORDER BY p.t DESC LIMIT 1)
          UNION ALL
          -- the last archived point, when it is at or before t (a minute inside the archived
          -- span is compared with the rows only: at worst a point equal to its archived
          -- predecessor is kept, never one lost)
          SELECT q.cold_t, q.cold_value, q.cold_second WHERE q.t < q.last_t AND q.cold_t <= q.t
        ) x ORDER BY x.t DESC LIMIT 1
      ) older ON true
      CROSS JOIN LATERAL (
        SELECT CASE WHEN q.t >= q.last_t THEN q.last_t ELSE older.t END AS t,
               CASE WHEN q.t >= q.last_t THEN q.last_value ELSE older.value END AS value,
               CASE WHEN q.t >= q.last_t THEN q.last_second ELSE older.second END AS second
      ) stored
      WHERE NOT coalesce(
        CASE WHEN stored.t IS NOT NULL AND (q.prev_t IS NULL OR stored.t > q.prev_t)
               THEN q.value = stored.value AND q.second IS NOT DISTINCT FROM stored.second
             WHEN q.prev_t IS NOT NULL
               THEN q.value = q.prev_value AND q.second IS NOT DISTINCT FROM q.prev_second
        END, false)
    ), written AS (
      INSERT INTO points (series_id, t, value, second)
      SELECT series_id, t, value, second FROM changed
      ON CONFLICT (series_id, t) DO UPDATE SET value = EXCLUDED.value, second = EXCLUDED.second
    ), tails AS (
      UPDATE series s SET last_t = c.t, last_value = c.value, last_second = c.second
      FROM (SELECT DISTINCT ON (series_id) * FROM changed ORDER BY series_id, t DESC) c
      WHERE s.id = c.series_id AND (c.last_t IS NULL OR c.t >= c.last_t)
    ), touched AS (
      -- Every product with a point written gets a new row version (its cache version,
      -- product-versions.ts), and a price point also moves its lastPriceChange. One
      -- UPDATE: two in one statement could not both apply to the same row.
      -- A row this transaction wrote already (its upsert) has its new version: left
      -- alone unless its lastPriceChange moves.
      UPDATE products p SET updated_at = now(),
             last_price_change = greatest(p.last_price_change, c.t)
      FROM (SELECT product_id, max(t) FILTER (WHERE is_price) AS t FROM changed GROUP BY product_id) c
      WHERE p.id = c.product_id
        AND (p.xmin <> pg_current_xact_id()::xid OR p.last_price_change IS DISTINCT FROM greatest(p.last_price_change, c.t))
    )
    SELECT (SELECT count(*)::int FROM changed) AS written,
           (SELECT count(*)::int FROM observed WHERE series_id IS NULL) AS unmatched,
           (SELECT json_agg(json_build_array(product_id, name, t, value, second, before_value, before_second) ORDER BY t)
            FROM changed WHERE ${collect} AND name LIKE 'csv:%' AND (last_t IS NULL OR t >= last_t)) AS points`.execute(db);
  const row = rows[0]!;
  const points = (row.points ?? []).map(([productId, name, t, value, second, beforeValue, beforeSecond]) => ({
    productId, name, t, value, second, beforeValue, beforeSecond,
  }));
  return { written: row.written, unmatched: row.unmatched, points };
}

export async function recordTextChanges(db: Db, input: TextInput): Promise<ChangeCounts> {
  if (input.length === 0) return { written: 0, unmatched: 0 };
  const { rows } = await sql<ChangeCounts>`
    WITH observed AS (
      SELECT DISTINCT ON (s.id, o.t) s.id AS series_id, o.product_id, o.t, o.vals, s.last_t, s.last_text
      FROM (SELECT (e->>0)::int AS product_id, e->>1 AS name, (e->>2)::int AS t,
                   ARRAY(SELECT jsonb_array_elements_text(e->3)) AS vals, ord
            FROM jsonb_array_elements(${JSON.stringify(input)}::jsonb) WITH ORDINALITY AS j(e, ord)) o
      LEFT JOIN LATERAL (
        SELECT s.id, s.last_t, s.last_value, s.last_second, s.last_text FROM series s
        WHERE s.product_id = o.product_id AND s.name = o.name LIMIT 1) s ON true
      ORDER BY s.id, o.t, o.ord DESC
    ), sequenced AS (
      SELECT o.*, lag(o.t) OVER w AS prev_t, lag(o.vals) OVER w AS prev_vals
      FROM observed o WHERE o.series_id IS NOT NULL WINDOW w AS (PARTITION BY o.series_id ORDER BY o.t)
    ), changed AS (
      SELECT q.series_id, q.product_id, q.t, q.vals, q.last_t
      FROM sequenced q
      LEFT JOIN LATERAL (
        SELECT p.t, p.vals FROM text_points p
        WHERE q.t < q.last_t AND p.series_id = q.series_id AND p.t <= q.t
        ORDER BY p.t DESC LIMIT 1
      ) older ON true
      CROSS JOIN LATERAL (
        SELECT CASE WHEN q.t >= q.last_t THEN q.last_t ELSE older.t END AS t,
               CASE WHEN q.t >= q.last_t THEN q.last_text ELSE older.vals END AS vals
      ) stored
      WHERE NOT coalesce(
        CASE WHEN stored.t IS NOT NULL AND (q.prev_t IS NULL OR stored.t > q.prev_t) THEN q.vals = stored.vals
             WHEN q.prev_t IS NOT NULL THEN q.vals = q.prev_vals
        END, false)
    ), written AS (
      INSERT INTO text_points (series_id, t, vals)
      SELECT series_id, t, vals FROM changed
      ON CONFLICT (series_id, t) DO UPDATE SET vals = EXCLUDED.vals
    ), tails AS (
      UPDATE series s SET last_t = c.t, last_text = c.vals
      FROM (SELECT DISTINCT ON (series_id) * FROM changed ORDER BY series_id, t DESC) c
      WHERE s.id = c.series_id AND (c.last_t IS NULL OR c.t >= c.last_t)
    ), touched AS (
      -- a new row version for the cache (see the numeric statement)
      UPDATE products p SET updated_at = now()
      WHERE p.id IN (SELECT product_id FROM changed) AND p.xmin <> pg_current_xact_id()::xid
    )
    SELECT (SELECT count(*)::int FROM changed) AS written,
           (SELECT count(*)::int FROM observed WHERE series_id IS NULL) AS unmatched`.execute(db);
  return rows[0]!;
}
