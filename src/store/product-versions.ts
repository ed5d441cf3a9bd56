// A product's version: the transaction id (xmin) of its row. Every write that changes what
// /product answers updates the product row in the same transaction: upsertProducts when
// the row's fields change, touchProducts / the change-only statements when only its points
// do (they touch exactly the products they wrote points of). An UPDATE always writes a new
// row version, so a changed xmin means the product changed, in whatever process the write
// happened, and a write that changed nothing (a re-import) leaves the version as it was.
import { sql } from 'kysely';
import type { Store } from './database.js';

/** Version of each stored product among `asins` (absent = not stored). */
export async function productVersions(store: Store, domainId: number, asins: readonly string[]): Promise<Map<string, string>> {
  if (asins.length === 0) return new Map();
  const { rows } = await sql<{ asin: string; version: string }>`
    SELECT asin, xmin::text AS version FROM products WHERE domain_id = ${domainId} AND asin = ANY(${[...asins]}::text[])`.execute(store.db);
  return new Map(rows.map((r) => [r.asin, r.version]));
}
