// Keeps the discovery summary (schema/030_product_summary.sql) equal to what the stats
// engine computes from each product's stored data.
//
// Every write path calls markSummariesStale once, inside its own transaction: one INSERT of
// the product ids into the stale queue. The summarizer (refreshStaleSummaries, run by the
// summary job and, bounded, before every discovery query) reads those products back as
// /product would serve them, runs the engine (src/keepa/stats-summary.ts) and rewrites
// their rows. Summaries also age without writes (avg30 slides with time): refreshAgedSummaries
// recomputes the oldest ones, so a product that never changes still leaves "avg30".
//
// The queue entry is removed before the product is read (its own committed statement), so
// a write that lands while the summarizer runs marks the product stale again and it is
// recomputed once more: never a summary older than the data it claims to describe.
import { sql, type Kysely, type Transaction } from 'kysely';
import { assembleKeepaProduct } from '../keepa/product-object.js';
import { rankAverage, summarizeProduct, type ProductSummaryStats } from '../keepa/stats-summary.js';
import type { Database } from './db-types.js';
import type { Store } from './database.js';
import { readProducts, type StoredProduct } from './read-products.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The one call each write path makes: these products' summaries must be recomputed. */
export async function markSummariesStale(db: Db, productIds: readonly number[]): Promise<void> {
  if (productIds.length === 0) return;
  await sql`
    INSERT INTO product_summary_stale (product_id)
    SELECT DISTINCT id FROM unnest(${[...productIds]}::int[]) AS id ORDER BY 1
    ON CONFLICT DO NOTHING`.execute(db);
}

const BATCH = 200;

function lowerText(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim().toLowerCase();
  return null;
}

function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function idList(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0) : [];
}

interface TreeNode {
  catId: number;
  name: string;
}

function categoryTree(value: unknown): TreeNode[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((node) =>
    node && typeof node === 'object' && Number.isSafeInteger((node as TreeNode).catId) && typeof (node as TreeNode).name === 'string'
      ? [{ catId: (node as TreeNode).catId, name: (node as TreeNode).name }]
      : [],
  );
}

/** The main image file name: imagesCSV's first entry, else images[0]. */
function mainImage(meta: Record<string, unknown>): string | null {
  if (typeof meta.imagesCSV === 'string' && meta.imagesCSV !== '') return meta.imagesCSV.split(',')[0]!;
  const first = Array.isArray(meta.images) ? (meta.images[0] as Record<string, unknown> | undefined) : undefined;
  const name = first?.l ?? first?.m;
  return typeof name === 'string' ? name : null;
}

interface SummaryRows {
  product: Record<string, unknown>;
  types: Array<Record<string, unknown>>;
  ranks: Array<Record<string, unknown>>;
  tree: TreeNode[];
}

function rowsOf(id: number, stored: StoredProduct, now: number): SummaryRows {
  const product = assembleKeepaProduct(stored);
  const summary: ProductSummaryStats = summarizeProduct(product, now);
  const meta = stored.meta;
  const tree = categoryTree(meta.categoryTree);
  const root = integerOrNull(meta.rootCategory);
  const salesRanks = (product.salesRanks ?? {}) as Record<string, number[]>;
  return {
    product: {
      product_id: id,
      domain_id: stored.domainId,
      asin: stored.asin,
      as_of: now,
      title: typeof meta.title === 'string' ? meta.title : null,
      brand: lowerText(meta.brand),
      manufacturer: lowerText(meta.manufacturer),
      product_group: lowerText(meta.productGroup),
      product_type: integerOrNull(meta.productType),
      root_category: root !== null && root > 0 ? root : (tree[0]?.catId ?? null),
      categories: idList(meta.categories),
      category_tree: tree.map((n) => n.catId),
      parent_asin: typeof meta.parentAsin === 'string' ? meta.parentAsin : null,
      image: mainImage(meta),
      monthly_sold: summary.monthlySold,
      rating: summary.rating,
      review_count: summary.reviewCount,
      sales_rank_drops30: summary.salesRankDrops30,
      sales_rank_drops90: summary.salesRankDrops90,
      sales_rank_drops180: summary.salesRankDrops180,
      sales_rank_drops365: summary.salesRankDrops365,
      last_update: integerOrNull(meta.lastUpdate),
      last_price_change: integerOrNull(meta.lastPriceChange),
    },
    types: summary.types.map((t) => ({
      product_id: id,
      csv_type: t.csvType,
      current: t.current,
      avg1: t.avg[1], avg7: t.avg[7], avg30: t.avg[30], avg90: t.avg[90], avg180: t.avg[180], avg365: t.avg[365],
      delta1: t.delta[1], delta7: t.delta[7], delta30: t.delta[30], delta90: t.delta[90],
      delta_percent1: t.deltaPercent[1], delta_percent7: t.deltaPercent[7],
      delta_percent30: t.deltaPercent[30], delta_percent90: t.deltaPercent[90],
      delta_last: t.deltaLast,
      is_lowest: t.isLowest,
      is_lowest90: t.isLowest90,
      last_change: t.lastChange,
      back_in_stock: t.backInStock,
      back_in_stock_day: t.backInStockDay,
      out_of_stock_day: t.outOfStockDay,
      out_of_stock_percentage90: t.outOfStockPercentage90,
    })),
    ranks: Object.entries(salesRanks).flatMap(([category, flat]) => {
      const categoryId = Number(category);
      if (!Number.isSafeInteger(categoryId) || !Array.isArray(flat)) return [];
      return [{
        product_id: id,
        category_id: categoryId,
        current: rankAverage(flat, 0, now),
        avg30: rankAverage(flat, 30, now),
        avg90: rankAverage(flat, 90, now),
        avg180: rankAverage(flat, 180, now),
      }];
    }),
    tree,
  };
}

async function writeSummaries(db: Db, rows: readonly SummaryRows[], missing: readonly number[]): Promise<void> {
  const ids = rows.map((r) => r.product.product_id as number);
  if (missing.length > 0) await sql`DELETE FROM product_summary WHERE product_id = ANY(${[...missing]}::int[])`.execute(db);
  if (rows.length === 0) return;
  await sql`
    INSERT INTO product_summary AS s
    SELECT x.product_id, x.domain_id, x.asin, x.as_of, x.title,
           to_tsvector(pricekeep_text_config(x.domain_id), coalesce(x.title, '')),
           x.brand, x.manufacturer, x.product_group, x.product_type, x.root_category,
           ARRAY(SELECT jsonb_array_elements_text(x.categories)::bigint),
           ARRAY(SELECT jsonb_array_elements_text(x.category_tree)::bigint),
           x.parent_asin, x.image, x.monthly_sold, x.rating, x.review_count,
           x.sales_rank_drops30, x.sales_rank_drops90, x.sales_rank_drops180, x.sales_rank_drops365,
           x.last_update, x.last_price_change
    FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => r.product))}::jsonb) AS x(
      product_id int, domain_id smallint, asin text, as_of int, title text, brand text, manufacturer text,
      product_group text, product_type smallint, root_category bigint, categories jsonb, category_tree jsonb,
      parent_asin text, image text, monthly_sold int, rating int, review_count int,
      sales_rank_drops30 int, sales_rank_drops90 int, sales_rank_drops180 int, sales_rank_drops365 int,
      last_update int, last_price_change int)
    ORDER BY x.product_id
    ON CONFLICT (product_id) DO UPDATE SET
      domain_id = EXCLUDED.domain_id, asin = EXCLUDED.asin, as_of = EXCLUDED.as_of, title = EXCLUDED.title,
      title_search = EXCLUDED.title_search, brand = EXCLUDED.brand, manufacturer = EXCLUDED.manufacturer,
      product_group = EXCLUDED.product_group, product_type = EXCLUDED.product_type,
      root_category = EXCLUDED.root_category, categories = EXCLUDED.categories,
      category_tree = EXCLUDED.category_tree, parent_asin = EXCLUDED.parent_asin, image = EXCLUDED.image,
      monthly_sold = EXCLUDED.monthly_sold, rating = EXCLUDED.rating, review_count = EXCLUDED.review_count,
      sales_rank_drops30 = EXCLUDED.sales_rank_drops30, sales_rank_drops90 = EXCLUDED.sales_rank_drops90,
      sales_rank_drops180 = EXCLUDED.sales_rank_drops180, sales_rank_drops365 = EXCLUDED.sales_rank_drops365,
      last_update = EXCLUDED.last_update, last_price_change = EXCLUDED.last_price_change`.execute(db);

  await sql`DELETE FROM product_summary_types WHERE product_id = ANY(${ids}::int[])`.execute(db);
  const types = rows.flatMap((r) => r.types);
  if (types.length > 0) {
    await sql`
      INSERT INTO product_summary_types
      SELECT x.*, s.domain_id, s.root_category FROM jsonb_to_recordset(${JSON.stringify(types)}::jsonb) AS x(
        product_id int, csv_type smallint, current int, avg1 int, avg7 int, avg30 int, avg90 int, avg180 int,
        avg365 int, delta1 int, delta7 int, delta30 int, delta90 int, delta_percent1 int, delta_percent7 int,
        delta_percent30 int, delta_percent90 int, delta_last int, is_lowest bool, is_lowest90 bool,
        last_change int, back_in_stock bool, back_in_stock_day bool, out_of_stock_day bool,
        out_of_stock_percentage90 int)
      JOIN product_summary s ON s.product_id = x.product_id -- written above: its domain and root go on every per-type row`.execute(db);
  }

  await sql`DELETE FROM product_category_ranks WHERE product_id = ANY(${ids}::int[])`.execute(db);
  const ranks = rows.flatMap((r) => r.ranks);
  if (ranks.length > 0) {
    await sql`
      INSERT INTO product_category_ranks
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(ranks)}::jsonb) AS x(
        product_id int, category_id bigint, current int, avg30 int, avg90 int, avg180 int)`.execute(db);
  }

  const nodes = new Map<string, { domain_id: number; cat_id: number; name: string; parent: number }>();
  for (const r of rows) {
    r.tree.forEach((node, i) => {
      const domain = r.product.domain_id as number;
      nodes.set(`${domain}|${node.catId}`, { domain_id: domain, cat_id: node.catId, name: node.name, parent: i === 0 ? 0 : r.tree[i - 1]!.catId });
    });
  }
  if (nodes.size > 0) {
    await sql`
      INSERT INTO categories AS c (domain_id, cat_id, name, parent)
      SELECT * FROM jsonb_to_recordset(${JSON.stringify([...nodes.values()])}::jsonb)
        AS x(domain_id smallint, cat_id bigint, name text, parent bigint)
      ORDER BY 1, 2
      ON CONFLICT (domain_id, cat_id) DO UPDATE SET name = EXCLUDED.name, parent = EXCLUDED.parent
        WHERE (c.name, c.parent) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.parent)`.execute(db);
  }
}

/** Recomputes these products' summaries as of `now` (Keepa minute). Returns how many were written. */
export async function refreshSummaries(store: Store, productIds: readonly number[], now: number): Promise<number> {
  let written = 0;
  for (let i = 0; i < productIds.length; i += BATCH) {
    const ids = productIds.slice(i, i + BATCH);
    const { rows: keys } = await sql<{ id: number; domain_id: number; asin: string }>`
      SELECT id, domain_id, asin FROM products WHERE id = ANY(${ids}::int[])`.execute(store.db);
    const byDomain = new Map<number, typeof keys>();
    for (const key of keys) byDomain.set(key.domain_id, [...(byDomain.get(key.domain_id) ?? []), key]);
    const rows: SummaryRows[] = [];
    for (const [domainId, products] of byDomain) {
      // Points after `now` are left out, as the engine does: a summary is as of `now`.
      const stored = await readProducts(store, domainId, products.map((p) => p.asin), { to: now });
      for (const p of products) {
        const s = stored.get(p.asin);
        if (s) rows.push(rowsOf(p.id, s, now));
      }
    }
    const found = new Set(keys.map((k) => k.id));
    await store.db.transaction().execute((trx) => writeSummaries(trx, rows, ids.filter((id) => !found.has(id))));
    written += rows.length;
  }
  return written;
}

/** Empties up to `limit` entries of the stale queue, recomputing those products. Returns how many. */
export async function refreshStaleSummaries(store: Store, now: number, limit = Infinity): Promise<number> {
  let done = 0;
  while (done < limit) {
    const { rows } = await sql<{ product_id: number }>`
      DELETE FROM product_summary_stale WHERE product_id IN (
        SELECT product_id FROM product_summary_stale ORDER BY product_id
        LIMIT ${Math.min(BATCH, limit - done)} FOR UPDATE SKIP LOCKED)
      RETURNING product_id`.execute(store.db);
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.product_id);
    try {
      await refreshSummaries(store, ids, now);
    } catch (error) {
      await markSummariesStale(store.db, ids);
      throw error;
    }
    done += ids.length;
  }
  return done;
}

/** Recomputes up to `limit` summaries computed before `before` (Keepa minute), oldest first. */
export async function refreshAgedSummaries(store: Store, now: number, before: number, limit: number): Promise<number> {
  const { rows } = await sql<{ product_id: number }>`
    SELECT product_id FROM product_summary WHERE as_of < ${before} ORDER BY as_of, product_id LIMIT ${limit}`.execute(store.db);
  return refreshSummaries(store, rows.map((r) => r.product_id), now);
}

/** How many products wait in the stale queue. */
export async function staleSummaryCount(store: Store): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM product_summary_stale`.execute(store.db);
  return rows[0]!.n;
}
