// Product rows: upsert of metadata (merged, newest wins), codes, and lookups.
import { sql, type Transaction, type Kysely } from 'kysely';
import type { Database } from './db-types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ProductRowInput {
  readonly domainId: number;
  readonly asin: string;
  readonly title: string | null | undefined;
  readonly trackingSince: number | null;
  readonly lastUpdate: number | null;
  /** Fields to merge into `meta`; when `lastUpdate` is older than the stored one, stored fields win. */
  readonly meta: Record<string, unknown>;
}

export interface ProductKey {
  readonly id: number;
  readonly domainId: number;
  readonly asin: string;
}

/**
 * Inserts or merges products and returns their ids. Rows are upserted in (domain, asin)
 * order so that concurrent writers lock them in the same order, and the row locks taken
 * here serialise every writer of a product until the transaction ends.
 */
export async function upsertProducts(db: Db, rows: readonly ProductRowInput[]): Promise<ProductKey[]> {
  if (rows.length === 0) return [];
  const sorted = [...rows].sort((a, b) => a.domainId - b.domainId || (a.asin < b.asin ? -1 : a.asin > b.asin ? 1 : 0));
  const result = await sql<{ id: number; domain_id: number; asin: string }>`
    INSERT INTO products AS p (domain_id, asin, title, tracking_since, last_update, meta)
    SELECT * FROM unnest(
      ${sorted.map((r) => r.domainId)}::smallint[], ${sorted.map((r) => r.asin)}::text[],
      ${sorted.map((r) => r.title ?? null)}::text[], ${sorted.map((r) => r.trackingSince)}::int[],
      ${sorted.map((r) => r.lastUpdate)}::int[], ${sorted.map((r) => JSON.stringify(r.meta))}::jsonb[])
    ON CONFLICT (domain_id, asin) DO UPDATE SET
      title = CASE WHEN coalesce(EXCLUDED.last_update, 0) >= coalesce(p.last_update, 0)
                   THEN coalesce(EXCLUDED.title, p.title) ELSE coalesce(p.title, EXCLUDED.title) END,
      tracking_since = least(p.tracking_since, EXCLUDED.tracking_since),
      last_update = greatest(p.last_update, EXCLUDED.last_update),
      meta = CASE WHEN EXCLUDED.meta = '{}'::jsonb THEN p.meta
                  WHEN coalesce(EXCLUDED.last_update, 0) >= coalesce(p.last_update, 0)
                  THEN p.meta || EXCLUDED.meta ELSE EXCLUDED.meta || p.meta END,
      updated_at = now()
    RETURNING id, domain_id, asin`.execute(db);
  return result.rows.map((r) => ({ id: r.id, domainId: r.domain_id, asin: r.asin }));
}

export async function addProductCodes(db: Db, productId: number, domainId: number, codes: readonly string[]): Promise<void> {
  await addCodes(db, [...new Set(codes)].map((code) => ({ productId, domainId, code })));
}

/** EAN/UPC codes of several products in one statement. */
export async function addCodes(db: Db, rows: ReadonlyArray<{ productId: number; domainId: number; code: string }>): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO product_codes (domain_id, code, product_id)
    SELECT DISTINCT * FROM unnest(${rows.map((r) => r.domainId)}::smallint[], ${rows.map((r) => r.code)}::text[], ${rows.map((r) => r.productId)}::int[])
    ON CONFLICT DO NOTHING`.execute(db);
}

/** Moves `last_price_change` forward to `at` (never back). */
export async function touchPriceChange(db: Db, changes: ReadonlyMap<number, number>): Promise<void> {
  if (changes.size === 0) return;
  await sql`
    UPDATE products p SET last_price_change = greatest(p.last_price_change, c.at)
    FROM unnest(${[...changes.keys()]}::int[], ${[...changes.values()]}::int[]) AS c(id, at)
    WHERE p.id = c.id`.execute(db);
}

export interface ProductRow {
  readonly id: number;
  readonly domainId: number;
  readonly asin: string;
  readonly title: string | null;
  readonly trackingSince: number | null;
  readonly lastUpdate: number | null;
  readonly lastPriceChange: number | null;
  readonly meta: Record<string, unknown>;
}

export async function findProducts(db: Db, domainId: number, asins: readonly string[]): Promise<ProductRow[]> {
  if (asins.length === 0) return [];
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('asin', 'in', [...asins])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    domainId: r.domain_id,
    asin: r.asin,
    title: r.title,
    trackingSince: r.tracking_since,
    lastUpdate: r.last_update,
    lastPriceChange: r.last_price_change,
    meta: r.meta,
  }));
}

/** ASINs whose stored eanList/upcList holds one of these codes. */
export async function asinsForCodes(db: Db, domainId: number, codes: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('product_codes as c')
    .innerJoin('products as p', 'p.id', 'c.product_id')
    .select(['c.code', 'p.asin'])
    .where('c.domain_id', '=', domainId)
    .where('c.code', 'in', [...codes])
    .orderBy('p.asin')
    .execute();
  const byCode = new Map<string, string[]>();
  for (const row of rows) byCode.set(row.code, [...(byCode.get(row.code) ?? []), row.asin]);
  return byCode;
}
