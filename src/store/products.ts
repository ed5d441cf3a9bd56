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
 * here serialise every writer of a product until the transaction ends (ON CONFLICT locks
 * the existing row before its WHERE decides whether to rewrite it).
 * A row the merge would leave as it is is not rewritten: meta is Keepa's whole product
 * (~100 kB, TOASTed), and rewriting it unchanged was most of a re-import's product writes.
 * Metadata goes as one JSON array: a jsonb[] parameter costs an array-literal parse of
 * every escaped document before each is parsed again as JSON.
 */
export async function upsertProducts(db: Db, rows: readonly ProductRowInput[]): Promise<ProductKey[]> {
  if (rows.length === 0) return [];
  const sorted = [...rows].sort((a, b) => a.domainId - b.domainId || (a.asin < b.asin ? -1 : a.asin > b.asin ? 1 : 0));
  const merged = {
    title: sql`CASE WHEN coalesce(EXCLUDED.last_update, 0) >= coalesce(p.last_update, 0)
                    THEN coalesce(EXCLUDED.title, p.title) ELSE coalesce(p.title, EXCLUDED.title) END`,
    trackingSince: sql`least(p.tracking_since, EXCLUDED.tracking_since)`,
    lastUpdate: sql`greatest(p.last_update, EXCLUDED.last_update)`,
    meta: sql`CASE WHEN EXCLUDED.meta = '{}'::jsonb THEN p.meta
                   WHEN coalesce(EXCLUDED.last_update, 0) >= coalesce(p.last_update, 0)
                   THEN p.meta || EXCLUDED.meta ELSE EXCLUDED.meta || p.meta END`,
  };
  const { rows: written } = await sql<{ id: number; domain_id: number; asin: string }>`
    INSERT INTO products AS p (domain_id, asin, title, tracking_since, last_update, meta)
    SELECT * FROM ROWS FROM (
      unnest(${sorted.map((r) => r.domainId)}::smallint[]), unnest(${sorted.map((r) => r.asin)}::text[]),
      unnest(${sorted.map((r) => r.title ?? null)}::text[]), unnest(${sorted.map((r) => r.trackingSince)}::int[]),
      unnest(${sorted.map((r) => r.lastUpdate)}::int[]), jsonb_array_elements(${JSON.stringify(sorted.map((r) => r.meta))}::jsonb))
    ON CONFLICT (domain_id, asin) DO UPDATE SET
      title = ${merged.title}, tracking_since = ${merged.trackingSince}, last_update = ${merged.lastUpdate},
      meta = ${merged.meta}, updated_at = now()
    WHERE (p.title, p.tracking_since, p.last_update, p.meta)
          IS DISTINCT FROM (${merged.title}, ${merged.trackingSince}, ${merged.lastUpdate}, ${merged.meta})
    RETURNING id, domain_id, asin`.execute(db);
  const keys = written.map((r) => ({ id: r.id, domainId: r.domain_id, asin: r.asin }));
  if (keys.length === rows.length) return keys;
  // The rows left as they were: read after the upsert, so that one a concurrent writer
  // committed meanwhile (its insert was our conflict) is seen.
  const done = new Set(keys.map((k) => `${k.domainId}:${k.asin}`));
  const rest = sorted.filter((r) => !done.has(`${r.domainId}:${r.asin}`));
  const { rows: unchanged } = await sql<{ id: number; domain_id: number; asin: string }>`
    SELECT p.id, p.domain_id, p.asin FROM products p
    JOIN unnest(${rest.map((r) => r.domainId)}::smallint[], ${rest.map((r) => r.asin)}::text[]) AS k(domain_id, asin)
      ON p.domain_id = k.domain_id AND p.asin = k.asin`.execute(db);
  return [...keys, ...unchanged.map((r) => ({ id: r.id, domainId: r.domain_id, asin: r.asin }))];
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

/**
 * Moves `last_price_change` forward to `at` (never back). A row it would leave as it is is
 * not written: a new row version drops the product's cached answers (product-versions.ts).
 */
export async function touchPriceChange(db: Db, changes: ReadonlyMap<number, number>): Promise<void> {
  if (changes.size === 0) return;
  await sql`
    UPDATE products p SET last_price_change = greatest(p.last_price_change, c.at)
    FROM unnest(${[...changes.keys()]}::int[], ${[...changes.values()]}::int[]) AS c(id, at)
    WHERE p.id = c.id AND p.last_price_change IS DISTINCT FROM greatest(p.last_price_change, c.at)`.execute(db);
}

/**
 * A new row version for products whose series or points were written while their row was
 * not (upsertProducts skips unchanged rows): the row's version is what caches key on and
 * its UPDATE is what notifies them. Leaves meta's TOAST pointer as it is, so it is cheap.
 */
export async function touchProducts(db: Db, ids: Iterable<number>): Promise<void> {
  const list = [...new Set(ids)];
  if (list.length === 0) return;
  // A row this transaction wrote already (upsertProducts) has its new version.
  await sql`UPDATE products SET updated_at = now() WHERE id = ANY(${list}::int[]) AND xmin <> pg_current_xact_id()::xid`.execute(db);
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
