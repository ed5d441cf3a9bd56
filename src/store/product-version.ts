// A product's version for caches: it changes whenever a point is added to any of its
// series or its title changes, and only then (a scrape that saw no change leaves it).
import { sql } from 'kysely';
import type { Store } from './database.js';

export async function productVersion(store: Store, domainId: number, asin: string): Promise<string | null> {
  const { rows } = await sql<{ id: number; title: string | null; series: number; last_t: number | null; points: string | null }>`
    SELECT p.id, p.title, count(s.id)::int AS series, max(s.last_t) AS last_t,
           string_agg(s.id || '@' || coalesce(s.last_t, -1), ',' ORDER BY s.id) AS points
    FROM products p LEFT JOIN series s ON s.product_id = p.id
    WHERE p.domain_id = ${domainId} AND p.asin = ${asin}
    GROUP BY p.id`.execute(store.db);
  const row = rows[0];
  return row ? JSON.stringify([row.id, row.title, row.points]) : null;
}
