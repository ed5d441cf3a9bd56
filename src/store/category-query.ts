// Categories and best sellers from what the stored products say: the nodes of their
// category trees (table categories), their direct listings and per-category sales ranks
// (product_category_ranks), all kept by the summarizer.
import { sql } from 'kysely';
import type { Store } from './database.js';

export interface CategoryObject {
  domainId: number;
  catId: number;
  name: string;
  contextFreeName: string;
  websiteDisplayGroup: string | null;
  children: number[];
  parent: number;
  highestRank: number | null;
  lowestRank: number | null;
  productCount: number;
  isBrowseNode: boolean;
}

type Row = { cat_id: string; name: string; parent: string; children: string[] | null; products: number; highest: number | null; lowest: number | null };

async function categoryObjects(store: Store, domainId: number, where: ReturnType<typeof sql>): Promise<CategoryObject[]> {
  const { rows } = await sql<Row>`
    SELECT c.cat_id::text, c.name, c.parent::text,
           (SELECT array_agg(k.cat_id::text ORDER BY k.cat_id) FROM categories k
             WHERE k.domain_id = c.domain_id AND k.parent = c.cat_id) AS children,
           (SELECT count(*)::int FROM product_summary s
             WHERE s.domain_id = c.domain_id AND (s.category_tree @> ARRAY[c.cat_id] OR s.categories @> ARRAY[c.cat_id])) AS products,
           r.highest, r.lowest
    FROM categories c
    LEFT JOIN LATERAL (
      SELECT min(t.current) AS highest, max(t.current) AS lowest
      FROM product_summary s JOIN product_summary_types t ON t.product_id = s.product_id AND t.csv_type = 3
      WHERE s.domain_id = c.domain_id AND (s.category_tree @> ARRAY[c.cat_id] OR s.categories @> ARRAY[c.cat_id])
    ) r ON true
    WHERE c.domain_id = ${domainId} AND ${where}
    ORDER BY c.cat_id`.execute(store.db);
  return rows.map((r) => ({
    domainId,
    catId: Number(r.cat_id),
    name: r.name,
    contextFreeName: r.name,
    websiteDisplayGroup: null,
    children: (r.children ?? []).map(Number),
    parent: Number(r.parent),
    highestRank: r.highest,
    lowestRank: r.lowest,
    productCount: r.products,
    isBrowseNode: true,
  }));
}

/** Category objects by id; `0` = every root category. */
export async function lookupCategories(store: Store, domainId: number, ids: readonly number[]): Promise<CategoryObject[]> {
  const roots = ids.includes(0);
  const others = ids.filter((id) => id !== 0);
  return categoryObjects(store, domainId, sql`(c.cat_id = ANY(${others}::bigint[]) OR (${roots}::bool AND c.parent = 0))`);
}

/** Every category on the way from these up to their roots (the categories themselves left out). */
export async function categoryParents(store: Store, domainId: number, ids: readonly number[]): Promise<CategoryObject[]> {
  const { rows } = await sql<{ cat_id: string }>`
    WITH RECURSIVE up AS (
      SELECT c.parent AS cat_id FROM categories c WHERE c.domain_id = ${domainId} AND c.cat_id = ANY(${[...ids]}::bigint[]) AND c.parent <> 0
      UNION
      SELECT c.parent FROM categories c JOIN up ON c.domain_id = ${domainId} AND c.cat_id = up.cat_id WHERE c.parent <> 0
    ) SELECT cat_id::text FROM up`.execute(store.db);
  if (rows.length === 0) return [];
  return categoryObjects(store, domainId, sql`c.cat_id = ANY(${rows.map((r) => r.cat_id)}::bigint[])`);
}

/** Categories whose name holds every keyword (case-insensitive), at most `limit`. */
export async function searchCategories(store: Store, domainId: number, keywords: readonly string[], limit = 50): Promise<CategoryObject[]> {
  const patterns = keywords.map((k) => `%${k.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const { rows } = await sql<{ cat_id: string }>`
    SELECT cat_id::text FROM categories
    WHERE domain_id = ${domainId} AND name ILIKE ALL(${patterns}::text[])
    ORDER BY length(name), cat_id LIMIT ${limit}`.execute(store.db);
  if (rows.length === 0) return [];
  return categoryObjects(store, domainId, sql`c.cat_id = ANY(${rows.map((r) => r.cat_id)}::bigint[])`);
}

export interface BestSellersQuery {
  readonly domainId: number;
  /** A category id, or a product group name (e.g. "Beauty"). */
  readonly category: number | string;
  /** 0 current rank, 30/90/180 that many days' average rank. */
  readonly range: 0 | 30 | 90 | 180;
  /** false: one product per parent ASIN (the best ranked). */
  readonly variations: boolean;
  /** true: order by the rank in this category rather than the primary (SALES) rank. */
  readonly sublist: boolean;
  readonly limit: number;
}

export interface BestSellersList {
  readonly domainId: number;
  readonly lastUpdate: number;
  readonly categoryId: number;
  readonly asinList: string[];
}

const RANK_COLUMN = { 0: 'current', 30: 'avg30', 90: 'avg90', 180: 'avg180' } as const;

/** The best sellers of a category from the stored ranks; null when no product has a rank there. */
export async function bestSellers(store: Store, q: BestSellersQuery): Promise<BestSellersList | null> {
  const column = sql.raw(RANK_COLUMN[q.range]);
  const byGroup = typeof q.category === 'string';
  // Members: products ranked in the category (salesRanks), or of the product group; the
  // primary order is the SALES rank (csv 3), the sublist order the category's own rank.
  const ranked = byGroup
    ? sql`SELECT s.product_id, s.asin, s.parent_asin, s.as_of, t.${column} AS rank
          FROM product_summary s JOIN product_summary_types t ON t.product_id = s.product_id AND t.csv_type = 3
          WHERE s.domain_id = ${q.domainId} AND s.product_group = ${String(q.category).toLowerCase()} AND t.${column} > 0`
    : q.sublist
      ? sql`SELECT s.product_id, s.asin, s.parent_asin, s.as_of, r.${column} AS rank
            FROM product_category_ranks r JOIN product_summary s ON s.product_id = r.product_id
            WHERE r.category_id = ${q.category} AND s.domain_id = ${q.domainId} AND r.${column} > 0`
      : sql`SELECT s.product_id, s.asin, s.parent_asin, s.as_of, t.${column} AS rank
            FROM product_category_ranks r JOIN product_summary s ON s.product_id = r.product_id
            JOIN product_summary_types t ON t.product_id = s.product_id AND t.csv_type = 3
            WHERE r.category_id = ${q.category} AND s.domain_id = ${q.domainId} AND r.current > 0 AND t.${column} > 0`;
  const { rows } = await sql<{ asin: string; as_of: number }>`
    WITH ranked AS (${ranked}),
    chosen AS (
      SELECT * FROM ranked WHERE ${q.variations}::bool
      UNION ALL
      (SELECT DISTINCT ON (coalesce(parent_asin, asin)) * FROM ranked WHERE NOT ${q.variations}::bool
       ORDER BY coalesce(parent_asin, asin), rank, asin)
    )
    SELECT asin, as_of FROM chosen ORDER BY rank, asin LIMIT ${q.limit}`.execute(store.db);
  if (rows.length === 0) return null;
  return {
    domainId: q.domainId,
    lastUpdate: Math.max(...rows.map((r) => r.as_of)),
    categoryId: byGroup ? 0 : (q.category as number),
    asinList: rows.map((r) => r.asin),
  };
}
