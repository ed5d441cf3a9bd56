// Product keyword search over stored titles: PostgreSQL full text in the marketplace's
// language configuration (pricekeep_text_config), best match first.
import { sql } from 'kysely';
import type { Store } from './database.js';

/** ASINs whose title matches every keyword, ranked; `offset`/`limit` page through them. */
export async function searchProductTitles(store: Store, domainId: number, term: string, offset: number, limit: number): Promise<string[]> {
  const { rows } = await sql<{ asin: string }>`
    SELECT s.asin FROM product_summary s,
           plainto_tsquery(pricekeep_text_config(${domainId}::smallint), ${term}) q
    WHERE s.domain_id = ${domainId} AND s.title_search @@ q
    ORDER BY ts_rank(s.title_search, q) DESC, s.asin
    OFFSET ${offset} LIMIT ${limit}`.execute(store.db);
  return rows.map((r) => r.asin);
}
